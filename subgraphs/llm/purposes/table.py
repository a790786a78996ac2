"""At the table: narration of encounter events, descriptions of items and spells."""

from __future__ import annotations

from collections.abc import Sequence

from subgraphs.llm.purposes.base import Inputs, OfflineAnswer, Purpose, strict_object, text_list
from subgraphs.llm.purposes.writing import OFFLINE_NOTE, choose, refinement_lines, sentence

CONNECTIVES = ["Then", "In the next heartbeat", "Before anyone can react", "A moment later"]
OPENINGS = [
    "The air is thick with dust and the smell of iron.",
    "Torchlight shivers on wet stone.",
    "Somewhere a bell is ringing, far away.",
]


def render_narration(inputs: Inputs) -> str:
    lines = [
        *([f"Setting: {inputs['setting']}"] if inputs.get("setting") else []),
        *([f"Tone: {inputs['tone']}"] if inputs.get("tone") else []),
        "What happened, in order:",
        *(f"{n}. {event}" for n, event in enumerate(inputs["events"], start=1)),
        "Narrate it for the players in vivid present tense, one paragraph per beat. "
        "Do not change what happened or add results.",
    ]
    return "\n".join(lines)


def offline_narration(inputs: Inputs, references: Sequence[str]) -> OfflineAnswer:
    events = list(inputs["events"])
    setting = inputs.get("setting")
    opening = sentence(f"In {setting}, the moment sharpens") if setting else ""
    beats = [OFFLINE_NOTE, opening or choose(OPENINGS, *events)]
    for n, event in enumerate(events):
        lead = "First" if n == 0 else choose(CONNECTIVES, event, position=n)
        beats.append(sentence(f"{lead}, {event[0].lower() + event[1:]}"))
    beats += refinement_lines(inputs.get("refinements", ()))
    return "\n\n".join(beats), None


NARRATION = Purpose(
    "ENCOUNTER_NARRATION",
    "Narrate encounter events for the players. The events are facts decided by the rules and "
    "the dice: describe them, never alter them.",
    render_narration,
    offline_narration,
    max_tokens=900,
)

DESCRIPTION_SCHEMA = strict_object(
    {
        "name": {"type": "string", "minLength": 1},
        "description": {"type": "string", "minLength": 1},
        "flavor": {"type": "string", "minLength": 1},
        "sensory_details": text_list(1, 4),
    }
)
LOOKS = {
    "ITEM": ["worn smooth by many hands", "cold to the touch", "marked with a maker's sigil"],
    "SPELL": ["leaves a smell of ozone", "hums like a plucked string", "paints the air faintly"],
}


def render_description(inputs: Inputs) -> str:
    lines = [f"Describe this {inputs['kind'].lower()}: {inputs['name']}"]
    if inputs.get("facts"):
        lines.append(f"Facts (keep them exactly): {inputs['facts']}")
    if inputs.get("style"):
        lines.append(f"Style: {inputs['style']}")
    lines.append("Give a description, one line of flavor text and a few sensory details.")
    return "\n".join(lines)


def offline_description(inputs: Inputs, references: Sequence[str]) -> OfflineAnswer:
    kind, name = str(inputs["kind"]), str(inputs["name"])
    look = choose(LOOKS[kind], name)
    facts = inputs.get("facts") or {}
    known = "; ".join(f"{key}: {value}" for key, value in sorted(facts.items())[:4])
    description = sentence(f"{name} is {look}")
    if known:
        description += " " + sentence(f"Known facts: {known}")
    description = " ".join([description, *refinement_lines(inputs.get("refinements", ()))])
    data = {
        "name": name,
        "description": description,
        "flavor": sentence(f"Those who know {name} speak of it quietly"),
        "sensory_details": [sentence(look)],
    }
    return f"{OFFLINE_NOTE}\n{name}: {description}\n{data['flavor']}", data


DESCRIPTION = Purpose(
    "ENTRY_DESCRIPTION",
    "Describe an item or a spell for a game's catalog. Keep every fact you are given; add look, "
    "sound, history and feel, never new mechanics.",
    render_description,
    offline_description,
    schema=DESCRIPTION_SCHEMA,
    max_tokens=500,
)
