// One benchmark subgraph: `node subgraph.mjs <name> <port>` serves POST /graphql on 127.0.0.1.
//
// A plain node:http server in front of graphql-js: no framework and no plugins, and parsed,
// validated documents are cached by query text (a gateway sends the same few operations over and
// over), so the subgraph costs little next to the gateway being measured.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { execute, parse, validate } from "graphql";
import { RESOLVERS } from "./resolvers.mjs";

const [name, portText] = process.argv.slice(2);
if (!(name in RESOLVERS) || !/^\d+$/.test(portText ?? "")) {
  console.error(`usage: node subgraph.mjs <${Object.keys(RESOLVERS).join("|")}> <port>`);
  process.exit(2);
}

const here = dirname(fileURLToPath(import.meta.url));
const sdl = readFileSync(join(here, "..", "subgraphs", `${name}.graphql`), "utf8");
const schema = buildSubgraphSchema([{ typeDefs: parse(sdl), resolvers: RESOLVERS[name] }]);
const documents = new Map();
const stats = { requests: 0, connections: 0 };

function prepare(query) {
  let prepared = documents.get(query);
  if (prepared === undefined) {
    const document = parse(query);
    prepared = { document, errors: validate(schema, document) };
    documents.set(query, prepared);
  }
  return prepared;
}

async function answer(body) {
  let request;
  try {
    request = JSON.parse(body);
  } catch {
    return { status: 400, payload: { errors: [{ message: "the body is not JSON" }] } };
  }
  let prepared;
  try {
    prepared = prepare(String(request.query ?? ""));
  } catch (error) {
    return { status: 400, payload: { errors: [{ message: error.message }] } };
  }
  if (prepared.errors.length > 0) {
    return { status: 400, payload: { errors: prepared.errors.map((e) => ({ message: e.message })) } };
  }
  const result = await execute({
    schema,
    document: prepared.document,
    variableValues: request.variables ?? undefined,
    operationName: request.operationName ?? undefined,
  });
  return { status: 200, payload: result };
}

const server = createServer((request, response) => {
  if (request.method === "GET" && request.url === "/stats") {
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(stats));
    return;
  }
  if (request.method !== "POST") {
    response.writeHead(405, { allow: "POST" }).end();
    return;
  }
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", async () => {
    stats.requests += 1;
    const { status, payload } = await answer(Buffer.concat(chunks).toString("utf8"));
    const text = JSON.stringify(payload);
    response.writeHead(status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(text),
    });
    response.end(text);
  });
});
server.on("connection", () => {
  stats.connections += 1;
});
server.keepAliveTimeout = 60_000;
server.listen(Number(portText), "127.0.0.1", () => {
  console.log(`subgraph ${name} ready on http://127.0.0.1:${portText}/graphql`);
});
