"""The llm subgraph: text generations (concept sketches, backstories) and their records."""
