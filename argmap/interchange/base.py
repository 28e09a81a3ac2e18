"""What every importer shares: reading the bytes safely, the import result, and the checks a
map must pass whatever format it came in (with the location of each problem)."""

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from argmap.errors import InvalidInput, MapFileError
from argmap.mapdata import MapData
from argmap.models import NodeCreate, NodeKind, SourceCreate, validate

MAX_IMPORT_BYTES = 2 * 1024 * 1024  # 2 MiB: far above any real map (the seed is ~60 KB)
MAX_DEPTH = 200  # nesting levels an Argdown or JSON file may use


@dataclass
class Imported:
    data: MapData
    source_text: str | None = None
    warnings: list[str] = field(default_factory=list)


def decode(raw: bytes, name: str) -> str:
    """The file's text, or one line saying why it cannot be a map file."""
    if len(raw) > MAX_IMPORT_BYTES:
        raise MapFileError(name, f"the file is {len(raw):,} bytes; imports are limited to "
                                 f"{MAX_IMPORT_BYTES:,} bytes (2 MiB)")
    if b"\x00" in raw[:65536]:
        raise MapFileError(name, "this is a binary file, not a map (JSON, Argdown, AIF or "
                                 "Kialo text)")
    if b"\x00" in raw:
        raise MapFileError(name, "contains a NUL byte, which a map cannot hold",
                           line=raw[:raw.index(b"\x00")].count(b"\n") + 1)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise MapFileError(name, f"not UTF-8 text (byte {exc.start}); save the file as "
                                 "UTF-8 and try again", line=line) from None
    if not text.strip():
        raise MapFileError(name, "the file is empty")
    return text


def load_json(text: str, name: str):
    """Parsed JSON, or one line naming the file and line where it breaks."""
    try:
        return json.loads(text)
    except RecursionError:
        raise MapFileError(name, f"nested more than {MAX_DEPTH} levels deep") from None
    except json.JSONDecodeError as exc:
        raise MapFileError(name, f"not valid JSON: {exc.msg} (column {exc.colno})",
                           line=exc.lineno) from None


def check_map(data: MapData, name: str, where: Callable[[str], str | int | None]) -> None:
    """The rules of the model, named at `where(key)`: a line number or a JSON path."""
    def fail(message: str, key: str | None = None):
        spot = where(key) if key is not None else None
        if isinstance(spot, int):
            raise MapFileError(name, message, line=spot)
        raise MapFileError(name, f"{spot}: {message}" if spot else message)

    if not data.nodes:
        fail("the map has no statements")
    seen: set[str] = set()
    for node in data.nodes:
        if node.key in seen:
            fail(f"the id {node.key!r} is used twice", node.key)
        seen.add(node.key)
        if node.kind not in set(NodeKind):
            fail(f"unknown kind {node.kind!r}", node.key)
        try:
            validate(NodeCreate, {"key": node.key, "kind": node.kind, "text": node.text,
                                  "title": node.title, "author": node.author,
                                  "origin": node.origin,
                                  "passage_paragraph": node.passage_paragraph,
                                  "passage_quote": node.passage_quote,
                                  "tags": ",".join(node.tags) or None})
        except InvalidInput as exc:
            fail(f"{node.key!r}: {exc}", node.key)
    sources = set()
    for src in data.sources:
        if src.key in sources:
            fail(f"the source id {src.key!r} is used twice", src.key)
        sources.add(src.key)
        try:
            validate(SourceCreate, {"key": src.key, "document": src.document,
                                    "locator": src.locator, "quote": src.quote, "url": src.url})
        except InvalidInput as exc:
            fail(f"source {src.key!r}: {exc}", src.key)
    for node in data.nodes:
        if node.cites and node.cites not in sources:
            fail(f"{node.key!r} cites an unknown source {node.cites!r}", node.key)
    pairs: dict[tuple[str, str], str] = {}
    kinds = {}
    for rel in data.relations:
        if rel.source not in seen:
            fail(f"a relation starts at an unknown statement {rel.source!r}", rel.source)
        if rel.is_undercut:
            if kinds.get(rel.target) != "support":
                fail(f"{rel.source!r} undercuts {rel.target!r}, which is not a support "
                     "relation of this map", rel.source)
        elif rel.target not in seen:
            fail(f"{rel.source!r} points at an unknown statement {rel.target!r}", rel.source)
        elif rel.source == rel.target:
            fail(f"{rel.source!r} supports or attacks itself", rel.source)
        key = (rel.source, rel.target)
        if key in pairs:
            fail(f"{rel.source!r} is linked to {rel.target!r} twice", rel.source)
        pairs[key] = rel.kind
        kinds[rel.ref] = rel.kind
