"""The catalog subgraph: public SRD 5.2 content (spells, classes, ...) imported from open data."""
