"""Proposals as stored JSON (``Generation.data``) and as a short text (``Generation.output``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from subgraphs.llm.builds.choices import Proposal

OFFLINE_NOTE = (
    "[Built offline by the concept planner from the catalog's SRD content and the rules engine; "
    "no language model was used.]"
)


def proposal_json(proposal: Proposal) -> dict[str, Any]:
    choices = proposal.choices
    return {
        "title": choices.name,
        "summary": proposal.summary,
        "document": proposal.document,
        "spells": list(proposal.spells),
        "reasons": [
            {
                "part": r.part,
                "choice": r.choice,
                "because": r.because,
                "slug": r.slug,
                "words": list(r.words),
            }
            for r in choices.reasons
        ],
        "adaptations": [
            {
                "part": a.part,
                "kind": a.kind.value,
                "name": a.name,
                "note": a.note,
                "ofSlug": a.of_slug,
                "balance": list(a.balance),
            }
            for a in choices.adaptations
        ],
        "source": proposal.source,
        "repairs": proposal.repairs,
        "fit": round(proposal.fit, 4),
    }


def summary_text(proposals: Sequence[Proposal]) -> str:
    lines = [] if any(p.source != "planner" for p in proposals) else [OFFLINE_NOTE]
    for number, proposal in enumerate(proposals, start=1):
        lines.append(f"{number}. {proposal.summary}")
        lines += [f"   - {r.part}: {r.choice} ({r.because})" for r in proposal.choices.reasons[:4]]
    if not proposals:
        lines.append("No legal build could be made for this concept.")
    return "\n".join(lines)
