"""Import a file in any interchange format as a new map, in the caller's one transaction,
within the limits and the time budget of an import (formats/base.py)."""

import re
from dataclasses import replace

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from argmap.domain.maps import attach_text, import_map, slug_taken, unique_slug
from argmap.errors import InvalidInput, MapFileError
from argmap.formats import Budget, read
from argmap.models import SLUG_PATTERN, Map


def import_file(session: Session, *, raw: bytes, name: str, fmt: str | None = None,
                slug: str | None = None, rename: bool = False,
                budget: Budget | None = None) -> tuple[Map, str, list[str]]:
    """The new map, the format read, and the warnings about what was not imported.

    With `rename`, a slug that is taken gets a number; otherwise it is an error. Reading,
    checking and storing share the `budget` (by default, Budget(name)); past it the import
    fails, and the caller's transaction stores nothing.
    """
    budget = budget or Budget(name)
    fmt, imported = read(raw, name, fmt, budget)
    data = imported.data
    wanted = slug or data.slug
    if not re.match(SLUG_PATTERN, wanted):
        raise InvalidInput(f"the slug {wanted!r} may contain only lowercase letters, digits "
                           "and single hyphens", field="slug")
    if rename:
        wanted = unique_slug(session, wanted)
    elif session.exec(select(Map.id).where(Map.slug == wanted)).first() is not None:
        raise _taken(wanted)
    try:
        new_map = import_map(session, data=replace(data, slug=wanted), tick=budget)
    except IntegrityError as exc:  # taken meanwhile: with `rename`, the caller tries again
        if rename or not slug_taken(exc):
            raise
        raise _taken(wanted) from exc
    if imported.source_text:
        try:
            attach_text(session, found=new_map, text=imported.source_text, tick=budget)
        except InvalidInput as exc:
            raise MapFileError(name, f"the source text does not fit the passages: {exc}") \
                from exc
    budget()  # storing is checked too: the last flush may have run past the budget
    return new_map, fmt, imported.warnings


def _taken(slug: str) -> InvalidInput:
    return InvalidInput(f"a map with the slug '{slug}' already exists; choose another with "
                        "--slug", field="slug")
