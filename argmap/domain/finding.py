"""Finding nodes by what a person types: their text, title or key, in any script.

One pass over the map's nodes, keeping the best few: a search costs the same whether it
matches three nodes or three thousand, and answers with a bounded number of them.
"""

import heapq
import unicodedata
from dataclasses import dataclass

from argmap.errors import InvalidInput
from argmap.mapdata import MapData, NodeData, short

MAX_QUERY = 200  # characters: longer than any title, short enough to compare cheaply
LIMIT = 20  # matches shown; the rest are counted ("and 40 more: refine")


def folded(text: str) -> str:
    """Text compared case- and width-insensitively (NFKC, then case folding): "Ａ" is "a",
    and Hangul typed as jamo or as syllables compares equal."""
    return unicodedata.normalize("NFKC", text).casefold()


@dataclass(frozen=True)
class Found:
    query: str
    matches: tuple[NodeData, ...]
    total: int  # how many nodes match in all

    @property
    def more(self) -> int:
        return self.total - len(self.matches)


def clean_query(raw: str, *, field: str = "q") -> str:
    query = " ".join(raw.split())
    if len(query) > MAX_QUERY:
        raise InvalidInput(f"{field}: type at most {MAX_QUERY} characters "
                           f"(this is {len(query)})", field=field)
    return query


def find_nodes(data: MapData, raw: str, *, limit: int = LIMIT, exclude: str | None = None,
               field: str = "q") -> Found:
    """The nodes whose key, title or text holds every word of the query: an exact key or
    title first, then titles that start with it, then the rest in the map's order."""
    query = clean_query(raw, field=field)
    words = folded(query).split()
    if not words:
        return Found(query, (), 0)
    whole = " ".join(words)
    ranked = []
    total = 0
    for index, node in enumerate(data.nodes):
        if node.key == exclude:
            continue
        title = folded(node.title or "")
        haystack = "\n".join((folded(node.key), title, folded(node.text)))
        if not all(word in haystack for word in words):
            continue
        total += 1
        rank = (0 if whole in (folded(node.key), title) else
                1 if title.startswith(whole) else 2 if whole in haystack else 3)
        ranked.append((rank, index))
    best = heapq.nsmallest(limit, ranked)
    return Found(query, tuple(data.nodes[i] for _, i in best), total)


def resolve_node(data: MapData, typed: str, *, field: str, chosen: str = "",
                 exclude: str | None = None) -> NodeData:
    """The one node meant by what was typed into a node chooser: the suggestion picked
    (`chosen`, its key), else a key, an exact title or a unique text match. `exclude` (the
    node being worked on) is left out of text matches, not when named exactly."""
    by_key = data.nodes_by_key
    if chosen in by_key:
        return by_key[chosen]
    query = clean_query(typed, field=field)
    if not query:
        raise InvalidInput(f"{field}: choose the node: type a few words of its text, its "
                           "title or its key", field=field)
    if query in by_key:
        return by_key[query]
    titled = [n for n in data.nodes if n.title and folded(n.title) == folded(query)]
    if len(titled) == 1:
        return titled[0]
    found = find_nodes(data, query, limit=3, exclude=exclude, field=field)
    if found.total == 1:
        return found.matches[0]
    if not found.total:
        raise InvalidInput(f"{field}: no node matches \u201c{query}\u201d; type a few words "
                           "of its text, its title or its key", field=field)
    names = ", ".join(f"\u201c{short(n, 40)}\u201d" for n in found.matches)
    more = "\u2026" if found.more else ""
    raise InvalidInput(f"{field}: matches {found.total} nodes: {names}{more}; type more of "
                       "the text", field=field)
