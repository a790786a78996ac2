"""For the game master: story hooks and plot outlines in a campaign's theme."""

from __future__ import annotations

from collections.abc import Sequence

from subgraphs.llm.purposes.base import Inputs, OfflineAnswer, Purpose, strict_object
from subgraphs.llm.purposes.writing import (
    OFFLINE_NOTE,
    choose,
    refinement_lines,
    sentence,
    words_of,
)

HOOK = strict_object(
    {
        "title": {"type": "string", "minLength": 1},
        "hook": {"type": "string", "minLength": 1},
        "stakes": {"type": "string", "minLength": 1},
    }
)
ACT = strict_object(
    {
        "name": {"type": "string", "minLength": 1},
        "summary": {"type": "string", "minLength": 1},
        "twist": {"type": "string", "minLength": 1},
    }
)
SHAPES = [
    "A stranger brings word of {a}, and a price on {b}.",
    "The festival of {a} is tomorrow; someone means to ruin it with {b}.",
    "A map that shows {a} turns up in a dead courier's boot, marked with {b}.",
    "Children have started dreaming of {a}; every dream ends with {b}.",
    "The old treaty about {a} is void unless {b} is found by the new moon.",
    "A rival party claims {a} as theirs, and they have {b} on their side.",
]
STAKES = [
    "If it fails, the town loses its only protector.",
    "Someone the party trusts is lying about it.",
    "The reward is real, but so is the curse.",
]
ACT_NAMES = ["The Call", "The Descent", "The Reckoning", "The Price", "The Dawn"]


def _theme_words(inputs: Inputs) -> list[str]:
    text = f"{inputs['theme']} {inputs.get('premise') or ''}"
    return words_of(text, ["the lost crown", "a silent god", "the river", "an old oath"])


def render_hooks(inputs: Inputs) -> str:
    return "\n".join(
        [
            f"Campaign theme: {inputs['theme']}",
            *([f"Premise: {inputs['premise']}"] if inputs.get("premise") else []),
            f"Write {inputs['count']} story hooks in that theme, each with what is at stake.",
        ]
    )


def offline_hooks(inputs: Inputs, references: Sequence[str]) -> OfflineAnswer:
    words = _theme_words(inputs)
    hooks = []
    for n in range(int(inputs["count"])):
        a, b = words[n % len(words)], words[(n + 1) % len(words)]
        shape = choose(SHAPES, inputs["theme"], n, position=n)
        hooks.append(
            {
                "title": f"{a.title()} and {b.title()}",
                "hook": shape.format(a=a, b=b),
                "stakes": choose(STAKES, inputs["theme"], n, position=n + 7),
            }
        )
    extra = refinement_lines(inputs.get("refinements", ()))
    if extra:
        hooks[-1]["stakes"] += " " + " ".join(extra)
    text = "\n".join([OFFLINE_NOTE, *(f"- {h['title']}: {h['hook']} {h['stakes']}" for h in hooks)])
    return text, {"hooks": hooks}


def render_outline(inputs: Inputs) -> str:
    return "\n".join(
        [
            f"Campaign theme: {inputs['theme']}",
            *([f"Premise: {inputs['premise']}"] if inputs.get("premise") else []),
            f"Outline a plot in {inputs['acts']} acts: each with a summary and a twist.",
        ]
    )


def offline_outline(inputs: Inputs, references: Sequence[str]) -> OfflineAnswer:
    words = _theme_words(inputs)
    acts = []
    for n in range(int(inputs["acts"])):
        a, b = words[n % len(words)], words[(n + 2) % len(words)]
        acts.append(
            {
                "name": ACT_NAMES[n],
                "summary": sentence(f"The party is drawn toward {a}, while {b} gathers strength"),
                "twist": sentence(f"{b.capitalize()} was never what it seemed"),
            }
        )
    extra = refinement_lines(inputs.get("refinements", ()))
    if extra:
        acts[-1]["twist"] += " " + " ".join(extra)
    title = " ".join(w.title() for w in words[:2])
    lines = [OFFLINE_NOTE, title, *(f"{a['name']}: {a['summary']} {a['twist']}" for a in acts)]
    return "\n".join(lines), {"title": title, "acts": acts}


HOOKS = Purpose(
    "STORY_HOOKS",
    "Write story hooks for a game master, true to the campaign's theme: a situation, a person "
    "who wants something, and what is at stake.",
    render_hooks,
    offline_hooks,
    schema=strict_object({"hooks": {"type": "array", "items": HOOK, "minItems": 1, "maxItems": 6}}),
    max_tokens=900,
)
OUTLINE = Purpose(
    "PLOT_OUTLINE",
    "Outline a campaign plot in acts, true to the theme; each act ends with a twist.",
    render_outline,
    offline_outline,
    schema=strict_object(
        {
            "title": {"type": "string", "minLength": 1},
            "acts": {"type": "array", "items": ACT, "minItems": 3, "maxItems": 5},
        }
    ),
    max_tokens=1200,
)
