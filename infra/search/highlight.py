"""Highlighted fragments: backends mark matches with two sentinel characters; this locates them.

Clients get plain text plus (start, end) offsets, so each can render matches its own way (bold
in Markdown, ``<mark>`` in HTML) and no markup of ours can clash with the content.
"""

from __future__ import annotations

from infra.search.port import MARK_CLOSE, MARK_OPEN, Highlight


def parse_marked(field: str, marked: str | None) -> Highlight | None:
    """The highlight of one backend fragment, or None when nothing in it matched."""
    if not marked or MARK_OPEN not in marked:
        return None
    plain: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    start: int | None = None
    for char in marked:
        if char == MARK_OPEN:
            start = length
        elif char == MARK_CLOSE:
            if start is not None and length > start:
                if spans and spans[-1][1] == start:  # adjacent marks read as one match
                    start = spans.pop()[0]
                spans.append((start, length))
            start = None
        else:
            plain.append(char)
            length += 1
    if not spans:
        return None
    return Highlight(field=field, text="".join(plain), spans=tuple(spans))


def collect(fragments: list[tuple[str, str | None]]) -> tuple[Highlight, ...]:
    """Highlights of the given (field, marked fragment) pairs that contain a match, in order."""
    found = (parse_marked(field, marked) for field, marked in fragments)
    return tuple(highlight for highlight in found if highlight is not None)
