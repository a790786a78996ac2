"""Generative differential testing of the router against two reference gateways.

A generator (``strategies.py``, hypothesis) builds small random subgraph sets from Federation
building blocks (``blocks.py``), written as ordinary conformance-corpus cases: subgraph SDLs,
fixture tables and expression resolvers (``model.py`` renders them). Each set is composed with
``@theguild/federation-composition``, served by the corpus' fake subgraph server on loopback,
and random valid operations (``operations.py``) run on this router, Apollo Gateway and Hive
Gateway (``harness.py``). Where the two references agree, the router must agree: data equal, and
errors present exactly when theirs are.

``python -m tests.router.fuzz --cases 20000`` runs a long campaign and prints the counts;
``tests/router/test_fuzz.py`` runs a fixed-seed slice in ``make test``.
"""
