"""Importers that turn the open SRD 5.2 datasets into catalog entries, one module per format part.

- ``open5e`` (spells) and ``open5e_creatures`` (stat blocks) read the open5e fixtures;
- ``fivee_database`` (classes and their tables), ``fivee_characters`` (subclasses, features,
  species, lineages, traits, backgrounds, feats), ``fivee_items`` (equipment, magic items) and
  ``fivee_rules`` (conditions, skills, languages, proficiencies, weapon properties and masteries)
  read the 5e-database JSON;
- ``bundle.read_srd`` runs them all over an SRD directory, ``location`` finds that directory and
  ``download`` fetches the pinned files (checksummed) when there is none.

Run an import by hand with

    uv run python -m subgraphs.catalog.importers [--srd-dir DIR]
"""
