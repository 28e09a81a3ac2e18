"""Read map files (docs/map-format.md) into MapData, naming the line of every error."""

from datetime import date
from pathlib import Path
from typing import Any

import yaml

from argmap.errors import InvalidInput, MapFileError
from argmap.mapdata import DocumentMeta, MapData, NodeData, RelationData, SourceData
from argmap.models import MapCreate, NodeCreate, NodeKind, SourceCreate, validate

FORMAT = "argmap-map/1"
TOP_FIELDS = {"format", "slug", "title", "description", "author", "document", "sources", "nodes"}
DOCUMENT_FIELDS = {"title", "author", "outlet", "date", "url"}
SOURCE_FIELDS = {"document", "locator", "quote", "url"}
NODE_FIELDS = {"key", "kind", "title", "text", "author", "origin", "cites", "passage",
               "supports", "attacks", "undercuts", "tags"}
PASSAGE_FIELDS = {"paragraph", "quote"}


class _Mapping(dict):
    """A YAML mapping that remembers the line it starts on and the line of each key."""

    line: int = 0
    key_lines: dict


class _Loader(yaml.SafeLoader):
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
        if top.get("format") != FORMAT:
            self.fail(f"'format' must be '{FORMAT}', not {top.get('format')!r}",
                      top.key_lines.get("format", top.line))
        self.check_fields(top, TOP_FIELDS, "the map")
        meta = self.model(MapCreate, top, "the map", {
            "slug": top.get("slug"), "title": top.get("title"),
            "description": top.get("description") or ""})
        default_author = self.optional_str(top, "author", "the map")
        document = self.document(top.get("document"), top)
        sources = self.sources(top.get("sources") or _Mapping(), top)
        nodes, relations = self.nodes(top.get("nodes"), top, default_author, sources)
        return MapData(slug=meta.slug, title=meta.title, description=meta.description.strip(),
                       document=document, sources=tuple(sources.values()), nodes=tuple(nodes),
                       relations=tuple(relations))

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
        meta = self.model(MapCreate, raw, "document", {
            "slug": "x", "title": "x", "doc_title": raw.get("title"),
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
                                          url=src.url)
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
            if kind == NodeKind.EVIDENCE and cites is None:
                self.fail(f"{where}: evidence must cite a source ('cites: source-key')",
                          entry.line)
            nodes[node.key] = NodeData(
                key=node.key, kind=node.kind.value, text=node.text, title=node.title,
                author=node.author, origin=node.origin.value, cites=cites,
                passage_paragraph=node.passage_paragraph, passage_quote=node.passage_quote,
                tags=self.tags(entry, where))
            lines[node.key] = entry.line
            for field, rel_kind in (("supports", "support"), ("attacks", "attack"),
                                    ("undercuts", "undercut")):
                if field in entry:
                    pending.append((rel_kind, node.key, entry[field],
                                    entry.key_lines.get(field, entry.line)))
        return list(nodes.values()), self.relations(pending, nodes)

    def relations(self, pending, nodes: dict[str, NodeData]) -> list[RelationData]:
        relations: list[RelationData] = []
        seen: dict[tuple[str, str], int] = {}
        for kind, source, targets, line in pending:
            for target in targets if isinstance(targets, list) else [targets]:
                if not isinstance(target, str):
                    self.fail(f"node '{source}': {kind} target must be a key, not {target!r}",
                              line)
                target = target.strip()
                if kind == "undercut":
                    target = self.undercut_target(source, target, pending, line)
                elif target not in nodes:
                    self.fail(f"node '{source}': {kind}s unknown node {target!r}", line)
                elif target == source:
                    self.fail(f"node '{source}': a node cannot {kind} itself", line)
                if (source, target) in seen:
                    self.fail(f"node '{source}': duplicate relation to {target!r} "
                              f"(already given on line {seen[source, target]})", line)
                seen[source, target] = line
                relations.append(RelationData(kind=kind, source=source, target=target))
        return relations

    def undercut_target(self, source: str, ref: str, pending, line: int) -> str:
        parts = [p.strip() for p in ref.split("->")]
        if len(parts) != 2 or not all(parts):
            self.fail(f"node '{source}': undercuts must name a support relation as "
                      f"'from-key -> to-key', not {ref!r}", line)
        frm, to = parts
        supports = {(s, t.strip()) for kind, s, targets, _ in pending if kind == "support"
                    for t in (targets if isinstance(targets, list) else [targets])
                    if isinstance(t, str)}
        if (frm, to) not in supports:
            self.fail(f"node '{source}': undercuts '{frm} -> {to}', but there is no such "
                      "support relation", line)
        if source in (frm, to):
            self.fail(f"node '{source}': a node cannot undercut its own inference", line)
        return f"{frm} -> {to}"

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
            shown = _SHOWN.get(exc.field, exc.field or "?")
            message = str(exc).split(": ", 1)[-1]
            self.fail(f"{where}: field '{shown}': {message}",
                      mapping.key_lines.get(shown.split(".")[0], mapping.line))


# Create-model field names as they are spelled in a map file.
_SHOWN = {"doc_title": "title", "doc_author": "author", "doc_outlet": "outlet",
          "doc_url": "url", "passage_paragraph": "passage.paragraph",
          "passage_quote": "passage.quote"}
