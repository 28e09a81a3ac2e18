"""Kialo's plain-text discussion export:

    Discussion Title: Should tariffs and troops be negotiated together?

    1. Thesis text
    1.1. Pro: A reason.
    1.1.1. Con: An objection to the reason.
    1.2. Con: -> See 1.1.1.

Numbers give the tree; Pro is a support, Con an attack; "-> See N." is a cross-link to the
claim numbered N. Texts are Markdown, so Kialo escapes punctuation with a backslash
("\\(", "\\[", "\\*", "\\_", "\\\\"): the backslash is dropped, as Markdown reads it.
"""

import re

from argmap.errors import MapFileError
from argmap.formats.base import MAX_DEPTH, Budget, Imported, check_map, within_limits
from argmap.mapdata import MapData, NodeData, RelationData

LINE = re.compile(r"^((?:\d+\.)+)\s*(?:(Pro|Con):\s*)?(.*)$")
SEE = re.compile(r"^->\s*See\s+((?:\d+\.)*\d+)\.?\s*$")
# Markdown's escapes: a backslash before any ASCII punctuation character (so a doubled one is one
# backslash); a backslash before anything else is a plain backslash.
ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def unescape(text: str) -> str:
    """A Kialo text without its Markdown escapes: "\\(note\\)" is "(note)"."""
    return ESCAPED.sub(r"\1", text)


def read_kialo(text: str, name: str, budget: Budget) -> Imported:
    title, items, warnings = None, [], []
    for number, raw in enumerate(text.splitlines(), start=1):
        budget()
        line = raw.strip()
        if not line:
            continue
        if line.lower().startswith("discussion title:"):
            title = unescape(line.split(":", 1)[1].strip())
            continue
        match = LINE.match(line)
        if not match:
            if items:  # a claim's text continues on the next line (joined once, at the end)
                items[-1]["more"].append(line)
                continue
            raise MapFileError(name, "expected a numbered line such as '1.2. Pro: text'",
                               line=number)
        path = match.group(1).rstrip(".")
        if path.count(".") >= MAX_DEPTH:
            raise MapFileError(name, f"nested more than {MAX_DEPTH} levels deep", line=number)
        items.append({"path": path, "side": match.group(2), "more": [match.group(3).strip()],
                      "line": number})
    if not items:
        raise MapFileError(name, "no numbered claims found (is this a Kialo export?)")
    by_path, nodes, relations, lines = {}, [], [], {}
    links = []
    for item in items:
        budget()
        item["text"] = " ".join(item.pop("more"))
        path = item["path"]
        if path in by_path:
            raise MapFileError(name, f"the number {path}. is used twice", line=item["line"])
        parent = path.rsplit(".", 1)[0] if "." in path else None
        if parent is not None and parent not in by_path:
            raise MapFileError(name, f"{path}. comes before its parent {parent}.",
                               line=item["line"])
        if parent is not None and item["side"] is None:
            raise MapFileError(name, f"{path}. needs 'Pro:' or 'Con:'", line=item["line"])
        see = SEE.match(item["text"])
        if see:
            links.append((see.group(1), parent, item))
            by_path[path] = None
            continue
        item["text"] = unescape(item["text"])
        key = "k-" + path.replace(".", "-")
        by_path[path] = key
        lines[key] = item["line"]
        kind = "thesis" if parent is None else "claim" if item["side"] == "Pro" else "rebuttal"
        nodes.append(NodeData(key=key, kind=kind, text=item["text"] or "(empty)"))
        within_limits(name, nodes=len(nodes), steps=len(relations), line=item["line"])
        if parent is not None:
            if by_path[parent] is None:
                raise MapFileError(name, f"{path}. hangs under a link ({parent}.)",
                                   line=item["line"])
            relations.append(RelationData(kind="support" if item["side"] == "Pro"
                                          else "attack", premises=key, target=by_path[parent]))
    step_lines: dict[RelationData, int] = {}
    for target_path, parent, item in links:
        budget()
        target = by_path.get(target_path)
        if target is None:
            raise MapFileError(name, f"'-> See {target_path}.' points at no claim",
                               line=item["line"])
        if parent is None or by_path.get(parent) is None:
            warnings.append(f"{name}:{item['line']}: a top-level link is not a relation; "
                            "skipped")
            continue
        step = RelationData(kind="support" if item["side"] == "Pro" else "attack",
                            premises=target, target=by_path[parent])
        relations.append(step)
        step_lines[step] = item["line"]  # the rules name the link's own line
    data = MapData(slug="kialo-discussion", title=title or "Imported Kialo discussion",
                   nodes=tuple(nodes), relations=tuple(relations))
    check_map(data, name, budget, lambda key: lines.get(key), step_lines.get)
    return Imported(data, warnings=warnings)
