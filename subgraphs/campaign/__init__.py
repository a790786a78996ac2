"""The campaign subgraph: campaigns, who runs them, and who plays in them."""
