"""Moving maps between tools: argmap JSON, Argdown, AIF (AIFdb and OVA3) and Kialo text.

`read` turns a file's bytes into a MapData (plus the source text and any warnings), naming
the file and line (or JSON path) of every problem, within the limits and the time budget of an
import (formats/base.py); `write` turns a map into text.
"""

import json

from argmap.errors import MapFileError
from argmap.formats.aif import read_aif, write_aif, write_ova
from argmap.formats.argdown import write_argdown
from argmap.formats.argdown_reader import read_argdown
from argmap.formats.base import MAX_IMPORT_BYTES, Budget, Imported, decode
from argmap.formats.kialo import read_kialo
from argmap.formats.native import read_json, write_json
from argmap.mapdata import MapData

READERS = {"json": read_json, "argdown": read_argdown, "aif": read_aif, "kialo": read_kialo}
WRITERS = {"json": write_json, "argdown": write_argdown, "aif": write_aif, "aif-ova": write_ova}
# Export address suffixes and media types, by format.
SUFFIXES = {"json": "json", "argdown": "argdown", "aif": "aif.json", "aif-ova": "ova.json"}
MEDIA = {"json": "application/json", "argdown": "text/plain; charset=utf-8",
         "aif": "application/json", "aif-ova": "application/json"}

__all__ = ["MAX_IMPORT_BYTES", "READERS", "WRITERS", "Budget", "Imported", "detect", "read",
           "write"]


def detect(text: str, name: str = "") -> str:
    """The format of a file, from its name and then its content."""
    lowered = name.lower()
    for suffix, fmt in ((".argdown", "argdown"), (".ad", "argdown"), (".aif", "aif")):
        if lowered.endswith(suffix):
            return fmt
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            raw = json.loads(stripped)
        except (json.JSONDecodeError, RecursionError):
            if stripped.startswith("[") and "]:" in stripped.split("\n", 1)[0]:
                return "argdown"  # an Argdown statement, [Title]: text
            return "json"  # let the JSON reader report where it breaks
        if isinstance(raw, dict) and raw.get("format") == "argmap":
            return "json"
        if isinstance(raw, dict) and ("AIF" in raw or "nodes" in raw and "edges" in raw):
            return "aif"
        return "json"
    first = next((line.strip() for line in stripped.splitlines() if line.strip()), "")
    if first.lower().startswith("discussion title:") or first[:2].rstrip(".").isdigit() \
            and first.split(" ", 1)[0].rstrip(".").replace(".", "").isdigit():
        return "kialo"
    return "argdown"


def read(raw: bytes, name: str, fmt: str | None = None,
         budget: Budget | None = None) -> tuple[str, Imported]:
    """The file's format and contents; without a `budget`, the default one (IMPORT_SECONDS)."""
    budget = budget or Budget(name)
    text = decode(raw, name)
    fmt = fmt or detect(text, name)
    if fmt not in READERS:
        raise MapFileError(name, f"unknown format {fmt!r} (expected one of "
                                 f"{', '.join(READERS)})")
    return fmt, READERS[fmt](text, name, budget)


def write(data: MapData, fmt: str, source_text: str | None = None) -> str:
    if fmt in ("json", "aif-ova"):
        return WRITERS[fmt](data, source_text)
    return WRITERS[fmt](data)
