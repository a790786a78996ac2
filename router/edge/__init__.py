"""The router's edge features, each in its own module.

* ``cors`` — which browser origins may call the graph, and preflight answers.
* ``security_headers`` — headers every response carries (CSP, nosniff, frame and referrer policy).
* ``rate_limit`` — requests per client identity per window, counted in the cache port.
* ``cost`` — a static cost estimate of an operation (used by ``router.limits``).
* ``breaker`` — a circuit breaker per subgraph, around the HTTP transport of subgraph calls.
* ``metrics`` — the router's Prometheus metrics (prometheus-client) and the ``/metrics`` page.
* ``passthrough`` — plain HTTP forwarding of path prefixes (asset bytes) to a subgraph.
* ``install`` — wires all of the above into the Starlette app ``router.app.create_app`` builds.

This package's ``__init__`` imports nothing on purpose: ``router.limits`` imports ``cost`` and
must not pull in the app (which imports ``router.limits`` itself).
"""
