"""Backstory and personality for a character, from its sheet (rules format) and its concept."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from subgraphs.llm.purposes.base import Inputs, OfflineAnswer, Purpose, strict_object, text_list
from subgraphs.llm.purposes.writing import (
    OFFLINE_NOTE,
    choose,
    refinement_lines,
    sentence,
    words_of,
)

SCHEMA = strict_object(
    {
        "backstory": {"type": "string", "minLength": 1},
        "personality_traits": text_list(2, 4),
        "ideals": text_list(1, 3),
        "bonds": text_list(1, 3),
        "flaws": text_list(1, 3),
    }
)
TRAITS = [
    "speaks softly and means every word",
    "counts exits in every room",
    "laughs too loudly at their own jokes",
    "keeps a journal no one may read",
    "is generous to strangers and wary of friends",
]
IDEALS = ["Freedom: no chain should hold anyone", "Duty: a promise outlives the one who made it"]
IDEALS += ["Knowledge: every secret is a door", "Redemption: the past can be paid for"]
FLAWS = ["cannot leave a slight unanswered", "trusts a kind word too quickly"]
FLAWS += ["hides fear behind bravado", "keeps secrets long after they matter"]


def render(inputs: Inputs) -> str:
    lines = [f"Concept: {inputs['concept']}"]
    if inputs.get("summary"):
        lines.append(f"Sheet: {inputs['summary']}")
    if inputs.get("background"):
        lines.append(f"Background: {inputs['background']}")
    if inputs.get("tone"):
        lines.append(f"Tone: {inputs['tone']}")
    lines.append(
        "Write the backstory (two or three paragraphs) and the personality: traits, ideals, "
        "bonds and flaws that a player can act on at the table."
    )
    return "\n".join(lines)


def offline(inputs: Inputs, references: Sequence[str]) -> OfflineAnswer:
    concept = str(inputs["concept"])
    who = inputs.get("summary") or "This character"
    a, b, c = words_of(concept, ["a broken oath", "the road", "an old debt"])[:3]
    story = [
        OFFLINE_NOTE,
        sentence(f"{who} grew up where {a} shaped every day"),
        sentence(f"Everything turned when {b} came into their life, and nothing went back"),
        sentence(f"Now they carry {c} with them, and someone wants it back"),
    ]
    if inputs.get("background"):
        story.append(sentence(f"Their years as a {inputs['background']} taught them to endure"))
    if references:
        story.append(sentence(f"Built on the SRD: {', '.join(references[:4])}"))
    story += refinement_lines(inputs.get("refinements", ()))
    data = {
        "backstory": " ".join(story),
        "personality_traits": [
            choose(TRAITS, concept, position=0),
            sentence(f"never talks about {b} without a pause"),
        ],
        "ideals": [choose(IDEALS, concept, position=1)],
        "bonds": [sentence(f"owes everything to whoever taught them about {a}")],
        "flaws": [choose(FLAWS, concept, position=2)],
    }
    return _text(data), data


def _text(data: Mapping[str, object]) -> str:
    def listed(title: str, values: object) -> str:
        assert isinstance(values, list)
        return f"{title}: " + "; ".join(str(v) for v in values)

    return "\n".join(
        [
            str(data["backstory"]),
            "",
            listed("Personality traits", data["personality_traits"]),
            listed("Ideals", data["ideals"]),
            listed("Bonds", data["bonds"]),
            listed("Flaws", data["flaws"]),
        ]
    )


BACKSTORY = Purpose(
    "CHARACTER_BACKSTORY",
    "Write a character's backstory and personality from their sheet and concept. Stay true to "
    "the sheet (species, class, background); invent people and places, not game mechanics.",
    render,
    offline,
    schema=SCHEMA,
    max_tokens=900,
)
