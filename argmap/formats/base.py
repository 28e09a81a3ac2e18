"""What every importer shares: reading the bytes safely, the import result, and the checks a
map must pass whatever format it came in (with the location of each problem)."""

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import yaml

from argmap.domain import rules
from argmap.errors import MapFileError
from argmap.mapdata import MapData, RelationData, SourceData
from argmap.models import NUL_MESSAGE

MAX_IMPORT_BYTES = 2 * 1024 * 1024  # 2 MiB: far above any real map (the seed is ~60 KB)
# Far above any real map too (the seed has ~60 nodes; 600 is the most argmap draws at once),
# and small enough that checking and storing them stays within the time budget.
MAX_IMPORT_NODES = 10_000
MAX_IMPORT_STEPS = 20_000  # supports, attacks and undercuts, once per premise
IMPORT_SECONDS = 10.0  # the default time budget (the app's IMPORT_TIMEOUT)
MAX_DEPTH = 200  # nesting levels an Argdown or JSON file may use


class Budget:
    """The wall-clock time one import may take. Readers and checks call it at every line,
    node and step (a clock read), so a file that would hold a worker longer is refused in
    one line; the caller's transaction then stores nothing. `seconds=None`: no limit."""

    def __init__(self, name: str, seconds: float | None = IMPORT_SECONDS):
        self.name, self.seconds = name, seconds
        self.deadline = None if seconds is None else time.monotonic() + seconds

    def __call__(self) -> None:
        if self.deadline is not None and time.monotonic() >= self.deadline:
            raise MapFileError(self.name, f"the import took longer than {self.seconds:g} s; "
                                          "nothing was stored (split the map into smaller "
                                          "files)")


def within_limits(name: str, *, nodes: int = 0, steps: int = 0, sources: int = 0,
                  line: int | None = None) -> None:
    """Refuse a file with more statements, steps or sources than one import may hold;
    readers call this as they count, so a huge file is refused before the costly checks."""
    for count, limit, what in ((nodes, MAX_IMPORT_NODES, "statements"),
                               (steps, MAX_IMPORT_STEPS, "relations"),
                               (sources, MAX_IMPORT_NODES, "sources")):
        if count > limit:
            raise MapFileError(name, f"the file has more than {limit:,} {what}; an import "
                                     f"holds at most {MAX_IMPORT_NODES:,} statements (and as "
                                     f"many sources) and {MAX_IMPORT_STEPS:,} relations (a "
                                     "linked step counts once per premise)", line=line)


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
    if b"\x00" in raw:
        # A text file with a stray NUL gets the rule's message; anything else is binary.
        head = raw[:65536]
        controls = sum(1 for b in head if b < 32 and b not in b"\t\n\r\f")
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            controls = len(head)
        if controls * 10 > len(head):
            raise MapFileError(name, "this is a binary file, not a map (JSON, Argdown, AIF "
                                     "or Kialo text)") from None
        raise MapFileError(name, NUL_MESSAGE, line=raw[:raw.index(b"\x00")].count(b"\n") + 1)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise MapFileError(name, f"not UTF-8 text (byte {exc.start}); save the file as "
                                 "UTF-8 and try again", line=line) from None
    if not text.strip():
        raise MapFileError(name, "the file is empty")
    return text


SURROGATE_MESSAGE = ("contains a lone surrogate (a \\uD800-\\uDFFF escape without its pair), "
                     "which is not a character and cannot be stored")
# A high surrogate escape not followed by a low one, or a low one not after a high one.
_ESCAPE = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])"
                     r"|(?<![0-9a-fA-F]{2})(?<!\\u[dD][89abAB])\\u[dD][c-fC-F][0-9a-fA-F]{2}")


class NoAliases(yaml.SafeLoader):
    """YAML without aliases and without deep nesting. An alias repeats a node wherever it is
    named, so a few lines can expand to gigabytes ("billion laughs"); a few KB of brackets
    nested thousands deep would exhaust Python's stack. No map file or front matter needs
    either."""

    depth = 0
    budget: Callable[[], None] | None = None  # set by load_yaml

    def compose_node(self, parent, index):  # pyright: ignore[reportIncompatibleMethodOverride]
        if self.budget is not None:
            self.budget()
        if self.check_event(yaml.AliasEvent):
            raise yaml.MarkedYAMLError(problem="aliases (*name) are not allowed",
                                       problem_mark=self.peek_event().start_mark)
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise yaml.MarkedYAMLError(problem=f"nested more than {MAX_DEPTH} levels deep",
                                           problem_mark=self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def load_yaml(text: str, budget: Callable[[], None]):
    """yaml.load with NoAliases, checking the budget at every node."""
    loader = NoAliases(text)
    loader.budget = budget
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def load_json(text: str, name: str):
    """Parsed JSON, or one line naming the file and line where it breaks."""
    try:
        parsed = json.loads(text)
        # JSON may spell half a character (\ud800); no database or drawing can carry one.
        json.dumps(parsed, ensure_ascii=False).encode("utf-8")
    except RecursionError:
        raise MapFileError(name, f"nested more than {MAX_DEPTH} levels deep") from None
    except json.JSONDecodeError as exc:
        raise MapFileError(name, f"not valid JSON: {exc.msg} (column {exc.colno})",
                           line=exc.lineno) from None
    except UnicodeEncodeError:
        found = _ESCAPE.search(text)
        raise MapFileError(name, SURROGATE_MESSAGE,
                           line=text.count("\n", 0, found.start()) + 1 if found else None
                           ) from None
    except ValueError as exc:  # e.g. an integer of more digits than Python converts
        raise MapFileError(name, f"not readable JSON: {exc}") from None
    return parsed


def check_map(data: MapData, name: str, budget: Budget,
              where: Callable[[str], str | int | None],
              step_where: Callable[[RelationData], str | int | None] | None = None) -> None:
    """The limits, then the rules of the model (argmap/domain/rules.py), each problem named at
    `where(key)` (a line number or a JSON path), or for a step at `step_where(step)` when the
    reader knows it."""
    within_limits(name, nodes=len(data.nodes), sources=len(data.sources),
                  steps=sum(len(step.premises) for step in data.relations))
    try:
        rules.check_map(data, budget)
    except rules.RuleBroken as exc:
        spot = step_where(exc.step) if exc.step is not None and step_where else None
        if spot is None:
            key = exc.step.premises[0] if exc.step is not None and exc.step.premises else exc.key
            spot = where(key) if key is not None else None
        if isinstance(spot, int):
            raise MapFileError(name, str(exc), line=spot) from None
        raise MapFileError(name, f"{spot}: {exc}" if spot else str(exc)) from None


# How formats that only have tags (Argdown) carry a node's origin other than the document.
ORIGIN_TAGS = {"editor": "editor addition", "reconstruction": "reconstruction"}


def origin_of(tags: tuple[str, ...] | list[str]) -> str:
    """The origin that a node's tags carry (the first one found), else "document"."""
    return next((o for o, tag in ORIGIN_TAGS.items() if tag in tags), "document")


def citation_of(src: SourceData) -> dict:
    return {"document": src.document, "locator": src.locator, "quote": src.quote,
            "url": src.url, "note": src.note}


def citations(extras: dict[str, object]) -> tuple[dict[str, str], list[SourceData]]:
    """Citations carried in argmap's own extension of a format, as sources (one per distinct
    citation): node key -> source key, and the sources."""
    cites, sources, keys = {}, [], {}
    for key, given in extras.items():
        if not isinstance(given, dict):
            continue
        found = tuple(given.get(f) if isinstance(given.get(f), str) else None
                      for f in ("document", "locator", "quote", "url", "note"))
        if found not in keys:
            keys[found] = f"src-{len(sources) + 1}"
            document, locator, quote, url, note = found
            sources.append(SourceData(key=keys[found], document=document or "",
                                      locator=locator or "", quote=quote, url=url, note=note))
        cites[key] = keys[found]
    return cites, sources
