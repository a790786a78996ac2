// Deterministic in-memory data for the benchmark subgraphs.
//
// Every subgraph process builds the same tables from the same arithmetic, so the three processes
// agree on ids without sharing anything at run time. Sizes are chosen so the three-hop operation
// touches a few dozen entities per hop and the wide one returns a response of ~20 KB.

const CLASSES = ["Bard", "Cleric", "Druid", "Fighter", "Monk", "Paladin", "Ranger", "Rogue", "Wizard"];
const SPECIES = ["Dwarf", "Elf", "Gnome", "Halfling", "Human", "Orc", "Tiefling"];
const BACKGROUNDS = ["Acolyte", "Criminal", "Sage", "Soldier", "Wayfarer"];
const SETTINGS = ["Sword Coast", "Underdark", "Feywild", "Shadowfell"];
const RARITIES = ["COMMON", "UNCOMMON", "RARE", "VERY_RARE", "LEGENDARY"];
const ITEM_NAMES = ["Longsword", "Rope", "Lantern", "Shield", "Potion of Healing", "Spellbook"];

export const CAMPAIGN_COUNT = 30;
export const PARTY_SIZE = 4;
export const INVENTORY_SIZE = 3;
export const CHARACTER_COUNT = CAMPAIGN_COUNT * PARTY_SIZE;
export const ITEM_COUNT = 200;

const score = (seed) => 8 + (seed % 11);

export const campaigns = new Map();
export const characters = new Map();
export const items = new Map();
export const campaignOfCharacter = new Map();

for (let n = 1; n <= CAMPAIGN_COUNT; n += 1) {
  const id = `campaign-${n}`;
  const party = [];
  for (let seat = 0; seat < PARTY_SIZE; seat += 1) {
    const characterId = `character-${(n - 1) * PARTY_SIZE + seat + 1}`;
    party.push(characterId);
    campaignOfCharacter.set(characterId, id);
  }
  campaigns.set(id, { id, name: `Campaign ${n}`, setting: SETTINGS[n % SETTINGS.length], party });
}

for (let n = 1; n <= CHARACTER_COUNT; n += 1) {
  const id = `character-${n}`;
  const inventory = [];
  for (let slot = 0; slot < INVENTORY_SIZE; slot += 1) {
    inventory.push(`item-${((n * 7 + slot * 13) % ITEM_COUNT) + 1}`);
  }
  characters.set(id, {
    id,
    name: `Adventurer ${n}`,
    level: (n % 20) + 1,
    className: CLASSES[n % CLASSES.length],
    species: SPECIES[n % SPECIES.length],
    background: BACKGROUNDS[n % BACKGROUNDS.length],
    hitPoints: 10 + (n % 90),
    armorClass: 10 + (n % 9),
    speed: 25 + 5 * (n % 3),
    strength: score(n),
    dexterity: score(n + 1),
    constitution: score(n + 2),
    intelligence: score(n + 3),
    wisdom: score(n + 4),
    charisma: score(n + 5),
    inventory,
  });
}

for (let n = 1; n <= ITEM_COUNT; n += 1) {
  const id = `item-${n}`;
  items.set(id, {
    id,
    name: `${ITEM_NAMES[n % ITEM_NAMES.length]} #${n}`,
    weight: (n % 40) / 4,
    rarity: RARITIES[n % RARITIES.length],
    valueGp: (n * 37) % 5000,
    originId: `campaign-${(n % CAMPAIGN_COUNT) + 1}`,
  });
}
