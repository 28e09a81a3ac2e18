"""A presenter downloads the op-ed map as a 16:9 slide deck in the print theme."""

import io

from pypdf import PdfReader

from argmap.formats.mapfile import load_map_file
from argmap.paths import SEEDS
from argmap.render.deck import direct_claims


def test_download_a_print_deck_from_the_map_page(page, server, tmp_path):
    page.goto(server.url + "/maps/treaty-alliance")
    page.get_by_text("Export…").click()
    page.get_by_label("Format").select_option("deck")
    page.get_by_label("Theme").select_option("print")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download").click()
    download = info.value
    assert download.suggested_filename == "treaty-alliance.print.deck.pdf"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    reader = PdfReader(io.BytesIO(target.read_bytes()))
    claims = direct_claims(load_map_file(SEEDS / "treaty-alliance.yaml"))
    assert len(reader.pages) == 1 + len(claims)
    for pdf_page in reader.pages:
        width, height = float(pdf_page.mediabox.width), float(pdf_page.mediabox.height)
        assert abs(width / height - 16 / 9) < 0.005
