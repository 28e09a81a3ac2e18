"""Argdown (https://argdown.org): write a map as nested relations, and read the common subset.

Writing: claims and theses are statements `[Title]: text`; evidence, rebuttals and any reason
whose inference is undercut are arguments `<Title>: text`, so that `_` can undercut them.
Kinds become tags. Citations, passages and authors are not carried (use argmap JSON for that).
In texts and tags, characters that Argdown would read as syntax are escaped with a backslash
(Argdown's escape), and the reader takes `\\X` as the character X.
"""

import re

import yaml

from argmap.errors import MapFileError
from argmap.interchange.base import MAX_DEPTH, Imported, check_map
from argmap.mapdata import MapData, NodeData, RelationData

KIND_TAGS = ("thesis", "claim", "evidence", "rebuttal")
SYMBOL = {"support": "+", "attack": "-", "undercut": "_"}


def _clean(text: str) -> str:
    return " ".join(text.split()).replace("[", "(").replace("]", ")").replace("<", "(") \
        .replace(">", ")").replace("#", "no.")


# Characters the Argdown syntax would read in a text (tags, comments, data, mentions, links,
# emphasis) are written with a backslash, which Argdown reads as "this character itself".
SYNTAX = re.compile(r"[\\#\[\]<>{}@*_]|/(?=[/*])")
ESCAPED = re.compile(r"\\(.)")
HIDDEN = 0xF0000  # escaped ASCII characters are parked here while a line is parsed


def escape(text: str, also: str = "") -> str:
    """`text` with Argdown's syntax characters (and those in `also`) backslash-escaped."""
    return re.sub(SYNTAX.pattern + (f"|[{re.escape(also)}]" if also else ""),
                  lambda m: "\\" + m.group(0), text)


def _hide(line: str) -> str:
    """Replace each escaped character by a stand-in that no syntax rule matches."""
    return ESCAPED.sub(lambda m: chr(HIDDEN + ord(m.group(1))) if ord(m.group(1)) < 128
                       else m.group(1), line)


def _reveal(text: str) -> str:
    return re.sub("[\U000F0000-\U000F007F]", lambda m: chr(ord(m.group(0)) - HIDDEN), text)


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


def write_argdown(data: MapData) -> str:
    names = titles(data)
    undercut_refs = {r.target for r in data.relations if r.is_undercut}
    arguments = {n.key for n in data.nodes if n.kind in ("evidence", "rebuttal")}
    arguments |= {ref.split(" -> ")[0] for ref in undercut_refs}
    below: dict[str, list] = {}
    has_parent = set()
    for rel in data.relations:
        if not rel.is_undercut:
            below.setdefault(rel.target, []).append(rel)
            has_parent.add(rel.source)
    undercutters: dict[str, list[str]] = {}
    for rel in data.relations:
        if rel.is_undercut:
            undercutters.setdefault(rel.target, []).append(rel.source)
            has_parent.add(rel.source)
    written: set[str] = set()
    lines = ["===", yaml.safe_dump({"title": data.title}, allow_unicode=True).strip(), "===",
             ""]

    def element(key: str) -> str:
        node = data.nodes_by_key[key]
        name = names[key]
        ref = f"<{name}>" if key in arguments else f"[{name}]"
        if key in written:
            return ref
        written.add(key)
        tags = f" #{node.kind}" + (" #(editor addition)" if node.origin == "editor" else "")
        tags += "".join(f" #{t}" if re.fullmatch(r"[\w-]+", t) else f" #({escape(t, also='()')})"
                        for t in node.tags)
        return f"{ref}: {escape(' '.join(node.text.split()))}{tags}"

    def tree(key: str, depth: int, trail: tuple[str, ...]):
        if key in trail:  # a cycle: the reference above is enough
            return
        for rel in below.get(key, []):
            first = rel.source not in written
            lines.append("  " * depth + f"{SYMBOL[rel.kind]} {element(rel.source)}")
            for cutter in undercutters.get(rel.ref, []):
                lines.append("  " * (depth + 1) + f"_ {element(cutter)}")
                tree(cutter, depth + 2, (*trail, key))
            if first:
                tree(rel.source, depth + 1, (*trail, key))

    roots = [n.key for n in data.nodes if n.key not in has_parent]
    roots.sort(key=lambda k: data.nodes_by_key[k].kind != "thesis")
    for root in roots + [n.key for n in data.nodes]:
        if root in written:
            continue
        lines.append(element(root))
        tree(root, 1, ())
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# --- reading ------------------------------------------------------------------------------

RELATION = re.compile(r"^(<\+|\+>|<-|->|<_|_>|\+|-|_|><)\s+(.*)$")
ELEMENT = re.compile(r"^(\[([^\]]+)\]|<([^>]+)>)(?::\s*(.*))?$")
TAG = re.compile(r"#\(([^)]*)\)|#([\w-]+)")
PCS_LINE = re.compile(r"^\((\d+)\)\s+(.*)$")


class _Reader:
    def __init__(self, text: str, name: str):
        self.name, self.text = name, text
        self.nodes: dict[str, dict] = {}  # title -> {kind, text, argument, line, tags}
        self.relations: list[tuple[str, str, str, int]] = []  # kind, source, target, line
        self.undercuts: list[tuple[str, str, str | None, int]] = []  # cutter, arg, concl
        self.warnings: list[str] = []
        self.title: str | None = None
        self.heading: str | None = None  # the heading the current lines stand under

    def warn(self, line: int, message: str):
        self.warnings.append(f"{self.name}:{line}: {message}")

    def fail(self, line: int, message: str):
        raise MapFileError(self.name, message, line=line)

    def element(self, raw: str, line: int) -> str:
        """Define or refer to a statement or argument; returns its title."""
        tags = [a or b for a, b in TAG.findall(raw)]
        raw = TAG.sub("", raw).strip()
        if "{" in raw and raw.endswith("}"):
            self.warn(line, "data in {braces} is not imported")
            raw = raw[:raw.index("{")].strip()
        match = ELEMENT.match(raw)
        if match:
            title = (match.group(2) or match.group(3)).strip()
            argument = match.group(3) is not None
            text = (match.group(4) or "").strip()
        else:  # an anonymous statement: its text is its title
            title, argument, text = raw, False, raw
        if not title:
            self.fail(line, "an element needs a title or a text")
        node = self.nodes.get(title)
        if node is None:
            node = self.nodes[title] = {"kind": None, "text": "", "argument": argument,
                                        "line": line, "tags": []}
        if text:
            if node["text"] and node["text"] != text:
                self.warn(line, f"[{title}] has a second text; the first one is kept")
            else:
                node["text"] = text
        if self.heading and self.heading not in node["tags"]:
            node["tags"].append(self.heading)
        for tag in tags:
            if tag in KIND_TAGS:
                node["kind"] = tag
            elif tag not in node["tags"]:
                node["tags"].append(tag)
        return title

    def parse(self) -> None:
        lines = self.text.splitlines()
        start = 0
        if lines and lines[0].strip() == "===":
            end = next((i for i in range(1, len(lines)) if lines[i].strip() == "==="), None)
            if end is None:
                self.fail(1, "the front matter (===) is never closed")
            try:
                front = yaml.safe_load("\n".join(lines[1:end])) or {}
            except yaml.YAMLError as exc:
                self.fail(2, f"the front matter is not valid YAML: {exc}")
            if isinstance(front, dict) and isinstance(front.get("title"), str):
                self.title = front["title"]
            start = end + 1
        stack: list[tuple[int, str, str | None, str | None]] = []  # indent, title, rel, parent
        pcs: list[str] = []  # premises of the premise-conclusion structure being read
        pcs_argument: str | None = None
        last_argument: str | None = None
        in_comment = False
        for number in range(start, len(lines)):
            line_no = number + 1
            raw = _hide(lines[number])
            if in_comment:
                if "*/" in raw or "-->" in raw:
                    in_comment = False
                continue
            stripped = re.sub(r"(^|\s)//.*$", "", raw).rstrip()
            if stripped.strip().startswith(("/*", "<!--")):
                in_comment = "*/" not in stripped and "-->" not in stripped
                continue
            body = stripped.strip()
            if not body:
                stack.clear()
                continue
            indent = len(stripped) - len(stripped.lstrip())
            if indent // 2 > MAX_DEPTH:
                self.fail(line_no, f"nested more than {MAX_DEPTH} levels deep")
            if body.startswith("#") and not body.startswith("#("):
                self.heading = body.lstrip("#").strip()  # kept as a tag on what follows
                stack.clear()
                continue
            if re.fullmatch(r"-{2,}.*-{2,}|-{4,}", body):
                continue  # an inference line inside a premise-conclusion structure
            pcs_line = PCS_LINE.match(body)
            if pcs_line:
                title = self.element(pcs_line.group(2), line_no)
                previous = lines[number - 1].strip() if number else ""
                if re.fullmatch(r"-{2,}.*-{2,}|-{4,}", previous):
                    # the conclusion: premises support it through the argument
                    arg = pcs_argument or last_argument
                    for premise in pcs:
                        self.relations.append(("support", premise, title, line_no))
                    if arg and arg != title:
                        self.relations.append(("support", arg, title, line_no))
                    pcs = []
                else:
                    pcs.append(title)
                continue
            relation = RELATION.match(body)
            if relation:
                symbol, rest = relation.groups()
                while stack and stack[-1][0] >= indent:
                    stack.pop()
                if not stack:
                    self.fail(line_no, f"the relation {symbol!r} has no statement above it")
                parent = stack[-1][1]
                if symbol == "><":
                    self.warn(line_no, "contradictions (><) are not modelled; imported as an "
                                       "attack")
                    symbol = "<-"
                title = self.element(rest, line_no)
                kind = {"+": "support", "<+": "support", "+>": "support", "-": "attack",
                        "<-": "attack", "->": "attack", "_": "undercut", "<_": "undercut",
                        "_>": "undercut"}[symbol]
                outgoing = symbol in ("+>", "->", "_>")
                source, target = (parent, title) if outgoing else (title, parent)
                if kind == "undercut":
                    context = stack[-1][3] if not outgoing and stack[-1][2] == "support" \
                        else None
                    self.undercuts.append((source, target, context, line_no))
                else:
                    self.relations.append((kind, source, target, line_no))
                stack.append((indent, title, kind if not outgoing else None, parent))
                continue
            if indent and stack and not ELEMENT.match(TAG.sub("", body).strip()):
                node = self.nodes[stack[-1][1]]  # a continued text
                node["text"] = f"{node['text']} {body}".strip()
                continue
            title = self.element(body, line_no)
            if self.nodes[title]["argument"]:
                last_argument, pcs_argument, pcs = title, title, []
            stack[:] = [(indent, title, None, None)]

    def result(self) -> Imported:
        self.parse()
        keys = {}
        for title in self.nodes:
            base = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "node"
            key, n = base, 2
            while key in keys.values():
                key, n = f"{base}-{n}", n + 1
            keys[title] = key
        attacked = {s for k, s, _t, _l in self.relations if k == "attack"}
        supporting = {s for k, s, _t, _l in self.relations if k == "support"}
        targets = {t for _k, _s, t, _l in self.relations}
        has_thesis = any(n["kind"] == "thesis" for n in self.nodes.values())
        nodes = []
        for title, node in self.nodes.items():
            kind = node["kind"]
            if kind is None:
                if not has_thesis and title in targets and title not in supporting \
                        and title not in attacked:
                    kind, has_thesis = "thesis", True
                elif title in attacked and title not in supporting:
                    kind = "rebuttal"
                else:
                    kind = "claim"
            nodes.append(NodeData(key=keys[title], kind=kind,
                                  text=_reveal(node["text"] or title),
                                  title=_reveal(title)[:120] if title != node["text"] else None,
                                  origin="editor" if "editor addition" in node["tags"]
                                  else "document",
                                  tags=tuple(_reveal(t) for t in node["tags"]
                                             if t != "editor addition")))
        relations, seen = [], set()
        for kind, source, target, _line in self.relations:
            pair = (keys[source], keys[target])
            if pair in seen:
                continue
            seen.add(pair)
            relations.append(RelationData(kind=kind, source=pair[0], target=pair[1]))
        for cutter, argument, context, line in self.undercuts:
            options = [r for r in relations if r.kind == "support"
                       and r.source == keys[argument]]
            if context:
                options = [r for r in options if r.target == keys[context]] or options
            if len(options) != 1:
                self.warn(line, f"<{argument}> is undercut, but it supports "
                                f"{len(options)} statements here, so the undercut is "
                                "skipped" if options else
                          f"<{argument}> is undercut but supports nothing; skipped")
                continue
            relations.append(RelationData(kind="undercut", source=keys[cutter],
                                          target=options[0].ref))
        lines_of = {keys[t]: n["line"] for t, n in self.nodes.items()}
        data = MapData(slug=re.sub(r"[^a-z0-9]+", "-", (self.title or "argdown map").lower())
                       .strip("-")[:60] or "argdown-map",
                       title=self.title or "Imported Argdown map", nodes=tuple(nodes),
                       relations=tuple(relations))
        check_map(data, self.name, lambda key: lines_of.get(key))
        return Imported(data, warnings=self.warnings)


def read_argdown(text: str, name: str) -> Imported:
    return _Reader(text, name).result()
