// Subscribes through the router with the reference clients and prints what arrives, one JSON
// object per line: {"ready": true} once subscribed, {"next": result} per event, then
// {"done": true} after `count` events (the client unsubscribes) or {"closed": code} /
// {"error": message} when the stream ends otherwise.
//
//   node client.mjs ws|sse URL QUERY VARIABLES_JSON COUNT [AUTHORIZATION]
import { createClient as createWsClient } from "graphql-ws";
import { createClient as createSseClient } from "graphql-sse";
import WebSocket from "ws";

const [mode, url, query, variablesJson, countText, authorization] = process.argv.slice(2);
const variables = JSON.parse(variablesJson);
const count = Number(countText);
const say = (message) => process.stdout.write(JSON.stringify(message) + "\n");

function wsClient() {
  return createWsClient({
    url,
    webSocketImpl: WebSocket,
    connectionParams: authorization ? { Authorization: authorization } : {},
    retryAttempts: 0,
    on: { connected: () => say({ ready: true }) },
  });
}

function sseClient() {
  say({ ready: true });
  return createSseClient({
    url,
    headers: authorization ? { Authorization: authorization } : {},
    retryAttempts: 0,
  });
}

const client = mode === "ws" ? wsClient() : sseClient();
let received = 0;
try {
  for await (const result of client.iterate({ query, variables })) {
    say({ next: result });
    received += 1;
    if (received >= count) break; // leaving the loop unsubscribes
  }
  say({ done: true });
} catch (problem) {
  if (problem && typeof problem.code === "number") say({ closed: problem.code });
  else say({ error: String(problem && problem.message ? problem.message : problem) });
} finally {
  client.dispose();
}
