"""Counting tokens without a model's tokenizer.

The offline generator has no vocabulary, so it counts the way a reader would: every run of
letters or digits (a word, with inner apostrophes and hyphens: ``half-orc``, ``don't``) is one
token, and every other visible character (punctuation, symbols) is one token on its own.
Whitespace is not a token. Real model tokenizers split words into sub-word pieces and so usually
report somewhat more tokens for the same text; these counts are an honest approximation, meant
for limits and rough accounting, and a provider with a real tokenizer reports its own numbers.
"""

from __future__ import annotations

import re

# A word (letters/digits with inner apostrophes, straight or typographic, or hyphens), or any
# single character that is neither a word character nor whitespace.
_TOKEN = re.compile(r"[^\W_]+(?:['\u2019-][^\W_]+)*|[^\w\s]|_", re.UNICODE)


def tokenize(text: str) -> list[str]:
    return _TOKEN.findall(text)


def count_tokens(text: str) -> int:
    return len(tokenize(text))


def cut_after(text: str, max_tokens: int) -> tuple[str, bool]:
    """``text`` up to the end of its ``max_tokens``-th token, and whether anything was cut."""
    ends = [match.end() for match in _TOKEN.finditer(text)]
    if len(ends) <= max_tokens:
        return text, False
    return (text[: ends[max_tokens - 1]] if max_tokens > 0 else ""), True
