// The graph explorer: GraphiQL with a fetcher that speaks both of the router's transports.
// Queries and mutations go over HTTP (GraphiQL's own fetcher); subscriptions over WebSocket
// (graphql-transport-ws, through the graphql-ws client), one connection per set of headers so
// the Authorization typed in the Headers tab signs the connection in.
(function () {
  "use strict";

  var endpoint = window.location.origin + window.location.pathname;
  var socketUrl = endpoint.replace(/^http/, "ws");
  var overHttp = GraphiQL.createFetcher({ url: endpoint });
  var sockets = new Map();

  function socketFor(headers) {
    var params = headers || {};
    var key = JSON.stringify(params);
    var client = sockets.get(key);
    if (!client) {
      client = graphqlWs.createClient({
        url: socketUrl,
        connectionParams: params,
        lazy: true,
        retryAttempts: 3,
      });
      sockets.set(key, client);
    }
    return client;
  }

  function chosenOperation(params, options) {
    var document = options && options.documentAST;
    if (!document) return null;
    var operations = document.definitions.filter(function (definition) {
      return definition.kind === "OperationDefinition";
    });
    if (!params.operationName) return operations[0] || null;
    return operations.find(function (operation) {
      return operation.name && operation.name.value === params.operationName;
    }) || null;
  }

  function isSubscription(params, options) {
    var operation = chosenOperation(params, options);
    if (operation) return operation.operation === "subscription";
    return /^\s*subscription\b/.test(params.query || "");
  }

  function readable(problem) {
    if (problem instanceof Error) return problem;
    if (problem && typeof problem.code === "number") {  // the socket closed: say why
      return new Error("connection closed (" + problem.code + "): " + (problem.reason || ""));
    }
    if (Array.isArray(problem)) return new Error(problem.map(function (e) {
      return e.message;
    }).join("; "));
    return new Error(String(problem));
  }

  function overSocket(params, headers) {
    return {
      subscribe: function (observer) {
        var dispose = socketFor(headers).subscribe(
          { query: params.query, variables: params.variables, operationName: params.operationName },
          {
            next: function (value) { observer.next(value); },
            error: function (problem) { observer.error(readable(problem)); },
            complete: function () { observer.complete(); },
          }
        );
        return { unsubscribe: dispose };
      },
    };
  }

  function fetcher(params, options) {
    if (isSubscription(params, options)) return overSocket(params, options && options.headers);
    return overHttp(params, options);
  }

  ReactDOM.createRoot(document.getElementById("explorer")).render(
    React.createElement(GraphiQL, { fetcher: fetcher, defaultEditorToolsVisibility: true })
  );
})();
