"""The GraphiQL page served at ``GET /graphql`` to browsers.

Everything the page loads comes from the router itself (``router.explorer_assets``): GraphiQL,
React and the graphql-ws client vendored from their npm packages, and our ``explorer.js``, whose
fetcher sends subscriptions over WebSocket. No CDN, so the explorer works offline, and no inline
script, so its Content-Security-Policy allows scripts from the router's own origin only.
"""

from __future__ import annotations

from router.explorer_assets import PREFIX

GRAPHIQL_HTML = f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>dndcreator graph explorer</title>
  <link rel="stylesheet" href="{PREFIX}/vendor/graphiql.min.css">
  <style>html, body, #explorer {{ height: 100%; margin: 0; }}</style>
</head>
<body>
  <div id="explorer">Loading the explorer…</div>
  <script src="{PREFIX}/vendor/react.production.min.js"></script>
  <script src="{PREFIX}/vendor/react-dom.production.min.js"></script>
  <script src="{PREFIX}/vendor/graphiql.min.js"></script>
  <script src="{PREFIX}/vendor/graphql-ws.min.js"></script>
  <script src="{PREFIX}/explorer.js"></script>
</body>
</html>
"""
