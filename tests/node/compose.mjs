// Reference composer for the differential test in tests/schema.
//
// Reads a JSON array of subgraphs ([{name, url, sdl}]) on stdin and writes one JSON object on
// stdout: {"supergraph": "<SDL>"} when composition succeeds, or
// {"errors": [{"code": "...", "message": "..."}]} when it fails. Exit code 0 in both cases;
// anything else (bad input, missing packages) exits non-zero with a message on stderr.
//
// Batch mode, to start Node once for many cases: {"batch": [[...subgraphs], ...]} on stdin gives
// a JSON array of the results above, in the same order.
import { composeServices } from "@theguild/federation-composition";
import { parse } from "graphql";

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function composeOne(subgraphs) {
  if (!Array.isArray(subgraphs)) {
    throw new Error("expected a JSON array of {name, url, sdl}");
  }
  let services;
  try {
    services = subgraphs.map((subgraph) => ({
      name: subgraph.name,
      url: subgraph.url,
      typeDefs: parse(subgraph.sdl),
    }));
  } catch (error) {
    return { errors: [{ code: "INVALID_GRAPHQL", message: String(error.message) }] };
  }
  const result = composeServices(services);
  if (result.errors && result.errors.length > 0) {
    const errors = result.errors.map((error) => ({
      code: error.extensions?.code ?? null,
      message: error.message,
    }));
    return { errors };
  }
  return { supergraph: result.supergraphSdl };
}

try {
  const input = JSON.parse(await readStdin());
  const output =
    input !== null && Array.isArray(input.batch) ? input.batch.map(composeOne) : composeOne(input);
  process.stdout.write(JSON.stringify(output));
} catch (error) {
  console.error(String(error.message ?? error));
  process.exit(2);
}
