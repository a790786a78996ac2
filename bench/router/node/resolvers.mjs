// Resolvers of the three benchmark subgraphs, keyed by subgraph name. They only look up the
// in-memory tables from data.mjs: the subgraphs must be cheap, because the benchmark measures
// the gateways in front of them.
import { campaignOfCharacter, campaigns, characters, items } from "./data.mjs";

const page = (table, first, offset) =>
  Array.from(table.values()).slice(Math.max(0, offset), Math.max(0, offset) + Math.max(0, first));
const reference = (id) => ({ id });

export const RESOLVERS = {
  campaigns: {
    Query: {
      campaigns: (_, { first, offset }) => page(campaigns, first, offset),
      campaign: (_, { id }) => campaigns.get(id) ?? null,
    },
    Campaign: {
      __resolveReference: ({ id }) => campaigns.get(id) ?? null,
      party: (campaign) => campaign.party.map(reference),
    },
    Character: {
      __resolveReference: ({ id }) => ({ id }),
      campaign: ({ id }) => campaigns.get(campaignOfCharacter.get(id)) ?? null,
    },
  },
  characters: {
    Query: {
      characters: (_, { first, offset }) => page(characters, first, offset),
      character: (_, { id }) => characters.get(id) ?? null,
    },
    Character: {
      __resolveReference: ({ id }) => characters.get(id) ?? null,
      inventory: (character) => character.inventory.map(reference),
    },
  },
  items: {
    Query: {
      items: (_, { first }) => page(items, first, 0),
    },
    Item: {
      __resolveReference: ({ id }) => items.get(id) ?? null,
      origin: (item) => reference(item.originId),
    },
  },
};
