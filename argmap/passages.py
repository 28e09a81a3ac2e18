"""Anchor nodes to passages of a map's source text.

A paragraph is a non-blank line, numbered from 1. An anchor is a short exact phrase inside a
paragraph; the passage it marks is the sentence (or sentences) that contain the phrase.
"""

import re

from argmap.errors import InvalidInput

_SENTENCE_END = re.compile(r"(?<=[.!?\u201d\"])\s+(?=[A-Z\u201c\"(])")


def paragraphs(text: str) -> list[tuple[int, int]]:
    """The (start, end) offsets of each non-blank line."""
    spans = []
    offset = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        if body.strip():
            lead = len(body) - len(body.lstrip())
            spans.append((offset + lead, offset + len(body.rstrip())))
        offset += len(line)
    return spans


def resolve_passage(text: str, *, paragraph: int | None, quote: str) -> tuple[int, int]:
    spans = paragraphs(text)
    if paragraph is not None:
        if not 1 <= paragraph <= len(spans):
            raise InvalidInput(f"paragraph {paragraph} does not exist (the text has "
                               f"{len(spans)} paragraphs)", field="passage")
        spans = [spans[paragraph - 1]]
    for start, end in spans:
        at = text.find(quote, start, end)
        if at >= 0:
            return _sentence_around(text, start, end, at, at + len(quote))
    where = f"paragraph {paragraph}" if paragraph is not None else "the text"
    raise InvalidInput(f"the phrase {quote!r} does not occur in {where}", field="passage")


def _sentence_around(text: str, p_start: int, p_end: int, q_start: int, q_end: int):
    start, end = p_start, p_end
    for match in _SENTENCE_END.finditer(text, p_start, p_end):
        if match.end() <= q_start:
            start = match.end()
        elif match.start() >= q_end:
            end = match.start()
            break
    return start, end


def marked_paragraphs(text: str, passages: list[tuple[str, int, int]]):
    """Split each paragraph into (segment text, keys of the passages covering it).

    `passages` are (node key, start, end) offsets into `text`; passages may overlap or be
    shared by several nodes, so each segment lists every node whose passage covers it.
    """
    result = []
    for p_start, p_end in paragraphs(text):
        inside = [(k, s, e) for k, s, e in passages if s < p_end and e > p_start]
        cuts = sorted({p_start, p_end, *(max(s, p_start) for _, s, _ in inside),
                       *(min(e, p_end) for _, _, e in inside)})
        segments = []
        for a, b in zip(cuts, cuts[1:], strict=False):
            keys = tuple(k for k, s, e in inside if s <= a and e >= b)
            segments.append((text[a:b], keys))
        result.append(segments)
    return result
