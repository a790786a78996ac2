// Apollo Gateway as the reference for the router's conformance corpus.
//
// Usage: node gateway.mjs MANIFEST.json
// The manifest is a JSON array [{name, supergraphSdl, urls: {subgraphName: url}}]. One Apollo
// Gateway (inside Apollo Server) is started per entry, all behind a single loopback HTTP server:
// POST /<name>/graphql runs an operation against that entry's gateway. When every gateway is up,
// the line "READY <port>" is printed on stdout. An entry whose gateway cannot start answers every
// request with HTTP 503 and the start-up error, so one bad supergraph does not hide the others.
import { readFileSync } from "node:fs";
import http from "node:http";
import { ApolloGateway, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer, HeaderMap } from "@apollo/server";

const manifest = JSON.parse(readFileSync(process.argv[2], "utf8"));
const silent = { debug() {}, info() {}, warn() {}, error() {} };

async function startEntry(entry) {
  const gateway = new ApolloGateway({
    supergraphSdl: entry.supergraphSdl,
    logger: silent,
    buildService: ({ name, url }) =>
      new RemoteGraphQLDataSource({ url: entry.urls[name] ?? url }),
  });
  const server = new ApolloServer({
    gateway,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    logger: silent,
  });
  await server.start();
  return server;
}

const servers = new Map();
await Promise.all(
  manifest.map(async (entry) => {
    try {
      servers.set(entry.name, { server: await startEntry(entry) });
    } catch (error) {
      servers.set(entry.name, { failure: String(error && error.stack ? error.stack : error) });
    }
  }),
);

async function readBody(request) {
  const chunks = [];
  for await (const chunk of request) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

async function handle(request, response) {
  const url = new URL(request.url, "http://127.0.0.1");
  const match = /^\/([^/]+)\/graphql$/.exec(url.pathname);
  const entry = match ? servers.get(match[1]) : undefined;
  if (!entry) {
    response.writeHead(404, { "content-type": "text/plain" }).end(`no case at ${url.pathname}`);
    return;
  }
  if (entry.failure) {
    response.writeHead(503, { "content-type": "text/plain" }).end(entry.failure);
    return;
  }
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(request.headers)) {
    if (typeof value === "string") {
      headers.set(key, value);
    }
  }
  const text = await readBody(request);
  const result = await entry.server.executeHTTPGraphQLRequest({
    httpGraphQLRequest: {
      method: request.method.toUpperCase(),
      headers,
      search: url.search,
      body: text ? JSON.parse(text) : undefined,
    },
    context: async () => ({}),
  });
  const outHeaders = {};
  for (const [key, value] of result.headers) {
    outHeaders[key] = value;
  }
  response.writeHead(result.status ?? 200, outHeaders);
  if (result.body.kind === "complete") {
    response.end(result.body.string);
    return;
  }
  for await (const chunk of result.body.asyncIterator) {
    response.write(chunk);
  }
  response.end();
}

const listener = http.createServer((request, response) => {
  handle(request, response).catch((error) => {
    response.writeHead(500, { "content-type": "text/plain" }).end(String(error));
  });
});
listener.listen(0, "127.0.0.1", () => {
  process.stdout.write(`READY ${listener.address().port}\n`);
});
