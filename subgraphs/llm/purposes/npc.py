"""An NPC speaking in character, knowing only what its persona knows.

The caller (the campaign service, later fed by the Antitheticon model) passes the persona's
knowledge explicitly; nothing else about the campaign reaches the prompt. ``secrets`` are what
the persona must never say: they are never sent to a model, and an answer that contains one is
rejected (``check``) and the next candidate asked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from subgraphs.llm.purposes.base import Inputs, OfflineAnswer, Purpose, strict_object
from subgraphs.llm.purposes.writing import OFFLINE_NOTE, choose, sentence
from subgraphs.llm.sketch import keywords

SCHEMA = strict_object(
    {
        "line": {"type": "string", "minLength": 1},
        "tone": {"type": "string", "minLength": 1},
        "action": {"type": "string"},
    }
)
OPENERS = ["Hm.", "Well now.", "Listen.", "Ha!", "Careful, friend."]
DEFLECTIONS = [
    "That is not something I can speak of.",
    "Ask me something else.",
    "Some doors stay shut.",
]


def render(inputs: Inputs) -> str:
    persona = inputs["persona"]
    lines = [
        f"You are {persona['name']}: {persona['description']}",
        *([f"Voice: {persona['voice']}"] if persona.get("voice") else []),
        "What you know (and nothing else):",
        *(f"- {fact}" for fact in persona["knowledge"]),
        *([f"Situation: {inputs['situation']}"] if inputs.get("situation") else []),
        f"The player says: {inputs['player_line']}",
        "Answer in character with one short spoken line, its tone, and what you do.",
    ]
    return "\n".join(lines)


def _mentions(text: str, secret: str) -> bool:
    """Whether ``text`` gives ``secret`` away: the whole phrase, or its distinctive words."""
    lowered = text.lower()
    if secret.lower() in lowered:
        return True
    distinctive = [w for w in keywords(secret) if len(w) >= 5]
    found = [w for w in distinctive if re.search(rf"\b{re.escape(w)}", lowered)]
    return bool(distinctive) and len(found) >= max(1, (len(distinctive) + 1) // 2)


def reveals(inputs: Inputs, text: str) -> str | None:
    for number, secret in enumerate(inputs.get("secrets", ()), start=1):
        if _mentions(text, secret):
            return f"the line gives away secret {number} of the persona"
    return None


def offline(inputs: Inputs, references: Sequence[str]) -> OfflineAnswer:
    persona = inputs["persona"]
    asked = set(keywords(str(inputs["player_line"])))
    relevant = [f for f in persona["knowledge"] if asked & set(keywords(f))]
    seed = (persona["name"], inputs["player_line"])
    if relevant:
        said = f"{choose(OPENERS, *seed)} {sentence(relevant[0])}"
    elif persona["knowledge"]:
        said = f"{choose(OPENERS, *seed)} {choose(DEFLECTIONS, *seed, position=1)}"
    else:
        said = "I know nothing of that."
    if reveals(inputs, said):  # a known fact may overlap a secret: then say less
        said = choose(DEFLECTIONS, *seed, position=1)
    data = {
        "line": said,
        "tone": persona.get("voice") or "guarded",
        "action": f"{persona['name']} watches the speaker closely.",
    }
    return f"{OFFLINE_NOTE}\n{persona['name']}: \u201c{said}\u201d ({data['action']})", data


DIALOGUE = Purpose(
    "NPC_DIALOGUE",
    "Speak as a non-player character. Use only the knowledge you are given; if asked about "
    "anything else, the character does not know it. Never step out of character.",
    render,
    offline,
    schema=SCHEMA,
    max_tokens=250,
    check=reveals,
)
