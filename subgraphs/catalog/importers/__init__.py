"""Importers that turn the open SRD 5.2 datasets into catalog entries, one module per format.

``open5e`` reads the open5e fixtures (spells), ``fivee_database`` the 5e-database JSON (classes);
``bundle.read_srd`` runs them all over an SRD directory. Run an import by hand with

    uv run python -m subgraphs.catalog.importers [--srd-dir DIR]
"""
