"""Mapping from the text: a new node made from a passage of the map's source text, anchored
to exactly that passage (the characters selected, not the first place the words occur), and
connected to the node it supports or attacks, all in the caller's one transaction.
"""

import sys
from bisect import bisect_right
from dataclasses import dataclass

from sqlmodel import Session, select

from argmap.domain.editing import Citation, add_argument, add_free_node, node_exists
from argmap.domain.passages import paragraphs
from argmap.errors import InvalidInput
from argmap.models import QUOTE_MAX, Map, Node, RelationKind, whole_number

ONE_PARAGRAPH = "a passage lies within one paragraph"


@dataclass(frozen=True)
class Passage:
    paragraph: int  # numbered from 1, as paragraphs() counts them
    start: int
    end: int


def locate(text: str | None, *, quote: str, paragraph: str = "", start: str = "") -> Passage:
    """Where the passage is: at `start` (the offset of a selection made in the text), or else
    the exact phrase `quote` in the given paragraph, or in the one paragraph it occurs in."""
    if not text:
        raise InvalidInput("attach the source text first", field="passage_quote")
    if not quote.strip():
        raise InvalidInput("select a passage of the text, or type an exact phrase from it",
                           field="passage_quote")
    spans = paragraphs(text)
    number = _paragraph(paragraph, len(spans))
    if start.strip():
        return _selected(text, spans, quote, start, number)
    phrase = quote.strip()
    if "\n" in phrase or "\r" in phrase:
        raise InvalidInput(ONE_PARAGRAPH, field="passage_quote")
    found = _occurrences(text, spans, phrase)
    if number is not None:
        found = [(n, at) for n, at in found if n == number]
    if not found:
        where = f"paragraph {number}" if number is not None else "the text"
        raise InvalidInput(f"the phrase {phrase!r} does not occur in {where}",
                           field="passage_quote")
    numbers = sorted({n for n, _ in found})
    if len(numbers) > 1:
        listed = ", ".join(map(str, numbers[:-1])) + f" and {numbers[-1]}"
        raise InvalidInput(f"the phrase occurs in paragraphs {listed}: give the paragraph "
                           "number, or select the passage in the text", field="passage_paragraph")
    n, at = found[0]
    return Passage(n, at, at + len(phrase))


def _paragraph(given: str, count: int) -> int | None:
    given = given.strip()
    if not given:
        return None
    number = whole_number(given, maximum=100_000)
    if number is None:
        raise InvalidInput("give the paragraph as a number", field="passage_paragraph")
    if not 1 <= number <= count:
        raise InvalidInput(f"paragraph {number} does not exist (the text has {count} "
                           "paragraphs)", field="passage_paragraph")
    return number


def _index(spans: list[tuple[int, int]], at: int) -> int:
    """The paragraph (from 0) that starts at or before offset `at`."""
    return max(bisect_right(spans, (at, sys.maxsize)) - 1, 0)


def _selected(text: str, spans, quote: str, start: str, number: int | None) -> Passage:
    at = whole_number(start, maximum=len(text))
    if "\n" in quote or "\r" in quote:  # the page joins a selection's paragraphs by a newline
        where = f" (from paragraph {_index(spans, at) + 1})" if at is not None else ""
        raise InvalidInput(f"the selection runs across paragraphs{where}; {ONE_PARAGRAPH}",
                           field="passage_quote")
    # The page sends the selection's words with its offset; if they no longer match, the
    # text was replaced after the page was loaded.
    if at is None or text[at:at + len(quote)] != quote:
        raise InvalidInput("the source text has changed since the page was loaded; reload "
                           "it and select the passage again", field="passage_quote")
    begin = at + len(quote) - len(quote.lstrip())
    end = at + len(quote.rstrip())
    i = _index(spans, begin)
    if number is not None and number != i + 1:
        raise InvalidInput(f"the selection is in paragraph {i + 1}, not {number}",
                           field="passage_paragraph")
    return Passage(i + 1, begin, end)


def _occurrences(text: str, spans, phrase: str) -> list[tuple[int, int]]:
    """(paragraph number, offset) of each place the phrase occurs inside one paragraph."""
    found = []
    at = text.find(phrase)
    while at >= 0:
        i = _index(spans, at)
        if spans[i][0] <= at and at + len(phrase) <= spans[i][1]:
            found.append((i + 1, at))
        at = text.find(phrase, at + 1)
    return found


def anchor_phrase(passage: str) -> str:
    """The passage as the node's anchor phrase: whole, or its first words when it is longer
    than an anchor phrase may be (the offsets keep the whole passage)."""
    if len(passage) <= QUOTE_MAX:
        return passage
    cut = passage[:QUOTE_MAX]
    space = cut.rfind(" ")
    return (cut[:space] if space > QUOTE_MAX // 2 else cut).rstrip()


def map_passage(session: Session, *, map_id: int, quote: str, paragraph: str = "",
                start: str = "", kind: str, text: str, title: str = "",
                citation: Citation | None = None, relation: str = "", target_key: str = "",
                author: str | None = None, by_id: int | None = None) -> Node:
    """A new node paraphrasing a passage of the map's text, anchored to it, and supporting or
    attacking `target_key` when one is given."""
    source_text = session.exec(select(Map.source_text).where(Map.id == map_id)).one()
    where = locate(source_text, quote=quote, paragraph=paragraph, start=start)
    assert source_text is not None  # locate refuses a map without its text
    if target_key:
        if relation not in (RelationKind.SUPPORT, RelationKind.ATTACK):
            raise InvalidInput("choose supports or attacks", field="relation")
        if not node_exists(session, map_id=map_id, key=target_key):
            raise InvalidInput("that node is no longer in the map; choose another",
                               field="target")
        node = add_argument(session, map_id=map_id, target_key=target_key, relation=relation,
                            kind=kind, text=text, title=title, citation=citation,
                            author=author, by_id=by_id)
    else:
        node = add_free_node(session, map_id=map_id, kind=kind, text=text, title=title,
                             citation=citation, author=author, by_id=by_id)
    node.passage_paragraph = where.paragraph
    node.passage_quote = anchor_phrase(source_text[where.start:where.end])
    node.passage_start, node.passage_end = where.start, where.end
    session.add(node)
    session.flush()
    return node
