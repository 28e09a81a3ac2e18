"""A presenter downloads the op-ed map as a 16:9 slide deck in the print theme, and as
PowerPoint, from the Export dialog."""

import io

from pptx import Presentation
from pypdf import PdfReader

from argmap.formats.mapfile import load_map_file
from argmap.paths import SEEDS
from argmap.render import ExportOptions, drawing

SEED = load_map_file(SEEDS / "treaty-alliance.yaml")


def download(page, server, tmp_path, fmt: str):
    page.goto(server.url + "/maps/treaty-alliance")
    page.get_by_text("Export…").click()
    page.get_by_label("Format").select_option(fmt)
    page.get_by_label("Theme").select_option("print")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download").click()
    download = info.value
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    return download.suggested_filename, target.read_bytes()


def test_download_a_print_deck_from_the_map_page(page, server, tmp_path):
    name, body = download(page, server, tmp_path, "deck")
    assert name == "treaty-alliance.print.deck.pdf"
    reader = PdfReader(io.BytesIO(body))
    slides = drawing(SEED, ExportOptions(theme="print"), "deck").sources
    assert len(reader.pages) == len(slides) > 8
    for pdf_page in reader.pages:
        width, height = float(pdf_page.mediabox.width), float(pdf_page.mediabox.height)
        assert abs(width / height - 16 / 9) < 0.005
    assert "overview" in reader.pages[0].extract_text()


def test_download_the_deck_as_powerpoint(page, server, tmp_path):
    name, body = download(page, server, tmp_path, "pptx")
    assert name == "treaty-alliance.print.pptx"
    deck = Presentation(io.BytesIO(body))
    slides = drawing(SEED, ExportOptions(theme="print"), "deck").sources
    assert len(deck.slides) == len(slides)
    assert "overview" in deck.slides[0].shapes.title.text_frame.text
