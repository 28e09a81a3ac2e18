"""Kialo's text export is Markdown: it escapes punctuation with a backslash, and the import
drops those backslashes (a doubled backslash is one)."""

from argmap.formats import read
from argmap.formats.kialo import unescape

EXPORT = r"""Discussion Title: Should \[tariffs\] and troops be negotiated together?

1. Tariffs and troop costs should be negotiated together.
1.1. Pro: A claim \(with a note\) and \[a link\]
1.1.1. Con: Only \*some\* costs are \_shared\_: see C:\Users and a\\b \\\(sic\)
1.2. Con: -> See 1.1.1.
"""


def test_kialo_escapes_are_dropped():
    fmt, imported = read(EXPORT.encode(), "kialo.txt")
    assert fmt == "kialo" and imported.warnings == []
    data = imported.data
    assert data.title == "Should [tariffs] and troops be negotiated together?"
    texts = {n.key: n.text for n in data.nodes}
    assert texts["k-1-1"] == "A claim (with a note) and [a link]"
    # a backslash before a letter stays; "\\" is one backslash, "\(" a parenthesis
    assert texts["k-1-1-1"] == r"Only *some* costs are _shared_: see C:\Users and a\b \(sic)"
    assert not any("\\(" in t or "\\[" in t for t in (texts["k-1"], texts["k-1-1"]))
    # the cross-link is still one
    assert {(r.kind, r.premises, r.target) for r in data.relations} == {
        ("support", ("k-1-1",), "k-1"), ("attack", ("k-1-1-1",), "k-1-1"),
        ("attack", ("k-1-1-1",), "k-1")}


def test_unescape():
    assert unescape(r"\(a\) \[b\] \* \_ \\ \# \> \.") == r"(a) [b] * _ \ # > ."
    assert unescape(r"C:\Users\new a\b") == r"C:\Users\new a\b"
    assert unescape("\\") == "\\"  # a lone trailing backslash stays
