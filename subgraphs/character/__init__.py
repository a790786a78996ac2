"""The character subgraph: characters and their sheets."""
