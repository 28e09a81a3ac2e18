"""Anchor nodes to passages of a map's source text.

A paragraph is a non-blank line, numbered from 1. An anchor is a short exact phrase inside a
paragraph; the passage it marks is the sentence (or sentences) that contain the phrase.
"""

import re
from bisect import bisect_right
from dataclasses import dataclass

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


def resolve_passage(text: str, *, paragraph: int | None, quote: str,
                    spans: list[tuple[int, int]] | None = None) -> tuple[int, int]:
    """The sentence(s) around the first occurrence of `quote` inside a paragraph (the given
    one, or any). `spans` are paragraphs(text), when the caller anchors many nodes."""
    spans = paragraphs(text) if spans is None else spans
    if paragraph is not None:
        if not 1 <= paragraph <= len(spans):
            raise InvalidInput(f"paragraph {paragraph} does not exist (the text has "
                               f"{len(spans)} paragraphs)", field="passage")
        spans = [spans[paragraph - 1]]
    found = _first_inside(text, spans, quote)
    if found is not None:
        start, end, at = found
        return _sentence_around(text, start, end, at, at + len(quote))
    where = f"paragraph {paragraph}" if paragraph is not None else "the text"
    raise InvalidInput(f"the phrase {quote!r} does not occur in {where}", field="passage")


def _first_inside(text: str, spans: list[tuple[int, int]], quote: str):
    """(start, end) of the first paragraph holding `quote`, and where it is in the text.
    Searching the whole text, then skipping to the next paragraph, visits only paragraphs
    where the quote occurs (searching each in turn costs every paragraph, for every node)."""
    if not spans:
        return None
    limit = spans[-1][1]
    at = text.find(quote, spans[0][0], limit)
    while at >= 0:
        i = bisect_right(spans, (at, limit)) - 1  # the paragraph starting at or before
        if at + len(quote) <= spans[i][1]:
            return spans[i][0], spans[i][1], at
        if i + 1 == len(spans):
            return None
        at = text.find(quote, spans[i + 1][0], limit)
    return None


def _sentence_around(text: str, p_start: int, p_end: int, q_start: int, q_end: int):
    start, end = p_start, p_end
    for match in _SENTENCE_END.finditer(text, p_start, p_end):
        if match.end() <= q_start:
            start = match.end()
        elif match.start() >= q_end:
            end = match.start()
            break
    return start, end


def sentences(text: str) -> list[tuple[int, int]]:
    """The (start, end) of each sentence of each paragraph, split by the rule that widens an
    anchor phrase to its sentence; the spaces between sentences belong to none."""
    found = []
    for p_start, p_end in paragraphs(text):
        start = p_start
        for match in _SENTENCE_END.finditer(text, p_start, p_end):
            found.append((start, match.start()))
            start = match.end()
        found.append((start, p_end))
    return found


def mapped_sentences(text: str, passages: list[tuple[str, int, int]]) -> list[bool]:
    """For each of sentences(text), whether some passage (node key, start, end) lies in it."""
    spans = sentences(text)
    starts = [s for s, _ in spans]
    mapped = [False] * len(spans)
    for _, start, end in passages:
        i = max(bisect_right(starts, start) - 1, 0)  # the sentence at or before the start
        while i < len(spans) and spans[i][0] < end:
            if spans[i][1] > start:
                mapped[i] = True
            i += 1
    return mapped


@dataclass(frozen=True)
class Segment:
    text: str
    keys: tuple[str, ...]  # the nodes whose passages cover this stretch
    starts: tuple[str, ...]  # passages that begin here (anchors for links to the passage)
    ends: tuple[str, ...]  # passages that end here (where the links to their nodes go)
    at: int = 0  # where it starts in the text
    unmapped: bool = False  # inside a sentence that no passage lies in


def marked_paragraphs(text: str, passages: list[tuple[str, int, int]]) -> list[list[Segment]]:
    """Split each paragraph into segments, each naming the passages that cover it.

    `passages` are (node key, start, end) offsets into `text`; passages may overlap or be
    shared by several nodes, so a segment can belong to several nodes. A sentence that no
    passage lies in is a segment of its own, marked `unmapped`.
    """
    unmapped = [span for span, mapped in zip(sentences(text), mapped_sentences(text, passages),
                                             strict=True) if not mapped]
    result = []
    first = 0  # the first unmapped sentence not in an earlier paragraph (both are in order)
    for p_start, p_end in paragraphs(text):
        inside = sorted((s, e, k) for k, s, e in passages if s < p_end and e > p_start)
        last = first
        while last < len(unmapped) and unmapped[last][0] < p_end:
            last += 1
        blank, first = unmapped[first:last], last
        cuts = sorted({p_start, p_end, *(max(s, p_start) for s, _, _ in inside),
                       *(min(e, p_end) for _, e, _ in inside), *(x for span in blank
                                                                for x in span)})
        segments = []
        for a, b in zip(cuts, cuts[1:], strict=False):
            covering = [(s, e, k) for s, e, k in inside if s <= a and e >= b]
            segments.append(Segment(
                text[a:b], tuple(k for _, _, k in covering),
                starts=tuple(k for s, _, k in covering if max(s, p_start) == a),
                ends=tuple(k for _, e, k in covering if min(e, p_end) == b), at=a,
                unmapped=any(s <= a and b <= e for s, e in blank)))
        result.append(segments)
    return result
