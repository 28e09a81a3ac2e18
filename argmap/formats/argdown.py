"""Argdown (https://argdown.org): write a map as nested relations (reading the common subset
is argdown_reader.py).

Writing: claims and theses are statements `[Title]: text`; evidence, rebuttals and any reason
whose inference is undercut are arguments `<Title>: text`, so that `_` can undercut them.
Kinds become tags, and a citation becomes the statement's YAML data, `{citation: {...}}`.
Passages and authors are not carried (use argmap JSON for that). A linked step is a
premise-conclusion structure (see write_argdown).
In texts and tags, characters that Argdown would read as syntax are escaped with a backslash
(Argdown's escape), and the reader takes `\\X` as the character X.
"""

import json
import re

import yaml

from argmap.formats.base import ORIGIN_TAGS, citation_of
from argmap.mapdata import MapData, NodeData, walk_starts

SYMBOL = {"support": "+", "attack": "-", "undercut": "_"}


def _clean(text: str) -> str:
    return " ".join(text.split()).replace("[", "(").replace("]", ")").replace("<", "(") \
        .replace(">", ")").replace("#", "no.")


# Characters the Argdown syntax would read in a text (tags, comments, data, mentions, links,
# emphasis) are written with a backslash, which Argdown reads as "this character itself".
SYNTAX = re.compile(r"[\\#\[\]<>{}@*_]|/(?=[/*])")
# Characters a YAML stream may not hold, or reads as line breaks: escaped in the data block.
# Indentation the writer goes to; a deeper chain goes on in a block of its own (a reader's
# nesting limit is MAX_DEPTH, and a page of 200 indents is unreadable anyway).
DEEPEST = 40
YAML_UNSAFE = re.compile("[\x85\u2028\u2029\ufffe\uffff]")


def escape(text: str, also: str = "") -> str:
    """`text` with Argdown's syntax characters (and those in `also`) backslash-escaped."""
    return re.sub(SYNTAX.pattern + (f"|[{re.escape(also)}]" if also else ""),
                  lambda m: "\\" + m.group(0), text)


def titles(data: MapData) -> dict[str, str]:
    """A unique, stable title per node: its own title, else its key."""
    chosen, used = {}, set()
    for node in data.nodes:
        title = _clean(node.title) if node.title else node.key
        if title in used:
            title = f"{title} ({node.key})"
        used.add(title)
        chosen[node.key] = title
    return chosen


def data_block(data: MapData, node: NodeData) -> str:
    """A node's citation as Argdown's YAML data, `{citation: {document: ..., ...}}`."""
    if not node.cites:
        return ""
    cited = {k: v for k, v in citation_of(data.sources_by_key[node.cites]).items() if v}
    # JSON is YAML; "\/" (JSON's escape for "/") keeps "//" and "/*" from reading as comments.
    text = YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}",
                           json.dumps({"citation": cited}, ensure_ascii=False))
    return " " + re.sub(r"/(?=[/*])", r"\/", text)


def write_argdown(data: MapData) -> str:
    names = titles(data)
    steps = data.steps_by_ref
    undercut_refs = {steps[r.target].ref for r in data.relations if r.is_undercut}
    linked = [r for r in data.relations if r.is_linked and not r.is_undercut]
    arguments = {n.key for n in data.nodes if n.kind in ("evidence", "rebuttal")}
    arguments |= {steps[ref].premises[0] for ref in undercut_refs if not steps[ref].is_linked}
    below: dict[str, list] = {}
    has_parent = set()
    for rel in data.relations:
        if not rel.is_undercut and not rel.is_linked:
            below.setdefault(rel.target, []).append(rel)
        has_parent.update(rel.premises)
    undercutters: dict[str, list[str]] = {}
    for rel in data.relations:
        if rel.is_undercut:
            undercutters.setdefault(steps[rel.target].ref, []).extend(rel.premises)
    written: set[str] = set()
    expanded: set[str] = set()
    lines = ["===", yaml.safe_dump({"title": data.title}, allow_unicode=True).strip(), "===",
             ""]

    def element(key: str) -> str:
        node = data.nodes_by_key[key]
        name = names[key]
        ref = f"<{name}>" if key in arguments else f"[{name}]"
        if key in written:
            return ref
        written.add(key)
        tags = f" #{node.kind}" + (f" #({ORIGIN_TAGS[node.origin]})"
                                   if node.origin in ORIGIN_TAGS else "")
        tags += "".join(f" #{t}" if re.fullmatch(r"[\w-]+", t) else f" #({escape(t, also='()')})"
                        for t in node.tags)
        return f"{ref}: {escape(' '.join(node.text.split()))}{tags}{data_block(data, node)}"

    deferred: list[str] = []

    def tree(key: str, depth: int, trail: tuple[str, ...]):
        if key in trail:  # a cycle: the reference above is enough
            return
        expanded.add(key)
        for rel in below.get(key, []):
            source = rel.premises[0]
            first = source not in expanded
            lines.append("  " * depth + f"{SYMBOL[rel.kind]} {element(source)}")
            for cutter in undercutters.get(rel.ref, []):
                lines.append("  " * (depth + 1) + f"_ {element(cutter)}")
                tree(cutter, depth + 2, (*trail, key))
            if first and depth >= DEEPEST:  # go on in a block of its own, from the left
                deferred.append(source)
            elif first:
                tree(source, depth + 1, (*trail, key))

    def block(key: str):
        lines.append(element(key))
        tree(key, 1, ())
        lines.append("")

    roots = walk_starts(data, has_parent)
    for root in roots + [n.key for n in data.nodes if n.key not in arguments
                         or n.key not in has_parent]:
        if root not in expanded and root not in {p for r in linked for p in r.premises}:
            block(root)
    while deferred:
        key = deferred.pop()
        if key not in expanded and below.get(key):
            block(key)
    # A linked step is a premise-conclusion structure: its premises count only together.
    used = set(names.values())
    for number, rel in enumerate(linked, start=1):
        name = _clean(f"Linked step {number} to {names[rel.target]}")
        while name in used:
            name += " (linked)"
        used.add(name)
        if rel.kind == "attack":
            lines += [f"<{name}>", f"  -> {element(rel.target)}", ""]
        lines += [f"<{name}>", ""]
        lines += [f"({i}) {element(p)}" for i, p in enumerate(rel.premises, start=1)]
        conclusion = (f"[Not: {names[rel.target]}]" if rel.kind == "attack"
                      else element(rel.target))
        lines += ["----", f"({len(rel.premises) + 1}) {conclusion}", ""]
        if rel.ref in undercutters:
            lines.append(f"<{name}>")
            lines += [f"  _ {element(cutter)}" for cutter in undercutters[rel.ref]]
            lines.append("")
    for node in data.nodes:  # whatever argues about a premise of a linked step
        if node.key not in expanded and (below.get(node.key) or node.key not in written):
            block(node.key)
    return "\n".join(lines).rstrip() + "\n"
