"""Any concept to a legal character: build proposals that ``rules.validate`` accepts.

``facts.py`` reads what the catalog knows (through the router), ``planner.py`` is the offline
planner that turns concept-search results into choices, ``assemble.py`` turns choices into a
rules-format document and checks it, ``model.py`` lets a model propose choices that the rules
then dispose of (repair rounds, or drop).
"""
