"""The small kit every subgraph is built from: app factory, request context, errors, pagination."""
