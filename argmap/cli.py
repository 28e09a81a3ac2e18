"""The `argmap` command: init, serve, export and attach-text (plus Flask's own commands).

Every failure ends as one line on stderr ("Error: what, where") and a non-zero exit.
"""

import functools
import json
import os
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError
from sqlmodel import select
from werkzeug.serving import run_simple

from argmap import db
from argmap.domain.history import change
from argmap.domain.importing import import_file
from argmap.domain.maps import attach_text, get_map, import_map, load_map_data
from argmap.domain.ratings import base_scores
from argmap.errors import ArgmapError, MapFileError, NotFound
from argmap.evaluate import MARKS, READINGS, evaluate
from argmap.formats import READERS, SUFFIXES, WRITERS, Budget, write
from argmap.formats.mapfile import load_map_file
from argmap.mapdata import MapData
from argmap.models import Map, ident
from argmap.render import export
from argmap.render.options import FORMATS, NAMES, OPTION_HELP, parse_options
from argmap.schema import check_current, current, revision, upgrade


def user_errors(command):
    """Turn argmap's errors into click's one-line 'Error: …' and exit status 1."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except ArgmapError as exc:
            raise click.ClickException(str(exc)) from exc
        except IntegrityError as exc:  # e.g. two `init` runs racing to load the same seed
            raise click.ClickException(f"the change conflicts with stored data: {exc.orig}"
                                       ) from exc
        except (OperationalError, ProgrammingError) as exc:  # PostgreSQL: UndefinedTable
            if "no such table" in str(exc) or "does not exist" in str(exc):
                raise click.ClickException(
                    f"the database at {db.engine().url!r} is not initialised; run 'argmap init'"
                ) from exc
            raise click.ClickException(f"database error: {exc.orig}") from exc

    return wrapper


def initialise(seeds_dir: str | Path) -> list[tuple[str, str]]:
    """Create the schema and load every seed map not yet in the database, in one transaction.

    Returns (slug, "loaded" | "already present") per seed file. All files are read and checked
    before anything is stored, so a broken seed leaves the database as it was.
    """
    maps, files = [], {}
    for path in sorted(Path(seeds_dir).glob("*.yaml")):
        data = load_map_file(path)
        if data.slug in files:
            raise MapFileError(str(path), f"slug '{data.slug}' is also used by {files[data.slug]}")
        files[data.slug] = path
        maps.append(data)
    db.create_schema(db.engine())
    session = db.session()
    report = []
    with db.transaction(session):
        present = set(session.exec(select(Map.slug)).all())
        for data in maps:
            if data.slug in present:
                report.append((data.slug, "already present"))
                continue
            # Seed maps have no owner: public and read-only, for everyone to fork.
            import_map(session, data=data).visibility = "public"
            present.add(data.slug)
            report.append((data.slug, "loaded"))
    return report


@click.command("init")
@click.option("--seeds", "seeds_dir", type=click.Path(file_okay=False),
              help="Folder of seed map files (default: the bundled seeds/).")
@with_appcontext
@user_errors
def init_command(seeds_dir: str | None) -> None:
    """Create the database and load the seed maps. Safe to run again."""
    report = initialise(seeds_dir or current_app.config["SEEDS_DIR"])
    click.echo(f"database: {db.engine().url.render_as_string(hide_password=True)}")
    for slug, what in report:
        click.echo(f"  {slug}: {what}")


# `serve --workers N`: gevent workers serve each connection on a greenlet, so clients that
# send slowly wait at the cost of a socket, not of a worker (sync workers served one
# connection at a time; see docs/deployment.md).
WORKER_CLASS = "gevent"
WORKER_CONNECTIONS = 1000  # per worker; past this a worker stops accepting
# A worker whose event loop is stuck this long (CPU work that never yields) is killed and
# replaced. RENDER_TIMEOUT must stay well below it.
WORKER_TIMEOUT = 60
GRACEFUL_TIMEOUT = 30  # on stop or restart: how long requests in flight may finish
# Idle keep-alive, and also the gevent worker's deadline for a request line and headers.
KEEP_ALIVE = 5


def gunicorn_command(host: str, port: int, workers: int) -> list[str]:
    """The argv that serves the app through gunicorn with `workers` processes."""
    return [sys.executable, "-m", "gunicorn", "--workers", str(workers),
            "--worker-class", WORKER_CLASS, "--worker-connections", str(WORKER_CONNECTIONS),
            "--timeout", str(WORKER_TIMEOUT), "--graceful-timeout", str(GRACEFUL_TIMEOUT),
            "--keep-alive", str(KEEP_ALIVE), "--bind", f"{host}:{port}",
            # gunicorn 27's control socket is one path per machine user
            # (~/.gunicorn/gunicorn.ctl): two servers would take it from each other.
            "--no-control-socket", "--access-logfile", "-", "argmap:create_app()"]


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=0, show_default=True, type=click.IntRange(0, 64),
              help="Serve with gunicorn and this many worker processes (0: the "
                   "development server, for one person).")
@with_appcontext
@user_errors
def serve_command(host: str, port: int, workers: int) -> None:
    """Initialise if needed, then serve the web app."""
    engine = db.engine()
    if inspect(engine).get_table_names():  # an existing database must already be current
        check_current(engine)
    initialise(current_app.config["SEEDS_DIR"])
    # flask types current_app as Flask, hiding the LocalProxy that it is; the real app
    # (not the proxy) is what werkzeug serves on other threads.
    app: Flask = current_app._get_current_object()  # pyright: ignore[reportAttributeAccessIssue]
    click.echo(f"argmap is serving on http://{host}:{port}/  (Ctrl+C to stop)")
    if workers:
        # Every worker builds its own app; all state lives in the database and the instance
        # folder, so any worker can answer any request.
        os.environ["ARGMAP_INSTANCE"] = app.instance_path
        os.execvp(sys.executable, gunicorn_command(host, port, workers))
    # app.run() refuses to start inside a Flask CLI command, so serve through werkzeug directly.
    run_simple(host, port, app, use_reloader=False, threaded=True)


def resolve_map(ref: str) -> tuple[MapData, Map | None]:
    """MAP is a map file when it names one (or looks like a path), else a slug; the stored
    Map comes too when there is one."""
    path = Path(ref)
    if path.suffix in (".yaml", ".yml") or path.exists() or "/" in ref:
        return load_map_file(path), None
    try:
        found = get_map(db.session(), slug=ref)
        return load_map_data(db.session(), found=found), found
    except NotFound:
        known = ", ".join(db.session().exec(select(Map.slug).order_by(Map.slug)).all())
        raise NotFound(f"no map '{ref}' in the database"
                       + (f" (known maps: {known})" if known else " (it has no maps yet)")
                       ) from None


def export_options(command):
    """One --NAME VALUE option per export option, named as in the export URL's query."""
    for name in reversed(NAMES):
        command = click.option(f"--{name}", name.replace("-", "_"), metavar="VALUE",
                               help=OPTION_HELP[name])(command)
    return command


@click.command("export")
@click.argument("map_ref", metavar="MAP")
@click.option("--format", "fmt", type=click.Choice((*FORMATS, *WRITERS)),
              help="Output format: a drawing (deck is a PDF of slides, pptx the same for "
                   "PowerPoint) or an interchange "
                   "format (default: from the -o file name, else svg).")
@click.option("-o", "--output", type=click.Path(allow_dash=True),
              help="Output file, or - for stdout (default: from the slug and the options).")
@export_options
@with_appcontext
@user_errors
def export_command(map_ref: str, fmt: str | None, output: str | None, **chosen) -> None:
    """Draw MAP (a slug in the database, or a map file) as SVG, PNG, PDF, DOT or a deck
    (PDF or PowerPoint)."""
    if fmt is None:
        suffix = Path(output).suffix.lstrip(".").lower() if output else ""
        fmt = suffix if suffix in FORMATS else "svg"
    options = parse_options({k.replace("_", "-"): v for k, v in chosen.items()})
    data, found = resolve_map(map_ref)
    config = current_app.config
    if fmt in WRITERS:
        text = found.source_text if found else None  # a map file has no stored text
        body = write(data, fmt, text).encode("utf-8")
        target = output or f"{data.slug}.{SUFFIXES[fmt]}"
    else:
        body = export(data, options, fmt, timeout=config["RENDER_TIMEOUT"],
                      node_limit=config["RENDER_NODE_LIMIT"])
        target = output or options.file_stem(data.slug) + (".deck.pdf" if fmt == "deck"
                                                           else f".{fmt}")
    if target == "-":
        sys.stdout.buffer.write(body)
        return
    try:
        Path(target).write_bytes(body)
    except OSError as exc:
        raise MapFileError(target, f"cannot write: {exc.strerror or exc}") from exc
    click.echo(f"wrote {target} ({len(body):,} bytes)", err=True)


@click.group("db")
def db_group() -> None:
    """Manage the database schema (Alembic migrations)."""


@db_group.command("upgrade")
@with_appcontext
@user_errors
def db_upgrade_command() -> None:
    """Apply every migration the database has not had yet."""
    engine = db.engine()
    before = current(engine)
    upgrade(engine)
    click.echo(f"database schema: {before or 'empty'} -> {current(engine)}")


@db_group.command("revision")
@click.option("-m", "--message", required=True, help="What the schema change is.")
@with_appcontext
@user_errors
def db_revision_command(message: str) -> None:
    """(For developers) write a migration for changes to the models."""
    revision(db.engine(), message)


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(sorted(READERS)),
              help="The file's format (default: detected from its name and content).")
@click.option("--slug", help="The new map's slug (default: from the file).")
@with_appcontext
@user_errors
def import_command(file: str, fmt: str | None, slug: str | None) -> None:
    """Import FILE (argmap JSON, Argdown, AIF/OVA or Kialo text) as a new public map."""
    try:
        raw = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    except OSError as exc:
        raise MapFileError(file, f"cannot read: {exc.strerror or exc}") from exc
    session = db.session()
    db.create_schema(db.engine())
    with db.transaction(session):
        new_map, found, warnings = import_file(
            session, raw=raw, name=file, fmt=fmt, slug=slug,
            budget=Budget(file, current_app.config["IMPORT_TIMEOUT"]))
        # Maps imported on the command line have no owner, like the seeds: public, read-only.
        new_map.visibility = "public"
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"{new_map.slug}: imported from {found} ({len(warnings)} warnings)")


@click.command("evaluate")
@click.argument("map_ref", metavar="MAP")
@click.option("--semantics", type=click.Choice(["grounded", "dfquad"]), default="grounded",
              show_default=True, help="Labels (grounded) or strengths (DF-QuAD).")
@click.option("--reading", type=click.Choice(READINGS), default="plain", show_default=True,
              help="How support is read: plain, or as necessary support.")
@click.option("--withdraw", multiple=True, metavar="KEY",
              help="Suppose this node withdrawn (what-if); repeatable.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@with_appcontext
@user_errors
def evaluate_command(map_ref: str, semantics: str, reading: str, withdraw: tuple[str, ...],
                     fmt: str) -> None:
    """Print which nodes of MAP stand (IN), are defeated (OUT) or undecided, or how strong
    each is, with the reason."""
    data, found = resolve_map(map_ref)
    unknown = [k for k in withdraw if k not in data.nodes_by_key]
    if unknown:
        raise NotFound(f"no node {unknown[0]!r} in the map")
    base = base_scores(db.session(), map_id=ident(found)) if found else {}
    result = evaluate(data, reading=reading, base=base, withdrawn=withdraw)
    if fmt == "json":
        click.echo(json.dumps({
            "map": data.slug, "semantics": semantics, "reading": reading,
            "withdrawn": list(withdraw), "converged": result.converged,
            "nodes": [{"key": r.key, "label": r.label, "strength": round(r.strength, 6),
                       "why": r.why, "movers": r.movers} for r in result.nodes.values()],
            "inferences": result.inferences}, ensure_ascii=False, indent=2))
        return
    for r in result.nodes.values():
        value = f"{r.label:<5} {MARKS[r.label]}" if semantics == "grounded" \
            else f"{r.strength:6.1%}"
        click.echo(f"{value}  {r.key}: {r.why}"
                   + (f" Strongest: {r.movers}." if semantics == "dfquad" and r.movers
                      else ""))
    for note in result.notes:
        click.echo(f"note: {note}", err=True)


@click.command("attach-text")
@click.argument("slug")
@click.argument("text_file", type=click.Path(dir_okay=False))
@with_appcontext
@user_errors
def attach_text_command(slug: str, text_file: str) -> None:
    """Attach a map's source text and anchor its nodes' passages in it."""
    try:
        text = Path(text_file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MapFileError(text_file, f"cannot read text: {getattr(exc, 'strerror', exc)}"
                           ) from exc
    session = db.session()
    found = get_map(session, slug=slug)
    with change(session, map_id=ident(found), user=None,
                action="Attached the source text (command line)"):
        anchored = attach_text(session, found=found, text=text)
    click.echo(f"{slug}: text attached, {anchored} passages anchored")


def register(app: Flask) -> None:
    from argmap.usercli import user_group

    for command in (init_command, serve_command, export_command, import_command,
                    evaluate_command, attach_text_command, db_group, user_group):
        app.cli.add_command(command)


def _create_app() -> Flask:
    from argmap import create_app

    return create_app()


main = FlaskGroup(name="argmap", create_app=_create_app,
                  help="argmap: map the arguments of a text and draw them with Graphviz.")

if __name__ == "__main__":
    main()
