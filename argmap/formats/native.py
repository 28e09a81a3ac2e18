"""argmap's own JSON: everything a map holds, versioned (docs/interchange.md)."""

import datetime as dt
import json
from collections.abc import Set
from typing import Literal, NoReturn, overload

from argmap.errors import MapFileError
from argmap.formats.base import Budget, Imported, check_map, load_json, within_limits
from argmap.mapdata import DocumentMeta, MapData, NodeData, RelationData, SourceData
from argmap.models import NUL_MESSAGE

FORMAT, VERSION = "argmap", 2  # version 1 (one premise a step) is still read


def write_json(data: MapData, source_text: str | None = None) -> str:
    doc = data.document
    payload = {
        "format": FORMAT, "version": VERSION,
        "map": {"slug": data.slug, "title": data.title, "description": data.description,
                "document": {"title": doc.title, "author": doc.author, "outlet": doc.outlet,
                             "date": doc.date.isoformat() if doc.date else None,
                             "url": doc.url},
                "source_text": source_text},
        "sources": [{"id": s.key, "document": s.document, "locator": s.locator,
                     "quote": s.quote, "url": s.url, "note": s.note} for s in data.sources],
        "nodes": [{"id": n.key, "kind": n.kind, "title": n.title, "text": n.text,
                   "author": n.author, "origin": n.origin, "cites": n.cites,
                   "passage": ({"paragraph": n.passage_paragraph, "quote": n.passage_quote}
                               if n.passage_quote else None),
                   "tags": list(n.tags)} for n in data.nodes],
        "relations": [{"kind": r.kind, "premises": list(r.premises),
                       ("inference" if r.is_undercut else "to"): r.target}
                      for r in data.relations],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


class _Reader:
    def __init__(self, name: str):
        self.name = name
        self.paths: dict[str, str] = {}

    def fail(self, path: str, message: str) -> NoReturn:
        raise MapFileError(self.name, f"{path}: {message}")

    def obj(self, value, path: str, fields: Set[str], required: Set[str] = frozenset()):
        if not isinstance(value, dict):
            self.fail(path, "expected an object")
        unknown = set(value) - fields
        if unknown:
            self.fail(path, f"unknown field {sorted(unknown)[0]!r}")
        for name in required:
            if value.get(name) in (None, ""):
                self.fail(f"{path}.{name}", "is missing")
        return value

    @overload
    def text(self, value, path: str, optional: Literal[False]) -> str: ...
    @overload
    def text(self, value, path: str, optional: bool = True) -> str | None: ...
    def text(self, value, path: str, optional: bool = True) -> str | None:
        if value is None and optional:
            return None
        if not isinstance(value, str):
            self.fail(path, "expected text")
        if "\x00" in value:
            self.fail(path, NUL_MESSAGE)
        return value

    def list(self, value, path: str):
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(path, "expected a list")
        return value


def read_json(text: str, name: str, budget: Budget) -> Imported:
    raw = load_json(text, name)
    r = _Reader(name)
    r.obj(raw, "$", {"format", "version", "map", "sources", "nodes", "relations"},
          {"format", "version", "map", "nodes"})
    if raw["format"] != FORMAT:
        r.fail("$.format", f"expected {FORMAT!r}")
    if raw["version"] not in (1, VERSION):
        r.fail("$.version", f"this argmap reads versions 1 and {VERSION}, not "
                            f"{raw['version']!r}")
    premises_field = "premises" if raw["version"] == VERSION else "from"
    top = r.obj(raw["map"], "$.map", {"slug", "title", "description", "document",
                                      "source_text"}, {"title"})
    doc = r.obj(top.get("document") or {}, "$.map.document",
                {"title", "author", "outlet", "date", "url"})
    try:
        date = dt.date.fromisoformat(doc["date"]) if doc.get("date") else None
    except (TypeError, ValueError):
        r.fail("$.map.document.date", "expected a date like 2025-04-22")
    within_limits(name, nodes=len(r.list(raw["nodes"], "$.nodes")),
                  steps=len(r.list(raw.get("relations"), "$.relations")),
                  sources=len(r.list(raw.get("sources"), "$.sources")))
    sources = []
    for i, s in enumerate(r.list(raw.get("sources"), "$.sources")):
        budget()
        path = f"$.sources[{i}]"
        r.obj(s, path, {"id", "document", "locator", "quote", "url", "note"}, {"id"})
        source_key = r.text(s["id"], f"{path}.id", False)
        r.paths[source_key] = path
        sources.append(SourceData(key=source_key,
                                  document=r.text(s.get("document"), f"{path}.document") or "",
                                  locator=r.text(s.get("locator"), f"{path}.locator") or "",
                                  quote=r.text(s.get("quote"), f"{path}.quote"),
                                  url=r.text(s.get("url"), f"{path}.url"),
                                  note=r.text(s.get("note"), f"{path}.note")))
    nodes = []
    for i, n in enumerate(r.list(raw["nodes"], "$.nodes")):
        budget()
        path = f"$.nodes[{i}]"
        r.obj(n, path, {"id", "kind", "title", "text", "author", "origin", "cites", "passage",
                        "tags"}, {"id", "kind", "text"})
        tags = r.list(n.get("tags"), f"{path}.tags")
        if not all(isinstance(t, str) for t in tags):
            r.fail(f"{path}.tags", "expected a list of texts")
        key = r.text(n["id"], f"{path}.id", False)
        if key in r.paths and r.paths[key].startswith("$.nodes"):
            r.fail(f"{path}.id", f"the id {key!r} is used twice (first at {r.paths[key]})")
        r.paths[key] = path
        passage = r.obj(n.get("passage") or {}, f"{path}.passage", {"paragraph", "quote"})
        paragraph = passage.get("paragraph")
        if paragraph is not None and not isinstance(paragraph, int):
            r.fail(f"{path}.passage.paragraph", "expected a number")
        nodes.append(NodeData(key=key, kind=r.text(n["kind"], f"{path}.kind", False),
                              text=r.text(n["text"], f"{path}.text", False),
                              title=r.text(n.get("title"), f"{path}.title"),
                              author=r.text(n.get("author"), f"{path}.author"),
                              origin=r.text(n.get("origin"), f"{path}.origin") or "document",
                              cites=r.text(n.get("cites"), f"{path}.cites"),
                              passage_paragraph=paragraph,
                              passage_quote=r.text(passage.get("quote"),
                                                   f"{path}.passage.quote"),
                              tags=tuple(tags)))
    relations = []
    step_paths: dict[RelationData, str] = {}
    for i, rel in enumerate(r.list(raw.get("relations"), "$.relations")):
        budget()
        path = f"$.relations[{i}]"
        r.obj(rel, path, {"kind", premises_field, "to", "inference"}, {"kind", premises_field})
        kind = rel["kind"]
        if kind not in ("support", "attack", "undercut"):
            r.fail(f"{path}.kind", f"unknown relation kind {kind!r}")
        target = rel.get("inference") if kind == "undercut" else rel.get("to")
        if not isinstance(target, str) or not target:
            r.fail(path, "an undercut needs 'inference': \"a -> b\"" if kind == "undercut"
                   else "a support or attack needs 'to'")
        given = rel[premises_field]
        if premises_field == "from":  # version 1: one premise, as text
            given = [given]
        premises = tuple(r.text(p, f"{path}.{premises_field}[{j}]", False)
                         for j, p in enumerate(r.list(given, f"{path}.{premises_field}")))
        step = RelationData(kind=kind, premises=premises, target=target)
        relations.append(step)
        step_paths.setdefault(step, path)
    relations.sort(key=lambda rel: rel.is_undercut)
    data = MapData(slug=r.text(top.get("slug"), "$.map.slug") or "imported-map",
                   title=r.text(top["title"], "$.map.title", False),
                   description=r.text(top.get("description"), "$.map.description") or "",
                   document=DocumentMeta(title=r.text(doc.get("title"), "$.map.document.title"),
                                         author=r.text(doc.get("author"), "$.map.document.author"),
                                         outlet=r.text(doc.get("outlet"), "$.map.document.outlet"),
                                         date=date,
                                         url=r.text(doc.get("url"), "$.map.document.url")),
                   sources=tuple(sources), nodes=tuple(nodes), relations=tuple(relations))
    check_map(data, name, budget, lambda key: r.paths.get(key), step_paths.get)
    source_text = r.text(top.get("source_text"), "$.map.source_text")
    return Imported(data, source_text)
