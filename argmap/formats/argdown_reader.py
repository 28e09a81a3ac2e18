"""Read Argdown (https://argdown.org): the common subset that argmap writes (argdown.py) and
that the Argdown guide documents. Escaped characters (`\\X`) are hidden while a line is
parsed, so that no syntax rule reads them. Every step is linear in the file: see
tests/test_import_bounds.py.
"""

import re

import yaml

from argmap.errors import MapFileError
from argmap.formats.base import (
    MAX_DEPTH,
    ORIGIN_TAGS,
    Budget,
    Imported,
    check_map,
    citations,
    load_yaml,
    origin_of,
    within_limits,
)
from argmap.mapdata import MapData, NodeData, RelationData

KIND_TAGS = ("thesis", "claim", "evidence", "rebuttal")
ESCAPED = re.compile(r"\\(.)")
HIDDEN = 0xF0000  # escaped ASCII characters are parked here while a line is parsed
LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _hide(line: str) -> str:
    """Replace each escaped character by a stand-in that no syntax rule matches."""
    return ESCAPED.sub(lambda m: chr(HIDDEN + ord(m.group(1))) if ord(m.group(1)) < 128
                       else m.group(1), line)


def _restore(text: str) -> str:
    """Undo _hide exactly, escapes included (for data, which has escapes of its own)."""
    return re.sub("[\U000F0000-\U000F007F]", lambda m: "\\" + chr(ord(m.group(0)) - HIDDEN),
                  text)


def _reveal(text: str) -> str:
    return re.sub("[\U000F0000-\U000F007F]", lambda m: chr(ord(m.group(0)) - HIDDEN), text)


RELATION = re.compile(r"^(<\+|\+>|<-|->|<_|_>|\+|-|_|><)\s+(.*)$")
ELEMENT = re.compile(r"^(\[([^\]]+)\]|<([^>]+)>)(?::\s*(.*))?$")
TAG = re.compile(r"#\(([^)]*)\)|#([\w-]+)")
WORD_TAG = re.compile(r"#([\w-]+)")
PCS_LINE = re.compile(r"^\((\d+)\)\s+(.*)$")


def _inference(line: str) -> bool:
    """An inference line, `----` or `-- text --`. The pattern -{2,}.*-{2,} says the same, but
    backtracks over a long run of dashes in cubic time."""
    return len(line) >= 4 and line.startswith("--") and line.endswith("--")


def _tags(raw: str) -> tuple[list[str], str]:
    """An element's tags, and the element without them. After the last ")" no `#(...)` can
    close, so only word tags are sought there: each "#(" would otherwise scan to the end."""
    cut = raw.rfind(")") + 1
    head, tail = raw[:cut], raw[cut:]
    tags = [a or b for a, b in TAG.findall(head)] + WORD_TAG.findall(tail)
    return tags, TAG.sub("", head) + WORD_TAG.sub("", tail)


class _Text:
    """A statement's text as its parts (a first line, then continued lines), joined when read:
    joining at every continued line would copy the text each time (quadratic)."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = -1  # of the joined text, less one when empty

    def add(self, part: str) -> None:
        self.parts.append(part)
        self.length += len(part) + 1

    def __bool__(self) -> bool:
        return bool(self.parts)

    def __str__(self) -> str:
        return " ".join(self.parts)

    def same(self, text: str) -> bool:
        return self.length == len(text) and str(self) == text


class _Reader:
    def __init__(self, text: str, name: str, budget: Budget):
        self.name, self.text, self.budget = name, text, budget
        # title -> {kind, text, argument, line, tags (a dict, as an ordered set), citation}
        self.nodes: dict[str, dict] = {}
        # kind, source (a title, or the titles of a linked step's premises), target, line
        self.relations: list[tuple[str, str | tuple[str, ...], str, int]] = []
        self.undercuts: list[tuple[str, str, str | None, int]] = []  # cutter, arg, concl
        # argument -> (premises, conclusion, line) of its premise-conclusion structure
        self.structures: dict[str, tuple[tuple[str, ...], str, int]] = {}
        self.warnings: list[str] = []
        self.title: str | None = None
        self.heading: str | None = None  # the heading the current lines stand under

    def warn(self, line: int, message: str):
        self.warnings.append(f"{self.name}:{line}: {message}")

    def fail(self, line: int, message: str):
        raise MapFileError(self.name, message, line=line)

    def element(self, raw: str, line: int) -> str:
        """Define or refer to a statement or argument; returns its title."""
        citation = None
        if "{" in raw and raw.rstrip().endswith("}"):  # escaped braces are hidden by now
            start = raw.index("{")
            citation = self.data(_restore(raw[start:]), line)
            raw = raw[:start]
        tags, raw = _tags(raw)
        raw = raw.strip()
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
            node = self.nodes[title] = {"kind": None, "text": _Text(), "argument": argument,
                                        "line": line, "tags": {}, "citation": None}
            within_limits(self.name, nodes=len(self.nodes), line=line)
        if citation:
            node["citation"] = citation
        if text:
            if node["text"] and not node["text"].same(text):
                self.warn(line, f"[{title}] has a second text; the first one is kept")
            elif not node["text"]:
                node["text"].add(text)
        if self.heading:
            node["tags"].setdefault(self.heading)
        for tag in tags:
            if tag in KIND_TAGS:
                node["kind"] = tag
            else:
                node["tags"].setdefault(tag)
        return title

    def data(self, text: str, line: int) -> dict | None:
        """An element's {data}: argmap reads its citation, and warns about the rest."""
        try:
            given = load_yaml(text, self.budget)
        except yaml.YAMLError:
            given = None
        if isinstance(given, dict) and isinstance(given.get("citation"), dict):
            if set(given) != {"citation"}:
                self.warn(line, "data in {braces} other than the citation is not imported")
            return given["citation"]
        self.warn(line, "data in {braces} is not imported")
        return None

    def parse(self) -> None:
        # Only \n and \r end a line: splitlines() would also break at U+2028 and kin, which
        # the writer leaves in texts as they are.
        lines = LINE_BREAK.split(self.text.removesuffix("\n"))
        start = 0
        if lines and lines[0].strip() == "===":
            end = next((i for i in range(1, len(lines)) if lines[i].strip() == "==="), None)
            if end is None:
                self.fail(1, "the front matter (===) is never closed")
            try:
                front = load_yaml("\n".join(lines[1:end]), self.budget) or {}
            except yaml.YAMLError as exc:  # one line: the problem, not PyYAML's snippet
                problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
                self.fail(2, f"the front matter is not valid YAML: {problem}")
            if isinstance(front, dict) and isinstance(front.get("title"), str):
                self.title = front["title"]
            start = end + 1
        stack: list[tuple[int, str, str | None, str | None]] = []  # indent, title, rel, parent
        pcs: list[str] = []  # premises of the premise-conclusion structure being read
        pcs_argument: str | None = None
        last_argument: str | None = None
        in_comment = False
        for number in range(start, len(lines)):
            self.budget()
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
            if _inference(body):
                continue  # an inference line inside a premise-conclusion structure
            pcs_line = PCS_LINE.match(body)
            if pcs_line:
                title = self.element(pcs_line.group(2), line_no)
                previous = lines[number - 1].strip() if number else ""
                if _inference(previous):
                    # The conclusion: the premises support it together (a linked step).
                    arg = pcs_argument or last_argument
                    if arg and arg != title:
                        self.structures[arg] = (tuple(pcs), title, line_no)
                    elif pcs:
                        self.relations.append(("support", tuple(pcs), title, line_no))
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
                within_limits(self.name, steps=len(self.relations) + len(self.undercuts),
                              line=line_no)
                stack.append((indent, title, kind if not outgoing else None, parent))
                continue
            if indent and stack and not ELEMENT.match(_tags(body)[1].strip()):
                self.nodes[stack[-1][1]]["text"].add(body)  # a continued text
                continue
            title = self.element(body, line_no)
            if self.nodes[title]["argument"]:
                last_argument, pcs_argument, pcs = title, title, []
            stack[:] = [(indent, title, None, None)]

    def linked_steps(self) -> dict[str, tuple[str, tuple[str, ...], str]]:
        """Each argument's premise-conclusion structure as one linked step.

        An argument with no text of its own is only the container of its structure (this is
        how argmap writes a linked step): it is not a node, and what it attacks (`->`) the
        premises attack together. An argument with a text stays a node that supports the
        conclusion too, as Argdown draws it.
        """
        steps = {}
        attacks: dict[str | tuple[str, ...], str] = {}  # source -> what it attacks first
        for kind, source, target, _line in self.relations:
            if kind == "attack":
                attacks.setdefault(source, target)
        for arg, (premises, conclusion, line) in self.structures.items():
            self.budget()
            if not premises:
                continue
            container = not self.nodes[arg]["text"]
            if container and arg in attacks:
                steps[arg] = ("attack", premises, attacks[arg])
                self.dropped.add(conclusion)
            else:
                steps[arg] = ("support", premises, conclusion)
                if not container:
                    self.relations.append(("support", arg, conclusion, line))
            if container:
                self.dropped.add(arg)
        return steps

    def result(self) -> Imported:
        self.parse()
        self.dropped: set[str] = set()
        linked = self.linked_steps()
        used = {t for _k, s, t, _l in self.relations} | {
            s for _k, s, _t, _l in self.relations if isinstance(s, str)}
        self.dropped = {t for t in self.dropped if t in linked or t not in used}
        self.relations = [r for r in self.relations if r[1] not in self.dropped]
        self.relations += [(k, p, t, 0) for k, p, t in linked.values()]
        keys, used = {}, set()
        tried: dict[str, int] = {}  # base -> the next number to try: those below are taken
        for title in self.nodes:
            self.budget()
            base = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "node"
            key, n = base, tried.get(base, 2)
            while key in used:
                key, n = f"{base}-{n}", n + 1
            keys[title], tried[base] = key, n
            used.add(key)
        attacked = {s for k, s, _t, _l in self.relations if k == "attack"}
        supporting = {s for k, s, _t, _l in self.relations if k == "support"}
        targets = {t for _k, _s, t, _l in self.relations}
        has_thesis = any(n["kind"] == "thesis" for n in self.nodes.values())
        cites, sources = citations({keys[t]: n["citation"] for t, n in self.nodes.items()
                                    if n["citation"]})
        nodes = []
        for title, node in self.nodes.items():
            self.budget()
            if title in self.dropped:
                continue
            text = str(node["text"])
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
                                  text=_reveal(text or title),
                                  title=_reveal(title)[:120] if title != text else None,
                                  origin=origin_of(node["tags"]),
                                  tags=tuple(_reveal(t) for t in node["tags"]
                                             if t not in ORIGIN_TAGS.values()),
                                  cites=cites.get(keys[title])))
        relations, seen = [], set()
        for kind, source, target, _line in self.relations:
            self.budget()
            premises = tuple(keys[s] for s in ((source,) if isinstance(source, str) else source))
            pair = (kind, premises, keys[target])
            if pair in seen:  # Argdown merges a relation declared twice; other clashes are
                continue  # for the rules to refuse
            seen.add(pair)
            relations.append(RelationData(kind=kind, premises=premises, target=pair[2]))
        # The supports by premises, and by premises and conclusion (one each: merged above).
        by_premises: dict[tuple[str, ...], list[RelationData]] = {}
        for r in relations:
            if r.kind == "support":
                by_premises.setdefault(r.premises, []).append(r)
        by_step = {(r.premises, r.target): r for r in relations if r.kind == "support"}
        for cutter, argument, context, line in self.undercuts:
            self.budget()
            if argument in linked:
                _kind, premises, target = linked[argument]
                found = by_step.get((tuple(keys[p] for p in premises), keys[target]))
                options = [found] if found else []
                if context:
                    options = [r for r in options if r.target == keys[context]] or options
            else:
                options = by_premises.get((keys[argument],), [])
                found = by_step.get(((keys[argument],), keys[context])) if context else None
                options = [found] if found else options
            if len(options) != 1:
                self.warn(line, f"<{argument}> is undercut, but it supports "
                                f"{len(options)} statements here, so the undercut is "
                                "skipped" if options else
                          f"<{argument}> is undercut but supports nothing; skipped")
                continue
            relations.append(RelationData(kind="undercut", premises=(keys[cutter],),
                                          target=options[0].ref))
        lines_of = {keys[t]: n["line"] for t, n in self.nodes.items()}
        data = MapData(slug=re.sub(r"[^a-z0-9]+", "-", (self.title or "argdown map").lower())
                       .strip("-")[:60] or "argdown-map",
                       title=self.title or "Imported Argdown map", nodes=tuple(nodes),
                       relations=tuple(relations), sources=tuple(sources))
        check_map(data, self.name, self.budget, lambda key: lines_of.get(key))
        return Imported(data, warnings=self.warnings)


def read_argdown(text: str, name: str, budget: Budget) -> Imported:
    return _Reader(text, name, budget).result()
