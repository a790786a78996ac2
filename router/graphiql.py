"""The GraphiQL page served at ``GET /graphql`` to browsers.

The page is ours; the GraphiQL bundle itself comes from a CDN at pinned versions, so the router
ships no JavaScript. Only browsers fetch it; the router never makes outbound calls for it.
"""

from __future__ import annotations

GRAPHIQL_VERSION = "3.8.3"
REACT_VERSION = "18.3.1"

GRAPHIQL_HTML = f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>dndcreator graph explorer</title>
  <link rel="stylesheet" href="https://unpkg.com/graphiql@{GRAPHIQL_VERSION}/graphiql.min.css">
  <style>html, body, #explorer {{ height: 100%; margin: 0; }}</style>
</head>
<body>
  <div id="explorer">Loading the explorer…</div>
  <script crossorigin
    src="https://unpkg.com/react@{REACT_VERSION}/umd/react.production.min.js"></script>
  <script crossorigin
    src="https://unpkg.com/react-dom@{REACT_VERSION}/umd/react-dom.production.min.js"></script>
  <script crossorigin
    src="https://unpkg.com/graphiql@{GRAPHIQL_VERSION}/graphiql.min.js"></script>
  <script>
    const endpoint = window.location.origin + window.location.pathname;
    const fetcher = GraphiQL.createFetcher({{ url: endpoint }});
    ReactDOM.createRoot(document.getElementById("explorer")).render(
      React.createElement(GraphiQL, {{ fetcher, defaultEditorToolsVisibility: true }})
    );
  </script>
</body>
</html>
"""
