// The reference gateways the router is compared with: Apollo Gateway and Hive Gateway's runtime
// (the engine of the @graphql-hive/gateway CLI), plus composition with
// @theguild/federation-composition for generated subgraphs.
//
// Usage: node gateway.mjs [MANIFEST.json]
// The manifest is a JSON array [{name, supergraphSdl, urls: {subgraphName: url}}]; each entry
// gets one Apollo Gateway and one Hive Gateway, all behind a single loopback HTTP server:
//
//   POST /apollo/<name>/graphql   runs an operation on that entry's Apollo Gateway
//   POST /hive/<name>/graphql     ... on its Hive Gateway
//   POST /__load                  {name, supergraphSdl, urls}: (re)starts both for a new entry
//   POST /__unload                {name}: stops them
//   POST /__compose               [{name, url, sdl}] -> {supergraphSdl} or {errors: [...]}
//
// When the manifest's gateways are up, "READY <port>" is printed on stdout. A gateway that
// cannot start answers every request with HTTP 503 and the start-up error, so one bad
// supergraph does not hide the others.
import { readFileSync } from "node:fs";
import http from "node:http";
import { ApolloGateway, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer, HeaderMap } from "@apollo/server";
import { createGatewayRuntime } from "@graphql-hive/gateway-runtime";
import { composeServices } from "@theguild/federation-composition";
import { parse } from "graphql";

const silent = { debug() {}, info() {}, warn() {}, error() {} };

// Hive Gateway reads subgraph URLs from the supergraph itself: point join__graph at `urls`.
function withUrls(supergraphSdl, urls) {
  return supergraphSdl.replace(
    /(@join__graph\(name: "([^"]+)", url: ")([^"]*)(")/g,
    (all, head, name, url, tail) => `${head}${urls[name] ?? url}${tail}`,
  );
}

async function startApollo(entry) {
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
  return {
    async handle(request, url, text) {
      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(request.headers)) {
        if (typeof value === "string") {
          headers.set(key, value);
        }
      }
      const result = await server.executeHTTPGraphQLRequest({
        httpGraphQLRequest: {
          method: request.method.toUpperCase(),
          headers,
          search: url.search,
          body: text ? JSON.parse(text) : undefined,
        },
        context: async () => ({}),
      });
      let body = "";
      if (result.body.kind === "complete") {
        body = result.body.string;
      } else {
        for await (const chunk of result.body.asyncIterator) {
          body += chunk;
        }
      }
      return { status: result.status ?? 200, headers: Object.fromEntries(result.headers), body };
    },
    stop: () => server.stop(),
  };
}

async function startHive(entry) {
  const gateway = createGatewayRuntime({
    supergraph: withUrls(entry.supergraphSdl, entry.urls),
    logging: false,
    maskedErrors: false,
    landingPage: false,
  });
  // The first request loads the supergraph: make start-up failures show here, not later.
  const probe = await gateway.fetch("http://127.0.0.1/graphql", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: "{ __typename }" }),
  });
  const answer = await probe.json();
  if (answer.errors && !answer.data) {
    throw new Error(`Hive Gateway did not load the supergraph: ${JSON.stringify(answer.errors)}`);
  }
  return {
    async handle(request, url, text) {
      const response = await gateway.fetch(`http://127.0.0.1${url.pathname}${url.search}`, {
        method: request.method,
        headers: { "content-type": "application/json", accept: "application/json" },
        body: request.method === "GET" ? undefined : text,
      });
      return {
        status: response.status,
        headers: Object.fromEntries(response.headers),
        body: await response.text(),
      };
    },
    stop: () => gateway.dispose(),
  };
}

const STARTERS = { apollo: startApollo, hive: startHive };
const gateways = new Map(); // "<kind>/<name>" -> {gateway} or {failure}

async function load(entry) {
  await unload(entry.name);
  await Promise.all(
    Object.entries(STARTERS).map(async ([kind, start]) => {
      try {
        gateways.set(`${kind}/${entry.name}`, { gateway: await start(entry) });
      } catch (error) {
        gateways.set(`${kind}/${entry.name}`, {
          failure: String(error && error.stack ? error.stack : error),
        });
      }
    }),
  );
  return Object.fromEntries(
    Object.keys(STARTERS).map((kind) => [kind, gateways.get(`${kind}/${entry.name}`).failure ?? "ok"]),
  );
}

async function unload(name) {
  for (const kind of Object.keys(STARTERS)) {
    const found = gateways.get(`${kind}/${name}`);
    gateways.delete(`${kind}/${name}`);
    if (found && found.gateway) {
      await found.gateway.stop();
    }
  }
}

function compose(subgraphs) {
  try {
    const result = composeServices(
      subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) })),
    );
    if (result.errors && result.errors.length > 0) {
      return { errors: result.errors.map((e) => `${e.extensions?.code ?? "ERROR"}: ${e.message}`) };
    }
    return { supergraphSdl: result.supergraphSdl };
  } catch (error) {
    return { errors: [String(error)] };
  }
}

async function readBody(request) {
  const chunks = [];
  for await (const chunk of request) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function json(response, status, value) {
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
}

async function handle(request, response) {
  const url = new URL(request.url, "http://127.0.0.1");
  const text = await readBody(request);
  if (url.pathname === "/__compose") {
    return json(response, 200, compose(JSON.parse(text)));
  }
  if (url.pathname === "/__load") {
    return json(response, 200, await load(JSON.parse(text)));
  }
  if (url.pathname === "/__unload") {
    await unload(JSON.parse(text).name);
    return json(response, 200, { ok: true });
  }
  const match = /^\/(apollo|hive)\/([^/]+)\/graphql$/.exec(url.pathname);
  const entry = match ? gateways.get(`${match[1]}/${match[2]}`) : undefined;
  if (!entry) {
    response.writeHead(404, { "content-type": "text/plain" }).end(`no gateway at ${url.pathname}`);
    return;
  }
  if (entry.failure) {
    response.writeHead(503, { "content-type": "text/plain" }).end(entry.failure);
    return;
  }
  const result = await entry.gateway.handle(request, url, text);
  response.writeHead(result.status, result.headers).end(result.body);
}

const manifest = process.argv[2] ? JSON.parse(readFileSync(process.argv[2], "utf8")) : [];
await Promise.all(manifest.map(load));

const listener = http.createServer((request, response) => {
  handle(request, response).catch((error) => {
    response.writeHead(500, { "content-type": "text/plain" }).end(String(error));
  });
});
listener.keepAliveTimeout = 60_000;
listener.listen(0, "127.0.0.1", () => {
  process.stdout.write(`READY ${listener.address().port}\n`);
});
