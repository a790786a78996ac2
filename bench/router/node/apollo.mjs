// Apollo Gateway for the benchmark: `node apollo.mjs <supergraph file> <port>`.
//
// The gateway is configured the documented static way (`supergraphSdl`, no polling, no managed
// federation) and served by Apollo Server's standalone HTTP server on 127.0.0.1.
import { readFileSync } from "node:fs";
import { ApolloGateway } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";

const [supergraphPath, portText] = process.argv.slice(2);
if (!supergraphPath || !/^\d+$/.test(portText ?? "")) {
  console.error("usage: node apollo.mjs <supergraph file> <port>");
  process.exit(2);
}

const gateway = new ApolloGateway({ supergraphSdl: readFileSync(supergraphPath, "utf8") });
const server = new ApolloServer({ gateway });
const { url } = await startStandaloneServer(server, {
  listen: { host: "127.0.0.1", port: Number(portText) },
});
console.log(`Apollo Gateway ready on ${url}`);
