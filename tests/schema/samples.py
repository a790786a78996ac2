"""Handwritten subgraph sets shared by the unit and differential tests."""

from __future__ import annotations

from dataclasses import dataclass

from schema.compose import Subgraph

FEDERATION_IMPORTS = (
    '"@key", "@shareable", "@external", "@requires", "@provides", "@override", '
    '"@inaccessible", "@tag", "@interfaceObject"'
)
HEADER = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", '
    f"import: [{FEDERATION_IMPORTS}])\n"
)


def subgraph(name: str, body: str) -> Subgraph:
    """A subgraph with a loopback URL and, unless the body has its own, the usual @link header."""
    header = "" if "@link(" in body else HEADER
    return Subgraph(name=name, url=f"http://127.0.0.1:4001/{name}/graphql", sdl=header + body)


# Entities across three subgraphs: an interface object, @provides, @requires, @override, a
# non-resolvable key, a value type, tags, @inaccessible, a custom scalar and a mutation.
ENTITIES = [
    subgraph(
        "characters",
        '''
        """Anything with a display name."""
        interface Named @key(fields: "id") { id: ID! name: String! }

        """A player character."""
        type Character implements Named @key(fields: "id") {
          id: ID!
          name: String!
          level: Int! @shareable @tag(name: "public")
          ability: Ability!
          hp: Int! @override(from: "combat")
        }
        type Monster implements Named @key(fields: "id") { id: ID! name: String! cr: Float! }
        union Creature = Character | Monster
        enum Ability { STR DEX }
        input CharacterInput { name: String! level: Int! = 1 }
        type Query {
          """Every character."""
          characters(first: Int! = 10): [Character!]!
          search(input: CharacterInput!): Creature
        }
        ''',
    ),
    subgraph(
        "combat",
        '''
        """A character, as combat sees it."""
        type Character @key(fields: "id") {
          id: ID!
          level: Int! @shareable
          hp: Int!
          ability: Ability! @external
          armorClass: Int! @requires(fields: "ability") @tag(name: "public")
          secret: String @inaccessible
          party: Party @provides(fields: "title")
        }
        type Party @key(fields: "id", resolvable: false) { id: ID! title: String @external }
        enum Ability { STR DEX CON }
        type Named @key(fields: "id") @interfaceObject { id: ID! initiative: Int }
        type Mutation { heal(id: ID!, amount: Int!): Character }
        ''',
    ),
    subgraph(
        "parties",
        '''
        """A party."""
        type Party @key(fields: "id") { id: ID! title: String @shareable size: Int }
        scalar Dice
        type Query { party(id: ID!): Party roll(dice: Dice): Dice }
        ''',
    ),
]

# Value types and merge rules: nullability and subtypes (Hero for Named) that differ between
# subgraphs, arguments only some
# subgraphs accept, input fields (intersection), input-only and output-only enums, descriptions
# from whichever subgraph has one, deprecations.
MERGE_RULES = [
    subgraph(
        "alpha",
        """
        type Stats @shareable {
          strength: Int!
          "Dexterity score."
          dexterity: Int
          roll(sides: Int!, times: Int): [Int!]!
          old: String @deprecated(reason: "Use strength.")
        }
        input Filter { level: Int! tag: String onlyAlpha: Boolean }
        interface Named { id: ID! }
        type Hero implements Named @key(fields: "id") { id: ID! }
        type Holder @shareable { who: Named }
        enum Sort { NAME LEVEL }
        enum Color { RED GREEN }
        type Query {
          stats: Stats @shareable
          holder: Holder @shareable
          find(filter: Filter, sort: Sort): [Stats!]
          color: Color
        }
        """,
    ),
    subgraph(
        "beta",
        '''
        """Six numbers."""
        type Stats @shareable {
          strength: Int
          dexterity: Int
          roll(sides: Int!): [Int!]
          old: String
        }
        input Filter { level: Int tag: String }
        interface Named { id: ID! }
        type Hero implements Named @key(fields: "id") { id: ID! }
        type Holder @shareable { who: Hero! }
        enum Sort { NAME CREATED }
        enum Color { BLUE }
        type Query {
          stats: Stats @shareable
          holder: Holder @shareable
          other(filter: Filter, sort: Sort): Int
          shade: Color
        }
        ''',
    ),
]

# Progressive override (label), an overridden field still used by its source's key, entity
# extensions in the Federation 2 style, several keys and a nested key, field sets that the
# supergraph prints compacted (key fields dropped from @requires), camelCase and dashed
# subgraph names (join__Graph naming).
OVERRIDES_AND_KEYS = [
    subgraph(
        "characterService",
        """
        type Character @key(fields: "id") @key(fields: "owner { id } slug") {
          id: ID!
          slug: String!
          owner: User!
          xp: Int! @override(from: "rules-engine", label: "percent(25)")
          gold: Int! @override(from: "rules-engine")
        }
        type User @key(fields: "id") { id: ID! name: String org: Org }
        type Org @key(fields: "id") { id: ID! title: String @shareable }
        type Query { character(id: ID!): Character }
        """,
    ),
    subgraph(
        "rules-engine",
        """
        type Character @key(fields: "id") @key(fields: "gold") {
          id: ID!
          gold: Int!
          xp: Int!
          proficiency: Int!
        }
        extend type User @key(fields: "id") {
          id: ID! @external
          name: String @external
          org: Org @external
          characters: [Character!]!
          greeting: String @requires(fields: "id   name org { title }")
        }
        type Org @key(fields: "id") { id: ID! title: String @shareable }
        type Query { rulesVersion: String! topUser: User @provides(fields: " name ") }
        """,
    ),
]

# Authorization directives the router enforces: requirements from several subgraphs are ANDed.
AUTHORIZATION = [
    subgraph(
        "campaigns",
        """
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.9",
          import: ["@key", "@shareable", "@authenticated", "@requiresScopes", "@policy"])
        type Query {
          campaign(id: ID!): Campaign @authenticated
          campaigns: [Campaign!]! @requiresScopes(scopes: [["campaign:read", "x"], ["admin"]])
        }
        type Campaign @key(fields: "id") @policy(policies: [["member"]]) {
          id: ID!
          notes: String @shareable @requiresScopes(scopes: [["notes:read"]])
        }
        enum Visibility @authenticated { PUBLIC PRIVATE }
        scalar Secret @requiresScopes(scopes: [["secret"]])
        type Mutation { hide(v: Visibility, s: Secret): Boolean }
        """,
    ),
    subgraph(
        "journal",
        """
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.9",
          import: ["@key", "@shareable", "@authenticated", "@requiresScopes", "@policy"])
        type Campaign @key(fields: "id") {
          id: ID!
          notes: String @shareable @requiresScopes(scopes: [["dm"], ["notes:read", "x"]])
          diary: String @policy(policies: [["owner"], ["dm"]])
        }
        """,
    ),
]

# Schema details that must survive composition: @specifiedBy, @oneOf, deprecations and
# descriptions on arguments, input fields and enum values, multi-line descriptions, interfaces
# implementing interfaces, subscriptions from two subgraphs, @tag/@inaccessible on arguments
# and enum values.
DETAILS = [
    subgraph(
        "lore",
        '''
        """
        A web address.

          Kept "as is".
        """
        scalar Url @specifiedBy(url: "https://url.spec.whatwg.org/")
        input Pick @oneOf { spellId: ID name: String }
        input Range { min: Int @deprecated max: Int = 20 }
        enum School {
          "Evocation." EVOCATION
          ILLUSION @deprecated(reason: "Renamed.") @tag(name: "old")
        }
        interface Node { id: ID! }
        interface Spell implements Node { id: ID! school: School }
        type Fireball implements Spell & Node { id: ID! school: School link: Url }
        type Query {
          spell(
            "Which spell." pick: Pick!, range: Range, legacy: Int @deprecated(reason: "Unused.")
          ): Spell
          fireball(secret: String @inaccessible, note: String @tag(name: "beta")): Fireball
        }
        type Subscription { spellCast: Spell }
        ''',
    ),
    subgraph(
        "table",
        """
        interface Node { id: ID! }
        type Roll implements Node { id: ID! total: Int! }
        type Query { roll(id: ID!): Roll }
        type Subscription { rolled: Roll! }
        """,
    ),
]

SAMPLE_SETS = {
    "entities": ENTITIES,
    "merge_rules": MERGE_RULES,
    "overrides_and_keys": OVERRIDES_AND_KEYS,
    "authorization": AUTHORIZATION,
    "details": DETAILS,
}


AUTH_HEADER = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ['
    '"@key", "@external", "@requires", "@authenticated", "@requiresScopes", "@policy"])\n'
)


def entity_c(fields: str, query: str = "a: C") -> str:
    """``Query`` plus an entity ``C`` keyed by ``id`` with extra ``fields`` (keeps cases short)."""
    return f'type Query {{ {query} }} type C @key(fields: "id") {{ id: ID! {fields} }}'


@dataclass(frozen=True)
class ErrorCase:
    """A subgraph set that breaks exactly one composition rule."""

    code: str
    subgraphs: list[Subgraph]
    coordinate: str  # the schema coordinate the issue must name
    involved: tuple[str, ...]  # the subgraphs the issue must name


CHARACTER = 'type Character @key(fields: "id") { id: ID! name: String }'
ERROR_CASES = [
    ErrorCase(
        "INVALID_FIELD_SHARING",
        [
            subgraph("a", "type Query { a: Character } " + CHARACTER),
            subgraph("b", "type Query { b: Character } " + CHARACTER),
        ],
        "Character.name",
        ("a", "b"),
    ),
    ErrorCase(
        "KEY_INVALID_FIELDS",
        [subgraph("a", 'type Query { a: C } type C @key(fields: "uuid") { id: ID! }')],
        "C",
        ("a",),
    ),
    ErrorCase(
        "KEY_INVALID_FIELDS",
        [subgraph("a", 'type Query { a: C } type C @key(fields: "id {") { id: ID! }')],
        "C",
        ("a",),
    ),
    ErrorCase(
        "KEY_FIELDS_SELECT_INVALID_TYPE",
        [
            subgraph(
                "a",
                'type Query { a: C } type C @key(fields: "owner { id }") { owner: Owner! } '
                "interface Owner { id: ID! } type User implements Owner { id: ID! }",
            )
        ],
        "C",
        ("a",),
    ),
    ErrorCase(
        "TYPE_KIND_MISMATCH",
        [
            subgraph("a", "type Query { a: C } type C { id: ID! }"),
            subgraph("b", "type Query { b: C } interface C { id: ID! }"),
        ],
        "C",
        ("a", "b"),
    ),
    ErrorCase(
        "FIELD_TYPE_MISMATCH",
        [
            subgraph("a", "type Query { a: C } type C @shareable { n: Int }"),
            subgraph("b", "type Query { b: C } type C @shareable { n: String }"),
        ],
        "C.n",
        ("a", "b"),
    ),
    ErrorCase(
        "FIELD_TYPE_MISMATCH",
        [
            subgraph("a", "type Query { a: C } type C @shareable { n: [Int] }"),
            subgraph("b", "type Query { b: C } type C @shareable { n: Int }"),
        ],
        "C.n",
        ("a", "b"),
    ),
    ErrorCase(
        "FIELD_ARGUMENT_TYPE_MISMATCH",
        [
            subgraph("a", "type Query { a: C } type C @shareable { n(x: Int): Int }"),
            subgraph("b", "type Query { b: C } type C @shareable { n(x: String): Int }"),
        ],
        "C.n(x:)",
        ("a", "b"),
    ),
    ErrorCase(
        "REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH",
        [
            subgraph("a", "type Query { a: C } type C @shareable { n(x: Int!): Int }"),
            subgraph("b", "type Query { b: C } type C @shareable { n: Int }"),
        ],
        "C.n(x:)",
        ("a", "b"),
    ),
    ErrorCase(
        "REQUIRES_INVALID_FIELDS",
        [subgraph("a", entity_c('n: Int @requires(fields: "x")'))],
        "C.n",
        ("a",),
    ),
    ErrorCase(
        "REQUIRES_FIELDS_MISSING_EXTERNAL",
        [subgraph("a", entity_c('m: Int n: Int @requires(fields: "m")'))],
        "C.n",
        ("a",),
    ),
    ErrorCase(
        "PROVIDES_INVALID_FIELDS",
        [subgraph("a", entity_c("", query='a: C @provides(fields: "x")'))],
        "Query.a",
        ("a",),
    ),
    ErrorCase(
        "PROVIDES_FIELDS_MISSING_EXTERNAL",
        [subgraph("a", entity_c("m: Int", query='a: C @provides(fields: "m")'))],
        "Query.a",
        ("a",),
    ),
    ErrorCase(
        "PROVIDES_FIELDS_MISSING_EXTERNAL",
        [
            subgraph(
                "a",
                'type Query { u: U @provides(fields: "id") } '
                'extend type U @key(fields: "id") { id: ID! @external n: Int }',
            ),
            subgraph("b", 'type U @key(fields: "id") { id: ID! }'),
        ],
        "Query.u",
        ("a",),
    ),
    ErrorCase(
        "PROVIDES_ON_NON_OBJECT_FIELD",
        [subgraph("a", 'type Query { a: Int @provides(fields: "m") }')],
        "Query.a",
        ("a",),
    ),
    ErrorCase(
        "EXTERNAL_UNUSED",
        [subgraph("a", entity_c("n: Int @external"))],
        "C.n",
        ("a",),
    ),
    ErrorCase(
        "EXTERNAL_MISSING_ON_BASE",
        [
            subgraph(
                "a",
                'type Query { a: C @provides(fields: "n") } '
                'type C @key(fields: "id") { id: ID! n: Int @external }',
            )
        ],
        "C.n",
        ("a",),
    ),
    ErrorCase(
        "REQUIRED_INPUT_FIELD_MISSING_IN_SOME_SUBGRAPH",
        [
            subgraph("a", "type Query { a(i: I): Int } input I { x: Int }"),
            subgraph("b", "type Query { b(i: I): Int } input I { x: Int y: Int! }"),
        ],
        "I.y",
        ("a", "b"),
    ),
    ErrorCase(
        "EMPTY_MERGED_INPUT_TYPE",
        [
            subgraph("a", "type Query { a(i: I): Int } input I { x: Int }"),
            subgraph("b", "type Query { b(i: I): Int } input I { y: Int }"),
        ],
        "I",
        ("a", "b"),
    ),
    ErrorCase(
        "INPUT_FIELD_DEFAULT_MISMATCH",
        [
            subgraph("a", "type Query { a(i: I): Int } input I { x: Int = 1 }"),
            subgraph("b", "type Query { b(i: I): Int } input I { x: Int = 2 }"),
        ],
        "I.x",
        ("a", "b"),
    ),
    ErrorCase(
        "ENUM_VALUE_MISMATCH",
        [
            subgraph("a", "type Query { a(e: E): E } enum E { A B }"),
            subgraph("b", "type Query { b: E } enum E { A }"),
        ],
        "E.B",
        ("a", "b"),
    ),
    ErrorCase(
        "EMPTY_MERGED_ENUM_TYPE",
        [
            subgraph("a", "type Query { a(e: E): Int } enum E { A }"),
            subgraph("b", "type Query { b(e: E): Int } enum E { B }"),
        ],
        "E",
        ("a", "b"),
    ),
    ErrorCase(
        "OVERRIDE_FROM_SELF_ERROR",
        [subgraph("a", entity_c('n: Int @override(from: "a")'))],
        "C.n",
        ("a",),
    ),
    ErrorCase(
        "OVERRIDE_SOURCE_HAS_OVERRIDE",
        [
            subgraph("a", entity_c('n: Int @override(from: "b")')),
            subgraph("b", entity_c('n: Int @override(from: "a")', query="b: C")),
        ],
        "C.n",
        ("a", "b"),
    ),
    ErrorCase(
        "INVALID_GRAPHQL",
        [subgraph("a", "type Query { a: Missing }")],
        "Query.a",
        ("a",),
    ),
    ErrorCase(
        "INVALID_GRAPHQL",
        [subgraph("a", 'type Query { a: Int @requiresScopes(scopes: [["x"]]) }')],
        "@requiresScopes",
        ("a",),
    ),
    ErrorCase(
        "INTERFACE_FIELD_NO_IMPLEM",
        [
            subgraph(
                "a",
                "type Query { a: Named } interface Named { id: ID! } "
                'type Character implements Named @key(fields: "id") { id: ID! }',
            ),
            subgraph(
                "b",
                "type Query { b: Named } interface Named { id: ID! title: String } "
                "type Npc implements Named { id: ID! title: String }",
            ),
        ],
        "Named.title",
        ("a", "b"),
    ),
    ErrorCase(
        "MISSING_TRANSITIVE_AUTH_REQUIREMENTS",
        [
            subgraph(
                "a",
                AUTH_HEADER + 'type Query { a: C } type C @key(fields: "id") '
                '{ id: ID! level: Int @authenticated @requiresScopes(scopes: [["gm"]]) }',
            ),
            subgraph(
                "b",
                AUTH_HEADER + 'type C @key(fields: "id") '
                '{ id: ID! level: Int @external ac: Int @requires(fields: "level") }',
            ),
        ],
        "C.ac",
        ("b",),
    ),
]
