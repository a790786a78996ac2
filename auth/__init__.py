"""The auth service: accounts, sign-in sessions, signing keys and the token verification that
the router and every subgraph share (``auth.tokens``). See ``auth/README.md`` for the tour."""
