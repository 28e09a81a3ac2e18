"""The `argmap` command, through Flask's CLI runner and through the installed console script.

Console-script runs get their own instance folder under tmp_path and their own database (a
SQLite file, or a PostgreSQL database in the PostgreSQL run), through ARGMAP_INSTANCE and
DATABASE_URL, so they never touch the repository's instance folder.
"""

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from argmap import paths
from argmap.formats.mapfile import load_map_file

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


# --- console-script helpers --------------------------------------------------------------------


HOME_DATABASES: dict[Path, str] = {}


@pytest.fixture(autouse=True)
def home_database(databases, tmp_path) -> str:
    """The database of console-script runs whose home is this test's tmp_path."""
    HOME_DATABASES[tmp_path] = databases.new(tmp_path, "cli")
    yield HOME_DATABASES[tmp_path]
    del HOME_DATABASES[tmp_path]


def cli(home: Path, *args: str, cwd: Path | None = None,
        path: Path | None = None) -> subprocess.CompletedProcess:
    """Run the installed `argmap` script with its instance folder under `home`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    env["ARGMAP_INSTANCE"] = str(home / "inst")
    env["DATABASE_URL"] = HOME_DATABASES[home]
    if path is not None:
        env["PATH"] = str(path)
    return subprocess.run([str(ARGMAP), *args], cwd=cwd or home, env=env, capture_output=True,
                          text=True, timeout=120, check=False)


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


def assert_runner_error(result, *phrases: str) -> str:
    assert isinstance(result.exception, SystemExit), result.exception
    return one_line_error(result.exit_code, result.stdout, result.stderr, phrases)


@pytest.fixture(scope="module")
def seeded_home(tmp_path_factory, databases) -> Path:
    """An instance folder and database on which `argmap init` has run."""
    assert ARGMAP.is_file(), f"console script not installed at {ARGMAP}"
    home = tmp_path_factory.mktemp("seeded")
    HOME_DATABASES[home] = databases.new(home, "cli")
    databases.keep(HOME_DATABASES[home])
    proc = cli(home, "init")
    assert proc.returncode == 0, proc.stderr
    return home


@pytest.fixture
def workdir(tmp_path) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    return work


# --- init ------------------------------------------------------------------------------------


def test_init_creates_the_database_and_is_safe_to_rerun(tmp_path, home_database):
    db_file = tmp_path / "cli.sqlite3"
    assert not db_file.exists()
    assert tables(home_database) == []

    first = cli(tmp_path, "init")
    assert first.returncode == 0, first.stderr
    assert f"database: {home_database}" in first.stdout
    assert "treaty-alliance: loaded" in first.stdout
    assert "Traceback" not in first.stderr
    assert (tmp_path / "inst").is_dir()
    db_file = home_database
    assert slugs(db_file) == {"treaty-alliance"}
    stored = counts(db_file)
    assert stored == (1, len(SEED_DATA.sources), len(SEED_DATA.nodes), len(SEED_DATA.relations))

    second = cli(tmp_path, "init")
    assert second.returncode == 0, second.stderr
    assert "treaty-alliance: already present" in second.stdout
    assert "loaded" not in second.stdout
    assert counts(db_file) == stored


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


def test_init_with_a_broken_seed_stores_nothing(tmp_path, home_database):
    seeds = _seed_dir(tmp_path)
    proc = cli(tmp_path, "init", "--seeds", str(seeds))
    assert_one_line_error(proc, f"{seeds / 'b-broken.yaml'}:{KIND_LINE}:",
                          "unknown kind 'claimz'")
    # Seeds are checked before anything is written, so not even the schema was created.
    assert tables(home_database) == []


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


# --- export through the console script ---------------------------------------------------------


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf", "dot"])
def test_console_script_exports(seeded_home, workdir, fmt):
    out = workdir / f"out.{fmt}"
    proc = cli(seeded_home, "export", "treaty-alliance", "--format", fmt, "-o", str(out),
               cwd=workdir)
    assert proc.returncode == 0, proc.stderr
    body = out.read_bytes()
    check_body(fmt, body)
    assert proc.stderr.strip() == f"wrote {out} ({len(body):,} bytes)"


def test_console_script_exports_a_map_file_without_the_database(tmp_path, workdir,
                                                               home_database):
    proc = cli(tmp_path, "export", str(SEED), "-o", "seed.svg", cwd=workdir)
    assert proc.returncode == 0, proc.stderr
    check_body("svg", (workdir / "seed.svg").read_bytes())

    write_map(workdir / "mine.yaml")
    proc = cli(tmp_path, "export", "mine.yaml", cwd=workdir)
    assert proc.returncode == 0, proc.stderr
    check_body("svg", (workdir / "cli-map.svg").read_bytes())
    assert not (tmp_path / "cli.sqlite3").exists() and tables(home_database) == []


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
def test_console_script_errors(seeded_home, workdir, case):
    args, phrases = case(workdir)
    before = sorted(p.name for p in workdir.iterdir())
    assert_one_line_error(cli(seeded_home, *args, cwd=workdir), *phrases)
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


def test_unknown_slug_before_init(tmp_path):
    proc = cli(tmp_path, "export", "treaty-alliance")
    assert_one_line_error(proc, "is not initialised; run 'argmap init'")


def test_console_script_without_graphviz(seeded_home, workdir, tmp_path):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    proc = cli(seeded_home, "export", "treaty-alliance", "--format", "png", "-o", "out.png",
               cwd=workdir, path=empty)
    line = assert_one_line_error(proc, "Graphviz", "apt-get install graphviz")
    assert "'dot' was not found on PATH" in line
    assert not (workdir / "out.png").exists()

    # DOT output needs no Graphviz.
    proc = cli(seeded_home, "export", "treaty-alliance", "-o", "out.dot", cwd=workdir,
               path=empty)
    assert proc.returncode == 0, proc.stderr
    check_body("dot", (workdir / "out.dot").read_bytes())


def test_runner_without_graphviz(runner, workdir, tmp_path, monkeypatch):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    out = workdir / "out.svg"
    result = runner.invoke(args=["export", "treaty-alliance", "-o", str(out)])
    assert_runner_error(result, "Graphviz", "apt-get install graphviz")
    assert not out.exists()


def test_impossible_date_is_a_one_line_error(runner, workdir):
    path = workdir / "dated.yaml"
    path.write_text(map_text().replace("sources:", "document:\n  date: 2025-13-45\nsources:"),
                    encoding="utf-8")
    assert_runner_error(runner.invoke(args=["export", str(path)]), "dated.yaml:")
