"""Every table of argmap, in one module: the map itself (Map, Source, Node, Relation (a step)
and Premise), people and access (User, LoginAttempt, Membership, Invite), the drawing budget
(DrawingSpend), and History (Change) and Rating. Base, Create, Update and Public models
(NodeCreate, NodeUpdate, MapPublic, SignUp, ...) sit beside their tables.

Integrity lives in the database, not only in Python: composite foreign keys keep a step's
premises and target (and a node's citation) inside one map, CHECK constraints reject
self-relations and half-formed undercuts, unique keys refuse a node arguing twice about one
target, and ON DELETE CASCADE removes a node's premises, the steps aimed at it and the
undercuts on those in the statement that deletes the node. The rules that span rows (a step
has at least one premise; what an undercut may target) are checked in argmap/domain/rules.py.
"""

import json
import secrets
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, ClassVar, Protocol

from pydantic import ValidationError
from pydantic_core import ErrorDetails
from sqlalchemy import CheckConstraint, ForeignKeyConstraint, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from argmap.errors import InvalidInput

TEXT_MAX = 2000
TITLE_MAX = 120
QUOTE_MAX = 200
NOTE_MAX = 500
SOURCE_TEXT_MAX = 200_000
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
URL_PATTERN = r"^https?://\S+$"  # no javascript: or data: links in rendered pages


def utcnow() -> datetime:
    return datetime.now(UTC)


ID_MAX = 2**63 - 1  # the largest id either database holds (BIGINT)


def whole_number(text: str, *, maximum: int = ID_MAX) -> int | None:
    """`text` as a whole number written in ASCII digits and at most `maximum`, else None.
    (str.isdigit alone accepts "²", which int() refuses, and 20-digit ids overflow.)"""
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(maximum)):
        return None
    number = int(text)
    return number if number <= maximum else None


class NodeKind(StrEnum):
    THESIS = "thesis"
    CLAIM = "claim"
    EVIDENCE = "evidence"
    REBUTTAL = "rebuttal"


class RelationKind(StrEnum):
    SUPPORT = "support"
    ATTACK = "attack"
    UNDERCUT = "undercut"  # an attack on a support relation: "this does not follow"


class Origin(StrEnum):
    DOCUMENT = "document"  # restates the map's source text
    EDITOR = "editor"  # added by the map's editors
    # A premise the source leaves unstated but its argument needs, made explicit by the editors
    RECONSTRUCTION = "reconstruction"


class _Row(Protocol):
    @property
    def id(self) -> int | None: ...


def ident(row: _Row) -> int:
    """The primary key of a row that has been flushed or loaded.

    SQLModel types every primary key `int | None` (None until the INSERT); code that holds a
    row it has read, or added and flushed, states that here instead of passing None along.
    """
    if row.id is None:
        raise RuntimeError(f"{type(row).__name__} row has no id yet: it was never flushed")
    return row.id


def _in(column: str, enum: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in enum)})"


# --- Map -------------------------------------------------------------------------------


class MapBase(SQLModel):
    """A map's details, as every way in checks them (forms, map files, imports)."""

    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=4000)
    doc_title: str | None = Field(default=None, max_length=300)
    doc_author: str | None = Field(default=None, max_length=200)
    doc_outlet: str | None = Field(default=None, max_length=200)
    doc_date: date | None = None
    doc_url: str | None = Field(default=None, max_length=500,
                                schema_extra={"pattern": URL_PATTERN})


class Map(MapBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=80, unique=True, index=True)
    source_text: str | None = Field(default=None, sa_type=Text)
    revision: int = Field(default=1)  # every change to the map or its contents increments it
    forked_from_id: int | None = Field(default=None, foreign_key="map.id", ondelete="SET NULL")
    visibility: str = Field(default="private", sa_type=String(16))  # private | public
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class MapCreate(MapBase):
    slug: str = Field(max_length=80, schema_extra={"pattern": SLUG_PATTERN})


class MapUpdate(SQLModel):
    """A change of a map's name or description (a fork names its copy with it)."""

    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=4000)


class MapPublic(SQLModel):
    """What the list of maps shows of each one it may show."""

    slug: str
    title: str
    description: str
    doc_title: str | None
    doc_author: str | None
    node_count: int
    updated_at: datetime
    visibility: str = "private"


# --- Source ----------------------------------------------------------------------------


class SourceBase(SQLModel):
    document: str = Field(min_length=1, max_length=300)
    locator: str = Field(min_length=1, max_length=120)
    quote: str | None = Field(default=None, max_length=QUOTE_MAX)
    url: str | None = Field(default=None, max_length=500, schema_extra={"pattern": URL_PATTERN})
    # What the citation could not confirm (e.g. a wording checked only in a secondary copy).
    note: str | None = Field(default=None, max_length=NOTE_MAX)


class Source(SourceBase, table=True):
    __table_args__ = (
        UniqueConstraint("map_id", "id"),
        UniqueConstraint("map_id", "key"),
    )
    id: int | None = Field(default=None, primary_key=True)
    map_id: int = Field(foreign_key="map.id", ondelete="CASCADE", index=True)
    key: str = Field(max_length=80)


class SourceCreate(SourceBase):
    key: str = Field(max_length=80, schema_extra={"pattern": SLUG_PATTERN})


# --- Node ------------------------------------------------------------------------------


class NodeBase(SQLModel):
    kind: NodeKind = Field(sa_type=String(16))
    text: str = Field(min_length=1, max_length=TEXT_MAX, sa_type=Text)
    title: str | None = Field(default=None, max_length=TITLE_MAX)
    author: str | None = Field(default=None, max_length=120)
    origin: Origin = Field(default=Origin.DOCUMENT, sa_type=String(16))
    # The passage of the map's source text this node paraphrases: a short exact phrase and
    # its paragraph (Nth non-blank line). Offsets are filled in once the text is attached.
    passage_paragraph: int | None = Field(default=None, ge=1, le=SOURCE_TEXT_MAX)
    passage_quote: str | None = Field(default=None, max_length=QUOTE_MAX)
    tags: str | None = Field(default=None, max_length=500)  # comma-separated labels


class Node(NodeBase, table=True):
    __table_args__ = (
        UniqueConstraint("map_id", "id"),
        UniqueConstraint("map_id", "key"),
        ForeignKeyConstraint(["map_id", "source_id"], ["source.map_id", "source.id"]),
        CheckConstraint(_in("kind", NodeKind), name="node_kind"),
        CheckConstraint(_in("origin", Origin), name="node_origin"),
        CheckConstraint(f"length(text) BETWEEN 1 AND {TEXT_MAX}", name="node_text_length"),
        CheckConstraint("(passage_start IS NULL) = (passage_end IS NULL)", name="node_passage"),
    )
    id: int | None = Field(default=None, primary_key=True)
    map_id: int = Field(foreign_key="map.id", ondelete="CASCADE", index=True)
    key: str = Field(max_length=80)  # stable, human-readable id within the map
    source_id: int | None = Field(default=None, index=True)  # the citation
    passage_start: int | None = None
    passage_end: int | None = None
    # Bumped by every edit; an edit based on an older version is a conflict, not an overwrite.
    version: int = Field(default=1)
    created_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class NodeCreate(NodeBase):
    key: str = Field(max_length=80, schema_extra={"pattern": SLUG_PATTERN})


class NodeUpdate(SQLModel):
    """An edit of a node: what it changes, checked as a new node's fields would be."""

    kind: NodeKind | None = None
    text: str | None = Field(default=None, min_length=1, max_length=TEXT_MAX)
    title: str | None = Field(default=None, max_length=TITLE_MAX)
    passage_paragraph: int | None = Field(default=None, ge=1, le=SOURCE_TEXT_MAX)
    passage_quote: str | None = Field(default=None, max_length=QUOTE_MAX)


# --- Relation --------------------------------------------------------------------------


class Relation(SQLModel, table=True):
    """A step: its premises (see Premise) support or attack a node, or undercut a support
    step ("this does not follow"). Several premises make a linked step: they count only
    together."""

    __table_args__ = (
        UniqueConstraint("map_id", "id"),
        # What Premise rows copy from their step, so the database keeps the copies equal.
        UniqueConstraint("map_id", "id", "target_node_id", name="relation_node_target"),
        UniqueConstraint("map_id", "id", "target_relation_id", name="relation_step_target"),
        ForeignKeyConstraint(["map_id", "target_node_id"], ["node.map_id", "node.id"],
                             ondelete="CASCADE"),
        ForeignKeyConstraint(["map_id", "target_relation_id"], ["relation.map_id", "relation.id"],
                             ondelete="CASCADE"),
        CheckConstraint(_in("kind", RelationKind), name="relation_kind"),
        CheckConstraint(
            "(kind IN ('support', 'attack') AND target_node_id IS NOT NULL"
            " AND target_relation_id IS NULL)"
            " OR (kind = 'undercut' AND target_relation_id IS NOT NULL AND target_node_id IS NULL)",
            name="relation_target",
        ),
    )
    # The database may have deleted the row already: a step goes with its last premise (a
    # trigger, see migration 0002) and an undercut with its target (a cascade).
    __mapper_args__ = {"confirm_deleted_rows": False}
    id: int | None = Field(default=None, primary_key=True)
    map_id: int = Field(foreign_key="map.id", ondelete="CASCADE", index=True)
    kind: RelationKind = Field(sa_type=String(16))
    target_node_id: int | None = Field(default=None, index=True)
    target_relation_id: int | None = Field(default=None, index=True)
    author: str | None = Field(default=None, max_length=120)
    created_at: datetime = Field(default_factory=utcnow)


class Premise(SQLModel, table=True):
    """One premise of a step. It repeats the step's target, so that the database itself
    refuses a node arguing twice about one target (in two steps, or twice in one) and a node
    that supports or attacks itself; composite keys keep the copy equal to the step's."""

    __table_args__ = (
        UniqueConstraint("node_id", "target_node_id", name="premise_unique_pair"),
        UniqueConstraint("node_id", "target_relation_id", name="premise_unique_undercut"),
        ForeignKeyConstraint(["map_id", "relation_id"], ["relation.map_id", "relation.id"],
                             ondelete="CASCADE"),
        ForeignKeyConstraint(["map_id", "node_id"], ["node.map_id", "node.id"],
                             ondelete="CASCADE"),
        ForeignKeyConstraint(["map_id", "relation_id", "target_node_id"],
                             ["relation.map_id", "relation.id", "relation.target_node_id"],
                             ondelete="CASCADE", name="premise_same_node_target"),
        ForeignKeyConstraint(["map_id", "relation_id", "target_relation_id"],
                             ["relation.map_id", "relation.id", "relation.target_relation_id"],
                             ondelete="CASCADE", name="premise_same_step_target"),
        CheckConstraint("node_id <> target_node_id", name="premise_not_self"),
        CheckConstraint("(target_node_id IS NULL) <> (target_relation_id IS NULL)",
                        name="premise_one_target"),
    )
    __mapper_args__ = {"confirm_deleted_rows": False}  # cascades may have removed it
    id: int | None = Field(default=None, primary_key=True)
    map_id: int = Field(foreign_key="map.id", ondelete="CASCADE", index=True)
    relation_id: int = Field(index=True)
    node_id: int = Field(index=True)
    target_node_id: int | None = Field(default=None)
    target_relation_id: int | None = Field(default=None)


# --- People, roles and invites -------------------------------------------------------


USERNAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{1,39}$"
PASSWORD_MIN = 10
class Role(StrEnum):
    VIEWER = "viewer"
    EDITOR = "editor"
    OWNER = "owner"


def new_session_stamp() -> str:
    return secrets.token_urlsafe(16)


class User(SQLModel, table=True):
    """Someone who can act on maps: an account, or a guest who joined one map by invite."""

    id: int | None = Field(default=None, primary_key=True)
    username: str | None = Field(default=None, max_length=40, unique=True, index=True)
    display_name: str = Field(max_length=80)
    password_hash: str | None = Field(default=None, max_length=300)
    is_guest: bool = Field(default=False)
    invite_id: int | None = Field(default=None, foreign_key="invite.id", ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow)

    # Flask-Login's user protocol
    is_authenticated: ClassVar[bool] = True
    is_active: ClassVar[bool] = True
    is_anonymous: ClassVar[bool] = False

    # In every session cookie and compared on every request (web.auth.load_user): logging
    # out or a new password changes it, which ends every copy of every cookie at once.
    # The server default only filled the rows that existed before (migration 0003).
    session_stamp: str = Field(default_factory=new_session_stamp, max_length=32,
                               sa_column_kwargs={"server_default": ""})

    def get_id(self) -> str:
        return f"{self.id}:{self.session_stamp}"

    @property
    def label(self) -> str:
        return f"{self.display_name} (guest)" if self.is_guest else self.display_name


class SignUp(SQLModel):
    username: str = Field(max_length=40, schema_extra={"pattern": USERNAME_PATTERN})
    display_name: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=PASSWORD_MIN, max_length=200)


class NewPassword(SQLModel):
    password: str = Field(min_length=PASSWORD_MIN, max_length=200)


class LoginAttempt(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    # "name:<username>", "known:<username>" (from a known browser) or "addr:<ip>"
    key: str = Field(sa_type=String(120), index=True)
    at: datetime = Field(default_factory=utcnow, index=True)


class DrawingSpend(SQLModel, table=True):
    """Seconds of `dot` that one requester or one map's visitors used: reserved before a
    drawing starts (so concurrent requests see it) and set to what it took afterwards."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_type=String(120), index=True)  # "map:<id>", "user:<id>", "addr:<ip>"
    at: datetime = Field(default_factory=utcnow, index=True)
    seconds: float


class Membership(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("map_id", "user_id"),
                      CheckConstraint("role IN ('viewer', 'editor', 'owner')",
                                      name="membership_role"))
    id: int | None = Field(default=None, primary_key=True)
    map_id: int = Field(foreign_key="map.id", ondelete="CASCADE", index=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE", index=True)
    role: str = Field(sa_type=String(16))
    created_at: datetime = Field(default_factory=utcnow)


class Invite(SQLModel, table=True):
    __table_args__ = (CheckConstraint("role IN ('viewer', 'editor')", name="invite_role"),)
    id: int | None = Field(default=None, primary_key=True)
    map_id: int = Field(foreign_key="map.id", ondelete="CASCADE", index=True)
    token_hash: str = Field(max_length=64, unique=True)  # the link's token is never stored
    role: str = Field(sa_type=String(16))
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    created_by_id: int | None = None  # a plain id: a foreign key here would make a cycle
    created_at: datetime = Field(default_factory=utcnow)

    def usable(self, now: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None
                                            or as_utc(self.expires_at) > now)


def as_utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; they were stored as UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)


# --- History and ratings ---------------------------------------------------------------


class Change(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    map_id: int = Field(foreign_key="map.id", ondelete="CASCADE", index=True)
    user_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    actor: str = Field(max_length=100)  # the name as it was when the change was made
    at: datetime = Field(default_factory=utcnow, index=True)
    action: str = Field(max_length=200)
    node_keys: str = Field(default=",", max_length=2000)  # ",a,b," for lookups by node
    rows: str = Field(sa_type=Text)  # JSON: [[table, id, before, after], ...]
    reverts_id: int | None = None
    reverted_by_id: int | None = None

    def row_list(self) -> list:
        return json.loads(self.rows)


class Rating(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("node_id", "user_id"),
                      CheckConstraint("value BETWEEN 0 AND 4", name="rating_value"))
    id: int | None = Field(default=None, primary_key=True)
    map_id: int = Field(foreign_key="map.id", ondelete="CASCADE", index=True)
    node_id: int = Field(foreign_key="node.id", ondelete="CASCADE", index=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    value: int
    at: datetime = Field(default_factory=utcnow)


PATTERN_HELP = {
    SLUG_PATTERN: "may contain only lowercase letters, digits and single hyphens",
    URL_PATTERN: "must be a web address starting with http:// or https://",
}


def _message(err: ErrorDetails) -> str:
    """Pydantic's error in words a user can act on."""
    kind, ctx, value = err["type"], err.get("ctx", {}), err.get("input")
    if kind == "string_too_short":
        return ("is empty" if ctx.get("min_length") == 1
                else f"must be at least {ctx['min_length']} characters")
    if kind == "string_too_long":
        return f"is too long ({len(value)} characters; at most {ctx['max_length']})"
    if kind == "string_pattern_mismatch":
        return PATTERN_HELP.get(ctx.get("pattern", ""), err["msg"])  # "" is no pattern
    if kind == "enum":
        return f"unknown value {value!r} (expected {ctx['expected'].replace(chr(39), '')})"
    return err["msg"]


NUL_MESSAGE = "contains a NUL character (U+0000), which cannot be stored; remove it"


def refuse_nul(value: str, field: str) -> None:
    """PostgreSQL cannot store U+0000 in text, so no database gets it: one rule everywhere."""
    if "\x00" in value:
        raise InvalidInput(f"{field}: {NUL_MESSAGE}", field=field)


def validate(model: type[SQLModel], values: dict) -> Any:
    """Validate input with a Create model; the first problem becomes an InvalidInput."""
    for field, value in values.items():
        if isinstance(value, str):
            refuse_nul(value, field)
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or None
        message = _message(err)
        raise InvalidInput(f"{field}: {message}" if field else message, field=field) from exc
