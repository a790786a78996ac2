"""The image subgraph: stored images (portraits, maps, tokens) and their bytes."""
