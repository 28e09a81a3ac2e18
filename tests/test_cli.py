"""The `argmap` command, run in this process through click's CliRunner, and a few times as the
installed console script.

Most tests run the command in-process, in one of two ways:

- `runner` (the `app` fixture's `app.test_cli_runner()`) runs a command on the fixture's app
  and its copy of the seeded database;
- `run(home, ...)` invokes `argmap.cli.main`, the FlaskGroup the console script calls, with
  click's CliRunner. As in a real run, `main` builds its own app through `argmap.create_app`
  from ARGMAP_INSTANCE and DATABASE_URL, which `run` sets only for the invocation (and it runs
  in a chosen working folder, as a process would).

Either way the tests assert what a user would see: the exit status, the exact lines on stdout
and stderr (click 8.2+ keeps them apart), the files written and the database.

Only these tests start the installed `argmap` script as a process (each costs seconds of
interpreter start-up and imports), because the installed command itself is their subject:

- test_init_creates_the_database_and_is_safe_to_rerun: the script, run twice on a new
  instance folder and database, creates them, loads the seeds, then changes nothing;
- test_console_script_exports_a_file: the entry point draws a map into a file and reports it
  on stderr;
- test_console_script_without_graphviz: a process whose PATH has no Graphviz starts, and the
  drawing fails with exit status 1, one line on stderr and no traceback.

Each `home` (an instance folder under tmp_path and its own database: a SQLite file, or a
PostgreSQL database in the PostgreSQL run) is given through ARGMAP_INSTANCE and DATABASE_URL,
so no run touches the repository's instance folder.
"""

import contextlib
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from flask import Flask, appcontext_pushed
from sqlalchemy import create_engine, inspect, text

from argmap import db, paths
from argmap.cli import main
from argmap.domain.maps import attach_text, import_map
from argmap.formats.mapfile import load_map_file
from tests.helpers import node, tiny_map

ARGMAP = Path(sys.executable).parent / "argmap"
SEED = paths.SEEDS / "treaty-alliance.yaml"
SEED_DATA = load_map_file(SEED)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_ROOTS = ("svg", "{http://www.w3.org/2000/svg}svg")

MAP_LINES = [
    "format: argmap-map/1",
    "slug: cli-map",
    "title: A map for the CLI tests",
    "sources:",
    "  src:",
    "    document: A document",
    "    locator: Page 1",
    "nodes:",
    "  - key: thesis",
    "    kind: thesis",
    "    text: The thesis.",
    "  - key: claim",
    "    kind: claim",
    "    text: A claim.",
    "    supports: thesis",
    "  - key: evidence",
    "    kind: evidence",
    "    text: The evidence.",
    "    cites: src",
    "    supports: claim",
]
KIND_LINE = MAP_LINES.index("    kind: claim") + 1  # 1-based line of the claim's kind


def map_text(slug: str = "cli-map", kind: str = "claim") -> str:
    lines = [f"slug: {slug}" if line.startswith("slug:") else line for line in MAP_LINES]
    lines[KIND_LINE - 1] = f"    kind: {kind}"
    return "\n".join(lines) + "\n"


def write_map(path: Path, **kwargs) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(map_text(**kwargs), encoding="utf-8")
    return path


def check_body(fmt: str, body: bytes) -> None:
    """`body` is a real file of the format, not just some bytes."""
    if fmt == "png":
        assert body.startswith(PNG_SIGNATURE)
    elif fmt == "svg":
        root = ET.fromstring(body)
        assert root.tag in SVG_ROOTS
        assert root.find(".//{http://www.w3.org/2000/svg}g") is not None  # drawn content
    elif fmt == "pdf":
        assert body.startswith(b"%PDF-")
        assert body.rstrip().endswith(b"%%EOF")
    elif fmt == "dot":
        assert body.decode("utf-8").lstrip().startswith(("digraph", "strict digraph"))
        assert "digraph" in body.decode("utf-8")
    else:
        raise AssertionError(fmt)
    assert len(body) > 100


def query(url: str, sql: str) -> list[tuple]:
    engine = create_engine(url)
    try:
        with engine.connect() as con:
            return [tuple(row) for row in con.execute(text(sql))]
    finally:
        engine.dispose()


def tables(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        return inspect(engine).get_table_names()
    finally:
        engine.dispose()


def slugs(url: str) -> set[str]:
    return {slug for (slug,) in query(url, "SELECT slug FROM map")}


def counts(url: str) -> tuple[int, int, int, int]:
    return tuple(query(url, f"SELECT count(*) FROM {table}")[0][0]
                 for table in ("map", "source", "node", "relation"))


# --- homes: an instance folder and a database, as the environment names them ----------------


@dataclass(frozen=True)
class Home:
    root: Path
    url: str

    def env(self) -> dict[str, str]:
        return {"ARGMAP_INSTANCE": str(self.root / "inst"), "DATABASE_URL": self.url}


@pytest.fixture
def home(databases, tmp_path) -> Home:
    """An instance folder under this test's tmp_path and an empty database."""
    return Home(tmp_path, databases.new(tmp_path, "cli"))


def script(home: Home, *args: str, cwd: Path | None = None,
           path: Path | None = None) -> subprocess.CompletedProcess:
    """Run the installed `argmap` script as a process, with `home` as its instance."""
    assert ARGMAP.is_file(), f"console script not installed at {ARGMAP}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    env.update(home.env())
    if path is not None:
        env["PATH"] = str(path)
    return subprocess.run([str(ARGMAP), *args], cwd=cwd or home.root, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def run(home: Home, *args: str, cwd: Path | None = None, path: Path | None = None) -> Result:
    """Invoke `argmap.cli.main` in this process as `script` runs it: the same environment
    (only for the invocation; CliRunner restores it) and the same working folder."""
    env: dict[str, str | None] = {k: None for k in os.environ if k.startswith("FLASK_")}
    env["FLASK_RUN_FROM_CLI"] = None  # FlaskGroup sets it; restored (unset) afterwards
    env.update(home.env())
    if path is not None:
        env["PATH"] = str(path)
    apps: list[Flask] = []

    def pushed(app: Flask, **_) -> None:
        apps.append(app)

    try:
        with appcontext_pushed.connected_to(pushed), contextlib.chdir(cwd or home.root):
            return CliRunner().invoke(main, list(args), env=env)
    finally:
        for app in apps:  # each invocation built its own app: close its connections
            app.extensions["argmap.engine"].dispose()


def assert_ok(result: Result) -> None:
    assert result.exit_code == 0, f"{result.output}\n{result.exception!r}"


def one_line_error(status: int, stdout: str, stderr: str, phrases) -> str:
    lines = stderr.strip().splitlines()
    assert status == 1, stderr
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr and stdout == ""
    assert lines[0].startswith("Error: ")
    for phrase in phrases:
        assert phrase in lines[0]
    return lines[0]


def assert_one_line_error(proc: subprocess.CompletedProcess, *phrases: str) -> str:
    return one_line_error(proc.returncode, proc.stdout, proc.stderr, phrases)


def assert_runner_error(result: Result, *phrases: str) -> str:
    assert isinstance(result.exception, SystemExit), result.exception
    return one_line_error(result.exit_code, result.stdout, result.stderr, phrases)


@pytest.fixture(scope="module")
def seeded_home(tmp_path_factory, databases) -> Home:
    """An instance folder and database on which `argmap init` has run."""
    root = tmp_path_factory.mktemp("seeded")
    seeded = Home(root, databases.new(root, "cli"))
    databases.keep(seeded.url)
    result = run(seeded, "init")
    assert_ok(result)
    assert "treaty-alliance: loaded" in result.stdout
    return seeded


@pytest.fixture
def workdir(tmp_path) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    return work


# --- init ------------------------------------------------------------------------------------


def test_init_creates_the_database_and_is_safe_to_rerun(home):
    # A process: the installed script itself, on an instance folder and database it creates.
    assert not (home.root / "inst").exists()
    assert tables(home.url) == []

    first = script(home, "init")
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == [f"database: {home.url}", "  treaty-alliance: loaded"]
    assert first.stderr == ""
    assert (home.root / "inst").is_dir()
    assert slugs(home.url) == {"treaty-alliance"}
    stored = counts(home.url)
    assert stored == (1, len(SEED_DATA.sources), len(SEED_DATA.nodes), len(SEED_DATA.relations))

    second = script(home, "init")
    assert second.returncode == 0, second.stderr
    assert "treaty-alliance: already present" in second.stdout
    assert "loaded" not in second.stdout
    assert counts(home.url) == stored


def test_init_through_the_runner_reports_already_present(runner, app):
    # The app fixture has initialised this database already.
    db_file = app.config["DATABASE_URL"]
    before = counts(db_file)
    assert before[2] == len(SEED_DATA.nodes)
    result = runner.invoke(args=["init"])
    assert result.exit_code == 0, result.output
    assert "treaty-alliance: already present" in result.stdout
    assert counts(db_file) == before


def _seed_dir(root: Path) -> Path:
    """A folder with one valid seed (read first) and one with an unknown kind."""
    seeds = root / "seeds"
    write_map(seeds / "a-good.yaml", slug="good-map")
    write_map(seeds / "b-broken.yaml", slug="broken-map", kind="claimz")
    return seeds


def test_init_with_a_broken_seed_stores_nothing(home):
    seeds = _seed_dir(home.root)
    result = run(home, "init", "--seeds", str(seeds))
    assert_runner_error(result, f"{seeds / 'b-broken.yaml'}:{KIND_LINE}:",
                        "unknown kind 'claimz'")
    # Seeds are checked before anything is written, so not even the schema was created.
    assert tables(home.url) == []


def test_init_with_a_broken_seed_leaves_existing_maps_alone(runner, app, tmp_path):
    db_file = app.config["DATABASE_URL"]
    before = counts(db_file)
    seeds = _seed_dir(tmp_path / "extra")

    result = runner.invoke(args=["init", "--seeds", str(seeds)])
    assert_runner_error(result, f"b-broken.yaml:{KIND_LINE}:", "unknown kind 'claimz'",
                        "expected one of thesis, claim, evidence, rebuttal")
    assert slugs(db_file) == {"treaty-alliance"}
    assert counts(db_file) == before

    # The valid seed on its own loads: the failure above was all-or-nothing.
    (seeds / "b-broken.yaml").unlink()
    result = runner.invoke(args=["init", "--seeds", str(seeds)])
    assert result.exit_code == 0, result.output
    assert "good-map: loaded" in result.stdout
    assert slugs(db_file) == {"treaty-alliance", "good-map"}


# --- export through the runner ---------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf", "dot"])
def test_export_each_format(runner, workdir, fmt):
    out = workdir / f"map.out.{fmt}"
    result = runner.invoke(args=["export", "treaty-alliance", "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    body = out.read_bytes()
    check_body(fmt, body)
    assert result.stderr.strip() == f"wrote {out} ({len(body):,} bytes)"


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf", "dot"])
def test_export_format_from_output_suffix(runner, workdir, fmt):
    out = workdir / f"inferred.{fmt.upper() if fmt == 'pdf' else fmt}"
    result = runner.invoke(args=["export", "treaty-alliance", "-o", str(out)])
    assert result.exit_code == 0, result.output
    check_body(fmt, out.read_bytes())


def test_export_defaults_to_svg_named_after_the_slug(runner, workdir, monkeypatch):
    monkeypatch.chdir(workdir)
    result = runner.invoke(args=["export", "treaty-alliance"])
    assert result.exit_code == 0, result.output
    assert [p.name for p in workdir.iterdir()] == ["treaty-alliance.svg"]
    check_body("svg", (workdir / "treaty-alliance.svg").read_bytes())

    unknown_suffix = workdir / "diagram.txt"
    result = runner.invoke(args=["export", "treaty-alliance", "-o", str(unknown_suffix)])
    assert result.exit_code == 0, result.output
    check_body("svg", unknown_suffix.read_bytes())


def test_export_to_stdout(runner):
    result = runner.invoke(args=["export", "treaty-alliance", "--format", "dot", "-o", "-"])
    assert result.exit_code == 0, result.output
    check_body("dot", result.stdout_bytes)
    assert result.stderr == ""


def test_export_a_map_file(runner, workdir, monkeypatch):
    # cli-map is not in the database: it can only come from the file.
    path = write_map(workdir / "maps" / "mine.yaml")
    monkeypatch.chdir(workdir)
    result = runner.invoke(args=["export", str(path), "--format", "dot"])
    assert result.exit_code == 0, result.output
    body = (workdir / "cli-map.dot").read_text(encoding="utf-8")
    assert "digraph" in body
    assert "The evidence." in body

    out = workdir / "seed.png"
    result = runner.invoke(args=["export", str(SEED), "-o", str(out)])
    assert result.exit_code == 0, result.output
    check_body("png", out.read_bytes())


# --- export through argmap.cli.main, and once through the console script ----------------------


def test_console_script_exports_a_file(seeded_home, workdir):
    # A process: the installed entry point, writing a binary file and reporting it on stderr.
    proc = script(seeded_home, "export", "treaty-alliance", "-o", "out.png", cwd=workdir)
    assert proc.returncode == 0, proc.stderr
    body = (workdir / "out.png").read_bytes()
    check_body("png", body)
    assert proc.stderr.strip() == f"wrote out.png ({len(body):,} bytes)"
    assert proc.stdout == ""
    assert [p.name for p in workdir.iterdir()] == ["out.png"]


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf", "dot"])
def test_main_exports(seeded_home, workdir, fmt):
    out = workdir / f"out.{fmt}"
    result = run(seeded_home, "export", "treaty-alliance", "--format", fmt, "-o", str(out),
                 cwd=workdir)
    assert_ok(result)
    body = out.read_bytes()
    check_body(fmt, body)
    assert result.stderr.strip() == f"wrote {out} ({len(body):,} bytes)"
    assert result.stdout == ""


def test_main_exports_a_map_file_without_the_database(home, workdir):
    result = run(home, "export", str(SEED), "-o", "seed.svg", cwd=workdir)
    assert_ok(result)
    check_body("svg", (workdir / "seed.svg").read_bytes())

    write_map(workdir / "mine.yaml")
    result = run(home, "export", "mine.yaml", cwd=workdir)
    assert_ok(result)
    check_body("svg", (workdir / "cli-map.svg").read_bytes())
    assert result.stderr.strip().startswith("wrote cli-map.svg (")
    assert not (home.root / "cli.sqlite3").exists() and tables(home.url) == []


# --- errors: one line on stderr, exit status 1, no traceback ----------------------------------


def _missing(work: Path):
    return ["export", "missing.yaml"], [
        "missing.yaml: cannot read map file: No such file or directory"]


def _directory(work: Path):
    (work / "maps").mkdir()
    return ["export", "maps"], ["maps: cannot read map file: Is a directory"]


def _directory_yaml(work: Path):
    (work / "dir.yaml").mkdir()
    return ["export", "dir.yaml"], ["dir.yaml: cannot read map file: Is a directory"]


def _unreadable(work: Path):
    if os.geteuid() == 0:
        pytest.skip("root can read a file with mode 000")
    path = write_map(work / "locked.yaml")
    path.chmod(0)
    return ["export", "locked.yaml"], ["locked.yaml: cannot read map file: Permission denied"]


def _malformed(work: Path):
    write_map(work / "file.yaml", kind="claimz")
    return ["export", "file.yaml"], [
        f"file.yaml:{KIND_LINE}: node 'claim': unknown kind 'claimz'"]


def _bad_slug(work: Path):
    # The slug names the default output file, so it must not be able to leave the folder.
    write_map(work / "sub" / "escape.yaml", slug="../escaped")
    return ["export", "sub/escape.yaml"], ["sub/escape.yaml:2: the map: field 'slug'",
                                           "may contain only lowercase letters"]


def _not_utf8(work: Path):
    (work / "latin1.yaml").write_bytes(map_text().replace("A claim.", "Caf\u00e9.")
                                       .encode("latin-1"))
    return ["export", "latin1.yaml"], ["latin1.yaml: not UTF-8 text"]


def _unwritable_output(work: Path):
    return ["export", "treaty-alliance", "-o", "no-such-dir/out.svg"], [
        "no-such-dir/out.svg: cannot write: No such file or directory"]


def _unknown_slug(work: Path):
    return ["export", "nope"], ["no map 'nope' in the database",
                                "(known maps: treaty-alliance)"]


ERRORS = {"unknown-slug": _unknown_slug, "missing-file": _missing, "directory": _directory,
          "directory-yaml": _directory_yaml, "unreadable-file": _unreadable,
          "malformed-file": _malformed, "bad-slug": _bad_slug, "not-utf8": _not_utf8,
          "unwritable-output": _unwritable_output}


@pytest.mark.parametrize("case", ERRORS.values(), ids=ERRORS.keys())
def test_main_errors(seeded_home, workdir, case):
    args, phrases = case(workdir)
    before = sorted(p.name for p in workdir.iterdir())
    assert_runner_error(run(seeded_home, *args, cwd=workdir), *phrases)
    assert sorted(p.name for p in workdir.iterdir()) == before  # nothing written
    assert not (workdir.parent / "escaped.svg").exists()


@pytest.mark.parametrize("case", ERRORS.values(), ids=ERRORS.keys())
def test_runner_errors(runner, workdir, monkeypatch, case):
    args, phrases = case(workdir)
    monkeypatch.chdir(workdir)
    before = sorted(p.name for p in workdir.iterdir())
    assert_runner_error(runner.invoke(args=args), *phrases)
    assert sorted(p.name for p in workdir.iterdir()) == before
    assert not (workdir.parent / "escaped.svg").exists()


def test_unknown_slug_before_init(home):
    result = run(home, "export", "treaty-alliance")
    assert_runner_error(result, "is not initialised; run 'argmap init'")
    assert tables(home.url) == []


def _empty_bin(tmp_path: Path) -> Path:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    return empty


def test_console_script_without_graphviz(seeded_home, workdir, tmp_path):
    # A process started with no Graphviz on its PATH at all: it must still start, and fail
    # to draw with one line on stderr.
    proc = script(seeded_home, "export", "treaty-alliance", "--format", "png", "-o", "out.png",
                  cwd=workdir, path=_empty_bin(tmp_path))
    line = assert_one_line_error(proc, "Graphviz", "apt-get install graphviz")
    assert "'dot' was not found on PATH" in line
    assert not (workdir / "out.png").exists()


def test_main_without_graphviz(seeded_home, workdir, tmp_path):
    empty = _empty_bin(tmp_path)
    result = run(seeded_home, "export", "treaty-alliance", "--format", "png", "-o", "out.png",
                 cwd=workdir, path=empty)
    line = assert_runner_error(result, "Graphviz", "apt-get install graphviz")
    assert "'dot' was not found on PATH" in line
    assert not (workdir / "out.png").exists()

    # DOT output needs no Graphviz.
    result = run(seeded_home, "export", "treaty-alliance", "-o", "out.dot", cwd=workdir,
                 path=empty)
    assert_ok(result)
    check_body("dot", (workdir / "out.dot").read_bytes())
    assert os.environ["PATH"] != str(empty)  # the PATH was the invocation's only


def test_runner_without_graphviz(runner, workdir, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(_empty_bin(tmp_path)))
    out = workdir / "out.svg"
    result = runner.invoke(args=["export", "treaty-alliance", "-o", str(out)])
    assert_runner_error(result, "Graphviz", "apt-get install graphviz")
    assert not out.exists()


def test_impossible_date_is_a_one_line_error(runner, workdir):
    path = workdir / "dated.yaml"
    path.write_text(map_text().replace("sources:", "document:\n  date: 2025-13-45\nsources:"),
                    encoding="utf-8")
    assert_runner_error(runner.invoke(args=["export", str(path)]), "dated.yaml:")


def test_exporting_a_map_file_never_takes_a_stored_maps_text(app, runner, tmp_path):
    """A map file named like a stored map is still only the file: its export carries no
    source text, even though the stored map of that slug has one."""
    with app.app_context():
        session = db.session()
        with db.transaction(session):
            found = import_map(session, data=tiny_map(node("t", "thesis"), slug="tiny"))
            attach_text(session, found=found, text="The stored map's own source text.")
        db.close_session()
    path = tmp_path / "tiny.yaml"
    path.write_text("format: argmap-map/2\nslug: tiny\ntitle: Tiny map\nnodes:\n"
                    "  - {key: t, kind: thesis, text: A thesis.}\n")
    out = tmp_path / "tiny.json"
    result = runner.invoke(args=["export", str(path), "--format", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "stored map's own source text" not in out.read_text()
    assert json.loads(out.read_text())["map"].get("source_text") is None
