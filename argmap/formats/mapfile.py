"""Read map files (docs/map-format.md) into MapData, naming the line of every error."""

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from argmap.domain import rules
from argmap.errors import InvalidInput, MapFileError
from argmap.formats.base import NoAliases
from argmap.mapdata import (
    DocumentMeta,
    MapData,
    NodeData,
    RelationData,
    SourceData,
    parse_ref,
    same_step,
)
from argmap.models import MapBase, MapCreate, NodeCreate, NodeKind, SourceCreate, validate

FORMAT = "argmap-map/2"  # what argmap writes; /1 (no linked steps) is still read
FORMATS = ("argmap-map/1", FORMAT)
TOP_FIELDS = {"format", "slug", "title", "description", "author", "document", "sources", "nodes"}
DOCUMENT_FIELDS = {"title", "author", "outlet", "date", "url"}
SOURCE_FIELDS = {"document", "locator", "quote", "url", "note"}
NODE_FIELDS = {"key", "kind", "title", "text", "author", "origin", "cites", "passage",
               "supports", "attacks", "undercuts", "tags"}
PASSAGE_FIELDS = {"paragraph", "quote"}


class _Mapping(dict):
    """A YAML mapping that remembers the line it starts on and the line of each key."""

    line: int = 0
    key_lines: dict


class _Loader(NoAliases):
    def construct_mapping(self, node, deep=False):
        seen: dict = {}
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                line = key_node.start_mark.line + 1
                if key_node.value in seen:
                    # PyYAML would keep the last copy silently; a repeated key is a mistake.
                    raise yaml.MarkedYAMLError(
                        problem=f"the key {key_node.value!r} is repeated (first on line "
                                f"{seen[key_node.value]})", problem_mark=key_node.start_mark)
                seen[key_node.value] = line
        mapping = _Mapping(super().construct_mapping(node, deep=True))
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {k.value: k.start_mark.line + 1 for k, _ in node.value
                             if isinstance(k, yaml.ScalarNode)}
        return mapping


    def construct_yaml_timestamp(self, node):
        # 2025-13-45 looks like a date to YAML; report it with its line, not a ValueError.
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            raise yaml.MarkedYAMLError(problem=f"invalid date {node.value!r}: {exc}",
                                       problem_mark=node.start_mark) from exc


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
                        _Loader.construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


def load_map_file(path: str | Path) -> MapData:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise MapFileError(str(path), f"cannot read map file: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise MapFileError(str(path), f"not UTF-8 text ({exc.reason})") from exc
    return parse_map_text(text, str(path))


def parse_map_text(text: str, path: str = "<map>") -> MapData:
    return _Parser(path).parse(text)


class _Parser:
    def __init__(self, path: str):
        self.path = path
        self.version = FORMAT
        self.entries: dict[str, _Mapping] = {}  # node key -> its mapping (for lines)
        self.step_lines: dict[RelationData, int] = {}

    def fail(self, message: str, line: int | None = None):
        raise MapFileError(self.path, message, line=line)

    def parse(self, text: str) -> MapData:
        try:
            top = yaml.load(text, Loader=_Loader)  # noqa: S506  (a SafeLoader subclass)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            self.fail(f"invalid YAML: {exc.problem or exc.context}",
                      mark.line + 1 if mark else None)
        except yaml.YAMLError as exc:
            self.fail(f"invalid YAML: {exc}")
        if not isinstance(top, _Mapping):
            self.fail("a map file must be a YAML mapping (see docs/map-format.md)", 1)
        if top.get("format") not in FORMATS:
            self.fail(f"'format' must be '{FORMAT}' (or the older '{FORMATS[0]}'), not "
                      f"{top.get('format')!r}", top.key_lines.get("format", top.line))
        self.version = top["format"]
        self.check_fields(top, TOP_FIELDS, "the map")
        meta = self.model(MapCreate, top, "the map", {
            "slug": top.get("slug"), "title": top.get("title"),
            "description": top.get("description") or ""})
        default_author = self.optional_str(top, "author", "the map")
        document = self.document(top.get("document"), top)
        sources = self.sources(top.get("sources") or _Mapping(), top)
        nodes, relations = self.nodes(top.get("nodes"), top, default_author, sources)
        data = MapData(slug=meta.slug, title=meta.title, description=meta.description.strip(),
                       document=document, sources=tuple(sources.values()), nodes=tuple(nodes),
                       relations=tuple(relations))
        try:
            rules.check_map(data)
        except rules.RuleBroken as exc:
            self.fail(self.described(exc), self.line_of(exc, top))
        return data

    def described(self, exc: rules.RuleBroken) -> str:
        """The rule's own message, after the node it was written on."""
        key = exc.step.premises[0] if exc.step is not None and exc.step.premises else exc.key
        return f"node '{key}': {exc}" if key in self.entries else str(exc)

    def line_of(self, exc: rules.RuleBroken, top: _Mapping) -> int | None:
        """Where a broken rule was written: the step's line, or the node's (field's) line."""
        if exc.step is not None and exc.step in self.step_lines:
            return self.step_lines[exc.step]
        entry = self.entries.get(exc.key) if exc.key else None
        if entry is None:
            return top.key_lines.get("nodes", top.line)
        field = "cites" if exc.field == "source" else exc.field  # a node's source is 'cites'
        return entry.key_lines.get(field, entry.line)

    # --- sections --------------------------------------------------------------------------

    def document(self, raw: Any, top: _Mapping) -> DocumentMeta:
        if raw is None:
            return DocumentMeta()
        if not isinstance(raw, _Mapping):
            self.fail("'document' must be a mapping", top.key_lines.get("document"))
        self.check_fields(raw, DOCUMENT_FIELDS, "document")
        when = raw.get("date")
        if when is not None and not isinstance(when, date):
            self.fail(f"document date must be YYYY-MM-DD, not {when!r}",
                      raw.key_lines.get("date"))
        meta = self.model(MapBase, raw, "document", {
            "title": "x", "doc_title": raw.get("title"),
            "doc_author": raw.get("author"), "doc_outlet": raw.get("outlet"),
            "doc_url": raw.get("url")})
        return DocumentMeta(title=meta.doc_title, author=meta.doc_author, outlet=meta.doc_outlet,
                            date=when, url=meta.doc_url)

    def sources(self, raw: Any, top: _Mapping) -> dict[str, SourceData]:
        if not isinstance(raw, _Mapping):
            self.fail("'sources' must be a mapping of key: citation", top.key_lines.get("sources"))
        sources = {}
        for key, entry in raw.items():
            where = f"source '{key}'"
            line = raw.key_lines.get(key)
            if not isinstance(entry, _Mapping):
                self.fail(f"{where} must be a mapping with document and locator", line)
            self.check_fields(entry, SOURCE_FIELDS, where)
            entry.line = line or entry.line  # errors without a field name point at the key
            src = self.model(SourceCreate, entry, where, {"key": str(key), **entry})
            sources[src.key] = SourceData(key=src.key, document=src.document.strip(),
                                          locator=src.locator.strip(), quote=src.quote,
                                          url=src.url, note=src.note)
        return sources

    def nodes(self, raw: Any, top: _Mapping, default_author: str | None,
              sources: dict[str, SourceData]) -> tuple[list[NodeData], list[RelationData]]:
        if not isinstance(raw, list) or not raw:
            self.fail("'nodes' must be a non-empty list", top.key_lines.get("nodes", top.line))
        nodes: dict[str, NodeData] = {}
        lines: dict[str, int] = {}
        pending: list[tuple[str, str, Any, int]] = []  # (kind, from-key, target(s), line)
        for index, entry in enumerate(raw, start=1):
            if not isinstance(entry, _Mapping):
                self.fail(f"node #{index} must be a mapping", top.key_lines.get("nodes"))
            where = f"node '{entry.get('key', f'#{index}')}'"
            self.check_fields(entry, NODE_FIELDS, where)
            for required in ("key", "kind", "text"):
                if entry.get(required) in (None, ""):
                    self.fail(f"{where}: '{required}' is required", entry.line)
            kind = entry["kind"]
            if not isinstance(kind, str) or kind not in set(NodeKind):
                self.fail(f"{where}: unknown kind {kind!r} (expected one of "
                          f"{', '.join(NodeKind)})", entry.key_lines.get("kind", entry.line))
            passage = entry.get("passage") or _Mapping()
            if not isinstance(passage, _Mapping):
                self.fail(f"{where}: 'passage' must be a mapping with paragraph and quote",
                          entry.key_lines.get("passage"))
            self.check_fields(passage, PASSAGE_FIELDS, f"{where} passage")
            if passage and not passage.get("quote"):
                self.fail(f"{where}: a passage needs a 'quote', the phrase that anchors it",
                          entry.key_lines.get("passage"))
            text = str(entry["text"]).strip()
            node = self.model(NodeCreate, entry, where, {
                "key": str(entry["key"]), "kind": kind, "text": text,
                "title": entry.get("title"), "author": entry.get("author") or default_author,
                "origin": entry.get("origin", "document"),
                "passage_paragraph": passage.get("paragraph"),
                "passage_quote": passage.get("quote")})
            if node.key in nodes:
                self.fail(f"{where}: duplicate key (first used on line {lines[node.key]})",
                          entry.key_lines.get("key"))
            cites = entry.get("cites")
            if cites is not None and (not isinstance(cites, str) or cites not in sources):
                self.fail(f"{where}: cites unknown source {cites!r}", entry.key_lines.get("cites"))
            nodes[node.key] = NodeData(
                key=node.key, kind=node.kind.value, text=node.text, title=node.title,
                author=node.author, origin=node.origin.value, cites=cites,
                passage_paragraph=node.passage_paragraph, passage_quote=node.passage_quote,
                tags=self.tags(entry, where))
            lines[node.key] = entry.line
            self.entries[node.key] = entry
            for field, rel_kind in (("supports", "support"), ("attacks", "attack"),
                                    ("undercuts", "undercut")):
                if field in entry:
                    pending.append((rel_kind, node.key, entry[field],
                                    entry.key_lines.get(field, entry.line)))
        return list(nodes.values()), self.relations(pending, nodes)

    def relations(self, pending, nodes: dict[str, NodeData]) -> list[RelationData]:
        """Steps as written: `supports: key`, or `supports: {to: key, with: [co-premises]}`
        for a linked step (format /2). The rules are checked once the whole map is read."""
        relations: list[RelationData] = []
        for kind, source, targets, line in pending:
            for target in targets if isinstance(targets, list) else [targets]:
                premises = (source,)
                if isinstance(target, _Mapping):
                    target, premises = self.linked(kind, source, target, line)
                if not isinstance(target, str):
                    self.fail(f"node '{source}': {kind} target must be a key, not {target!r}",
                              line)
                target = target.strip()
                if kind == "undercut":
                    parsed = parse_ref(target)
                    if parsed is None or not all(parsed[0]) or not parsed[1]:
                        self.fail(f"node '{source}': undercuts must name a support step as "
                                  f"'from-key -> to-key' (or 'a + b -> to-key'), not {target!r}",
                                  line)
                    target = RelationData("support", parsed[0], parsed[1]).ref
                step = RelationData(kind=kind, premises=premises, target=target)
                self.step_lines.setdefault(step, line)
                relations.append(step)
        # An undercut may list a linked step's premises in any order: name the step exactly.
        steps = {same_step(r.ref): r.ref for r in relations if not r.is_undercut}
        return [replace(r, target=steps.get(same_step(r.target), r.target))
                if r.is_undercut else r for r in relations]

    def linked(self, kind: str, source: str, entry: _Mapping, line: int):
        where = f"node '{source}': a linked {kind}"
        if self.version == FORMATS[0]:
            self.fail(f"{where} needs 'format: {FORMAT}'", entry.line or line)
        self.check_fields(entry, {"to", "with"}, where)
        others = entry.get("with")
        others = [others] if isinstance(others, str) else others
        if not entry.get("to") or not isinstance(others, list) or not others \
                or not all(isinstance(o, str) for o in others):
            self.fail(f"{where} is written 'to: key' and 'with: [co-premise keys]'",
                      entry.line or line)
        return entry["to"], (source, *(o.strip() for o in others))

    # --- helpers ---------------------------------------------------------------------------

    def tags(self, entry: _Mapping, where: str) -> tuple[str, ...]:
        tags = entry.get("tags") or []
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            self.fail(f"{where}: 'tags' must be a list of words", entry.key_lines.get("tags"))
        return tuple(tags)

    def check_fields(self, mapping: _Mapping, allowed: set[str], where: str) -> None:
        for key in mapping:
            if key not in allowed:
                self.fail(f"{where}: unknown field {key!r} (allowed: "
                          f"{', '.join(sorted(allowed))})", mapping.key_lines.get(key))

    def optional_str(self, mapping: _Mapping, key: str, where: str) -> str | None:
        value = mapping.get(key)
        if value is not None and not isinstance(value, str):
            self.fail(f"{where}: '{key}' must be text", mapping.key_lines.get(key))
        return value

    def model(self, model, mapping: _Mapping, where: str, values: dict):
        try:
            return validate(model, values)
        except InvalidInput as exc:
            field = exc.field or "?"
            shown = _SHOWN.get(field, field)
            message = str(exc).split(": ", 1)[-1]
            self.fail(f"{where}: field '{shown}': {message}",
                      mapping.key_lines.get(shown.split(".")[0], mapping.line))


# Create-model field names as they are spelled in a map file.
_SHOWN = {"doc_title": "title", "doc_author": "author", "doc_outlet": "outlet",
          "doc_url": "url", "passage_paragraph": "passage.paragraph",
          "passage_quote": "passage.quote"}
