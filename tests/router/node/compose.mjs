// Composes the router tests' subgraphs with @theguild/federation-composition.
//
// stdin: a JSON array [{name, url, sdl}]. stdout: the supergraph SDL. On composition errors the
// messages go to stderr and the exit code is 1, so a broken test subgraph cannot slip through.
import { composeServices } from "@theguild/federation-composition";
import { parse } from "graphql";

const chunks = [];
for await (const chunk of process.stdin) {
  chunks.push(chunk);
}
const subgraphs = JSON.parse(Buffer.concat(chunks).toString("utf8"));

const result = composeServices(
  subgraphs.map((subgraph) => ({
    name: subgraph.name,
    url: subgraph.url,
    typeDefs: parse(subgraph.sdl),
  })),
);
if (result.errors && result.errors.length > 0) {
  for (const error of result.errors) {
    console.error(`${error.extensions?.code ?? "ERROR"}: ${error.message}`);
  }
  process.exit(1);
}
process.stdout.write(result.supergraphSdl);
