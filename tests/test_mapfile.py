"""The map-file reader: what a valid file parses into, and the file:line of every error."""

import datetime as dt

import pytest

from argmap import paths
from argmap.errors import MapFileError
from argmap.formats.mapfile import load_map_file, parse_map_text
from argmap.mapdata import DocumentMeta, RelationData, SourceData

PATH = "maps/tiny.yaml"

# The base map, one entry per line, so every variant below can say which line its error is on.
# It starts with a comment so that "the first line of the map" is line 2, not line 1.
BASE_LINES = [
    "# A tiny map for the reader's tests",
    "format: argmap-map/1",
    "slug: tiny-map",
    "title: A tiny map",
    "description: >",
    "  Folded description",
    "  over two lines.",
    "author: Map Editor",
    "document:",
    "  title: The article",
    "  author: A. Writer",
    "  date: 2025-04-22",
    "  url: https://example.org/article",
    "sources:",
    "  treaty:",
    "    document: The treaty",
    "    locator: Article IV",
    "    quote: as agreed",
    "    url: https://example.org/treaty",
    "nodes:",
    "  - key: thesis",
    "    kind: thesis",
    "    title: The thesis",
    "    text: The thesis.",
    "  - key: claim",
    "    kind: claim",
    "    text: A claim.",
    "    passage:",
    "      paragraph: 3",
    "      quote: a claim",
    "    supports: thesis",
    "  - key: evidence",
    "    kind: evidence",
    "    text: Some evidence.",
    "    cites: treaty",
    "    supports: claim",
    "  - key: rebuttal",
    "    kind: rebuttal",
    "    text: A rebuttal.",
    "    author: Someone Else",
    "    origin: editor",
    "    attacks: thesis",
    '    undercuts: "evidence -> claim"',
]


def text_of(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


def line_of(content: str, lines: list[str] = BASE_LINES) -> int:
    """The 1-based number of the one line that is exactly `content`."""
    found = [n for n, line in enumerate(lines, start=1) if line == content]
    assert len(found) == 1, f"{content!r} is on lines {found}"
    return found[0]


def replaced(old: str, *new: str) -> tuple[list[str], int]:
    """BASE_LINES with line `old` replaced by the `new` lines; returns them and old's line."""
    n = line_of(old)
    return BASE_LINES[:n - 1] + list(new) + BASE_LINES[n:], n


def inserted_after(anchor: str, *new: str) -> tuple[list[str], int]:
    """BASE_LINES with `new` inserted after `anchor`; returns them and the first new line."""
    n = line_of(anchor)
    return BASE_LINES[:n] + list(new) + BASE_LINES[n:], n + 1


def deleted(old: str) -> list[str]:
    n = line_of(old)
    return BASE_LINES[:n - 1] + BASE_LINES[n:]


def parse_error(text: str) -> MapFileError:
    with pytest.raises(MapFileError) as err:
        parse_map_text(text, PATH)
    return err.value


# --- the valid map -------------------------------------------------------------------------


def test_valid_map_parses_to_map_data():
    data = parse_map_text(text_of(BASE_LINES), PATH)

    assert data.slug == "tiny-map"
    assert data.title == "A tiny map"
    assert data.description == "Folded description over two lines."
    assert data.document == DocumentMeta(title="The article", author="A. Writer", outlet=None,
                                         date=dt.date(2025, 4, 22),
                                         url="https://example.org/article")
    assert type(data.document.date) is dt.date
    assert data.sources == (SourceData(key="treaty", document="The treaty", locator="Article IV",
                                       quote="as agreed", url="https://example.org/treaty"),)

    assert [n.key for n in data.nodes] == ["thesis", "claim", "evidence", "rebuttal"]
    by_key = data.nodes_by_key
    assert {k: n.kind for k, n in by_key.items()} == {
        "thesis": "thesis", "claim": "claim", "evidence": "evidence", "rebuttal": "rebuttal"}
    assert by_key["thesis"].title == "The thesis"
    assert by_key["claim"].text == "A claim."
    assert by_key["claim"].passage_paragraph == 3
    assert by_key["claim"].passage_quote == "a claim"
    assert by_key["evidence"].cites == "treaty"
    assert [n.cites for n in data.nodes if n.key != "evidence"] == [None, None, None]
    # The top-level author is the default; a node's own author overrides it.
    assert [n.author for n in data.nodes] == ["Map Editor"] * 3 + ["Someone Else"]
    assert [n.origin for n in data.nodes] == ["document"] * 3 + ["editor"]

    assert data.relations == (
        RelationData(kind="support", premises="claim", target="thesis"),
        RelationData(kind="support", premises="evidence", target="claim"),
        RelationData(kind="attack", premises="rebuttal", target="thesis"),
        RelationData(kind="undercut", premises="rebuttal", target="evidence -> claim"),
    )
    undercut = data.relations[-1]
    assert undercut.is_undercut
    assert undercut.target == data.relations[1].ref


def test_relation_lists_and_boundaries_are_accepted():
    lines, _ = replaced("    supports: claim", "    supports: [claim, thesis]")
    lines[line_of("    text: A claim.", lines) - 1] = "    text: " + "x" * 2000
    lines[line_of("    quote: as agreed", lines) - 1] = "    quote: " + "q" * 200
    lines[line_of('    undercuts: "evidence -> claim"', lines) - 1] = (
        '    undercuts: ["evidence -> claim", "  evidence->thesis "]')
    data = parse_map_text(text_of(lines), PATH)

    assert len(data.nodes_by_key["claim"].text) == 2000
    assert data.sources[0].quote == "q" * 200
    assert [(r.kind, r.premises[0], r.target) for r in data.relations] == [
        ("support", "claim", "thesis"),
        ("support", "evidence", "claim"),
        ("support", "evidence", "thesis"),
        ("attack", "rebuttal", "thesis"),
        ("undercut", "rebuttal", "evidence -> claim"),
        ("undercut", "rebuttal", "evidence -> thesis"),
    ]


def test_map_without_document_or_default_author():
    lines = [line for line in BASE_LINES if line not in ("author: Map Editor",)]
    start, end = line_of("document:", lines), line_of("sources:", lines)
    lines = lines[:start - 1] + lines[end - 1:]
    data = parse_map_text(text_of(lines), PATH)
    assert data.document == DocumentMeta()
    assert [n.author for n in data.nodes] == [None, None, None, "Someone Else"]


# --- malformed variants: (lines, expected line, phrases the message must contain) ----------


def _variants():
    v = {}

    lines, n = replaced("    text: A claim.", "    text: A claim: with a colon")
    v["invalid-yaml"] = (lines, n, ["invalid YAML", "mapping values are not allowed here"])

    lines, n = replaced("    kind: claim", "    kind: [claim")
    v["invalid-yaml-unclosed-flow"] = (lines, n + 1, ["invalid YAML", "expected ',' or ']'"])

    lines, n = replaced("format: argmap-map/1", "format: argmap-map/9")
    v["format-wrong"] = (lines, n, ["'format' must be 'argmap-map/2' (or the older "
                                    "'argmap-map/1'), not 'argmap-map/9'"])

    # Without `format` the error names the first line of the map (line 2, after the comment).
    v["format-missing"] = (deleted("format: argmap-map/1"), 2,
                           ["'format' must be 'argmap-map/2'", "not None"])

    lines, n = inserted_after("title: A tiny map", "colour: blue")
    v["unknown-top-field"] = (lines, n, ["the map: unknown field 'colour'", "allowed: author"])

    for name, slug in (("slug-invalid", "Tiny Map"), ("slug-path", "../../etc/x")):
        lines, n = replaced("slug: tiny-map", f"slug: {slug}")
        v[name] = (lines, n, ["the map: field 'slug'", "may contain only lowercase letters"])

    lines, n = replaced("  url: https://example.org/article", "  url: javascript:alert(1)")
    v["document-bad-url"] = (lines, n, ["document: field 'url'",
                                        "must be a web address starting with http://"])

    v["title-missing"] = (deleted("title: A tiny map"), 2,
                          ["the map: field 'title'"])

    lines, n = replaced("    supports: thesis", "    suports: thesis")
    v["unknown-node-field"] = (lines, n, ["node 'claim': unknown field 'suports'",
                                          "supports"])

    lines, n = replaced("  - key: claim", "  - key: Claim Key")
    v["node-key-invalid"] = (lines, n, ["node 'Claim Key': field 'key'",
                                        "may contain only lowercase letters"])

    lines, n = replaced("      quote: a claim", "      qoute: a claim")
    v["unknown-passage-field"] = (lines, n, ["node 'claim' passage: unknown field 'qoute'"])

    lines, n = replaced("  - key: claim", "  - title: no key")
    v["key-missing"] = (lines, n, ["node '#2': 'key' is required"])

    lines = deleted("    text: A claim.")
    v["text-missing"] = (lines, line_of("  - key: claim"), ["node 'claim': 'text' is required"])

    lines, _ = replaced("    text: A claim.", '    text: ""')
    v["text-empty"] = (lines, line_of("  - key: claim"), ["node 'claim': 'text' is required"])

    lines, n = replaced("    text: A claim.", '    text: "   "')
    v["text-whitespace"] = (lines, n, ["node 'claim': field 'text'", "is empty"])

    lines, n = replaced("    text: A claim.", "    text: " + "x" * 2001)
    v["text-too-long"] = (lines, n, ["node 'claim': field 'text'", "at most 2000)"])

    lines, n = replaced("    title: The thesis", "    title: " + "t" * 121)
    v["title-too-long"] = (lines, n, ["node 'thesis': field 'title'", "at most 120)"])

    lines, n = replaced("    kind: claim", "    kind: claims")
    v["kind-unknown"] = (lines, n, ["node 'claim': unknown kind 'claims'",
                                    "expected one of thesis, claim, evidence, rebuttal"])

    lines, n = replaced("    origin: editor", "    origin: editors")
    v["origin-unknown"] = (lines, n, ["node 'rebuttal': field 'origin'",
                                      "expected document, editor or reconstruction"])

    lines, n = replaced("      paragraph: 3", "      paragraph: 0")
    v["passage-paragraph-zero"] = (lines, n - 1, ["node 'claim': field 'passage.paragraph'"])

    lines, n = replaced("  - key: rebuttal", "  - key: claim")
    v["key-duplicate"] = (lines, n, ["node 'claim': duplicate key",
                                     f"first used on line {line_of('  - key: claim')}"])

    lines, n = replaced("    supports: thesis", "    supports: thesys")
    v["supports-unknown-node"] = (lines, n, [
        "node 'claim': 'claim' points at an unknown statement 'thesys'"])

    lines, n = replaced("    attacks: thesis", "    attacks: [claim, nobody]")
    v["attacks-unknown-node"] = (lines, n, [
        "node 'rebuttal': 'rebuttal' points at an unknown statement 'nobody'"])

    lines, n = replaced("    supports: thesis", "    supports: claim")
    v["self-support"] = (lines, n, ["node 'claim': a node cannot support or attack itself"])

    lines, n = replaced("    attacks: thesis", "    attacks: rebuttal")
    v["self-attack"] = (lines, n, ["node 'rebuttal': a node cannot support or attack itself"])

    lines, n = replaced("    supports: thesis", "    supports: [thesis, thesis]")
    v["relation-duplicate"] = (lines, n, [
        "node 'claim': 'claim' already argues about 'thesis' in another step"])

    # A support and an attack between the same pair is a duplicate as well.
    lines, n = replaced("    attacks: thesis", "    supports: thesis", "    attacks: thesis")
    v["relation-duplicate-across-kinds"] = (lines, n + 1, [
        "node 'rebuttal': 'rebuttal' already argues about 'thesis' in another step"])

    lines, n = replaced("    supports: thesis", "    supports: 42")
    v["relation-target-not-key"] = (lines, n, ["node 'claim': support target must be a key"])

    lines, n = replaced('    undercuts: "evidence -> claim"', '    undercuts: "thesis -> claim"')
    v["undercut-no-such-support"] = (lines, n, [
        "node 'rebuttal': 'thesis -> claim' is not a support step of this map"])

    lines, n = replaced('    undercuts: "evidence -> claim"', '    undercuts: "evidence claim"')
    v["undercut-malformed"] = (lines, n, [
        "node 'rebuttal': undercuts must name a support step as 'from-key -> to-key'",
        "not 'evidence claim'"])

    lines, n = replaced('    undercuts: "evidence -> claim"', '    undercuts: "evidence -> "')
    v["undercut-half"] = (lines, n, ["undercuts must name a support step"])

    lines, n = inserted_after("    supports: claim", '    undercuts: "evidence -> claim"')
    v["undercut-own-inference"] = (lines, n, [
        "node 'evidence': a node cannot undercut an inference it is part of"])

    lines = deleted("    cites: treaty")
    v["evidence-without-cites"] = (lines, line_of("  - key: evidence"), [
        "node 'evidence': evidence must cite a source"])

    lines, n = replaced("    cites: treaty", "    cites: treety")
    v["cites-unknown-source"] = (lines, n, ["node 'evidence': cites unknown source 'treety'"])

    # The error names the first line of the source's entry.
    lines = deleted("    locator: Article IV")
    v["source-missing-locator"] = (lines, line_of("  treaty:"), [
        "source 'treaty': field 'locator': Field required"])

    # A bad source key, like a missing field, is reported on the line of the key.
    lines, n = replaced("  treaty:", "  Bad Source:")
    v["source-key-invalid"] = (lines, n, ["source 'Bad Source': field 'key'",
                                              "may contain only lowercase letters"])

    for name, url in (("source-url-ftp", "ftp://example.org/treaty"),
                      ("source-url-javascript", "javascript:alert(1)")):
        lines, n = replaced("    url: https://example.org/treaty", f"    url: {url}")
        v[name] = (lines, n, ["source 'treaty': field 'url'", "must be a web address starting with http://"])

    lines, n = replaced("    url: https://example.org/treaty", "    url: " + "u" * 501)
    v["source-url-too-long"] = (lines, n, ["source 'treaty': field 'url'",
                                           "at most 500)"])

    lines, n = replaced("    document: The treaty", "    document: " + "d" * 301)
    v["source-document-too-long"] = (lines, n, ["source 'treaty': field 'document'"])

    lines, n = replaced("    quote: as agreed", "    quote: " + "q" * 201)
    v["source-quote-too-long"] = (lines, n, ["source 'treaty': field 'quote'",
                                             "at most 200)"])

    lines, n = replaced("  treaty:", "  treaty: just a string")
    v["source-not-mapping"] = (lines[:n] + lines[n + 4:], n, [
        "source 'treaty' must be a mapping with document and locator"])

    lines, n = inserted_after("    locator: Article IV", "    page: 3")
    v["source-unknown-field"] = (lines, n, ["source 'treaty': unknown field 'page'"])

    lines, n = replaced("  date: 2025-04-22", "  date: April 2025")
    v["document-date-not-a-date"] = (lines, n, [
        "document date must be YYYY-MM-DD, not 'April 2025'"])

    lines, n = replaced("  title: The article", "  publisher: The Paper")
    v["document-unknown-field"] = (lines, n, ["document: unknown field 'publisher'"])

    n = line_of("nodes:")
    v["nodes-empty"] = (BASE_LINES[:n - 1] + ["nodes: []"], n,
                        ["'nodes' must be a non-empty list"])

    v["nodes-missing"] = (BASE_LINES[:n - 1], 2, ["'nodes' must be a non-empty list"])

    lines, n = inserted_after("nodes:", "  - just a string")
    v["node-not-mapping"] = (lines, line_of("nodes:"), ["node #1 must be a mapping"])

    return v


VARIANTS = _variants()


@pytest.mark.parametrize(("lines", "line", "phrases"), VARIANTS.values(), ids=VARIANTS.keys())
def test_malformed_map_names_line_and_problem(lines, line, phrases):
    err = parse_error(text_of(lines))
    message = str(err)
    assert err.path == PATH
    assert err.line == line, message
    assert message.startswith(f"{PATH}:{line}: "), message
    for phrase in phrases:
        assert phrase in message
    assert "\n" not in message


@pytest.mark.parametrize("text", ["- a list\n- not a mapping\n", "just a sentence\n", "",
                                  "# only a comment\n"],
                         ids=["list", "scalar", "empty", "comment-only"])
def test_top_level_must_be_a_mapping(text):
    err = parse_error(text)
    assert str(err) == f"{PATH}:1: a map file must be a YAML mapping (see docs/map-format.md)"


def test_error_without_line_is_path_colon_message():
    err = MapFileError("some/file.yaml", "something is wrong")
    assert str(err) == "some/file.yaml: something is wrong"
    assert err.line is None
    assert str(MapFileError("f.yaml", "bad", line=7)) == "f.yaml:7: bad"


def test_default_path_is_named():
    with pytest.raises(MapFileError, match=r"^<map>:1: a map file must be a YAML mapping"):
        parse_map_text("[]\n")


# --- load_map_file ---------------------------------------------------------------------------


def test_load_map_file_reads_a_file(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(text_of(BASE_LINES), encoding="utf-8")
    assert load_map_file(path) == parse_map_text(text_of(BASE_LINES), str(path))
    assert load_map_file(str(path)).slug == "tiny-map"


def test_load_map_file_errors_name_the_file_and_line(tmp_path):
    lines, n = replaced("    kind: claim", "    kind: claims")
    path = tmp_path / "broken.yaml"
    path.write_text(text_of(lines), encoding="utf-8")
    with pytest.raises(MapFileError) as err:
        load_map_file(path)
    assert str(err.value).startswith(f"{path}:{n}: node 'claim': unknown kind 'claims'")


def test_load_map_file_missing(tmp_path):
    path = tmp_path / "missing.yaml"
    with pytest.raises(MapFileError) as err:
        load_map_file(path)
    assert str(err.value) == f"{path}: cannot read map file: No such file or directory"
    assert err.value.path == str(path)
    assert err.value.line is None


def test_load_map_file_directory(tmp_path):
    path = tmp_path / "maps.yaml"
    path.mkdir()
    with pytest.raises(MapFileError) as err:
        load_map_file(path)
    assert str(err.value) == f"{path}: cannot read map file: Is a directory"
    assert err.value.line is None


def test_load_map_file_not_utf8(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(text_of(BASE_LINES).replace("A claim.", "Un caf\u00e9.").encode("latin-1"))
    with pytest.raises(MapFileError) as err:
        load_map_file(path)
    assert str(err.value).startswith(f"{path}: not UTF-8 text (")
    assert "invalid continuation byte" in str(err.value)
    assert err.value.line is None


# --- the bundled seed ------------------------------------------------------------------------


def test_bundled_seed_parses():
    data = load_map_file(paths.SEEDS / "treaty-alliance.yaml")
    assert data.slug == "treaty-alliance"
    assert data.title == "The weight of a treaty alliance"
    assert data.document.date == dt.date(2025, 4, 22)
    assert [n.key for n in data.nodes if n.kind == "thesis"] == ["thesis"]
    assert {n.kind for n in data.nodes} == {"thesis", "claim", "evidence", "rebuttal"}
    assert all(n.author for n in data.nodes)
    # Every evidence node cites a known source; every relation joins existing nodes.
    assert all(n.cites in data.sources_by_key for n in data.nodes if n.kind == "evidence")
    supports = {r.ref for r in data.relations if r.kind == "support"}
    for r in data.relations:
        assert r.premises[0] in data.nodes_by_key
        assert r.target in (supports if r.is_undercut else data.nodes_by_key)
    assert {r.target for r in data.relations if r.is_undercut} == {
        "mdt-article-4 + agreed-undone-by-agreement -> withdrawal-needs-consent",
        "korea-record -> sma-scope-fixed", "mdt-article-2 -> mdt-commits-defense"}


# --- known bugs (see the report): the reader crashes or rejects instead of a MapFileError --


def test_impossible_document_date_is_a_map_file_error():
    lines, n = replaced("  date: 2025-04-22", "  date: 2025-13-45")
    err = parse_error(text_of(lines))
    assert err.line == n


@pytest.mark.parametrize("old,new", [("    kind: claim", "    kind: [claim]"),
                                     ("    cites: treaty", "    cites: [treaty]")],
                         ids=["kind", "cites"])
def test_list_where_a_key_is_expected_is_a_map_file_error(old, new):
    lines, n = replaced(old, new)
    err = parse_error(text_of(lines))
    assert err.line == n


def test_map_without_sources_parses():
    start, end = line_of("sources:"), line_of("nodes:")
    lines = BASE_LINES[:start - 1] + BASE_LINES[end - 1:]
    lines = [line for line in lines if line != "    cites: treaty"]
    lines[line_of("    kind: evidence", lines) - 1] = "    kind: claim"
    assert parse_map_text(text_of(lines), PATH).sources == ()



def test_a_repeated_key_is_an_error_not_silently_dropped():
    text = "\n".join(BASE_LINES)
    at = text.index("    supports: thesis")
    doubled = text[:at] + "    supports: thesis\n" + text[at:]
    err = parse_error(doubled)
    assert "repeated" in str(err) and err.line == line_of("    supports: thesis") + 1


def test_a_passage_needs_a_quote():
    err = parse_error(text_of(deleted("      quote: a claim")))
    assert "needs a 'quote'" in str(err) and err.line == line_of("    passage:")
