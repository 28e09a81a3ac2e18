"""Output stage: run the system Graphviz `dot` on DOT source, with a time limit.

The graphviz package's own pipe() has no timeout, and a huge map must never hang a web worker,
so `dot` is run directly here. A drawing's limit covers all its `dot` runs (a fitted page
takes two, a deck one per slide): each run gets what is left of one deadline.
"""

import functools
import hashlib
import shutil
import subprocess
import time
from pathlib import Path

from argmap.errors import GraphvizMissing, RenderError
from argmap.render.legibility import Printed, check

FORMATS = {"svg": "svg", "png": "png", "pdf": "pdf", "dot": "dot"}
MEDIA_TYPES = {"svg": "image/svg+xml", "png": "image/png", "pdf": "application/pdf",
               "dot": "text/vnd.graphviz; charset=utf-8", "deck": "application/pdf",
               "pptx": "application/vnd.openxmlformats-officedocument.presentationml"
                       ".presentation"}
# Cairo renders PNG and PDF with Pango, which finds fonts (and Hangul fallbacks) via fontconfig.
DEVICES = {"svg": "svg", "png": "png:cairo", "pdf": "pdf:cairo"}


# The output stage's own code: part of every cached drawing's key (see render.Drawing).
OUTPUT_STAGE = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


@functools.cache
def dot_version() -> str:
    """What `dot -V` says (Graphviz writes it to stderr); part of every cache key."""
    done = subprocess.run([dot_binary(), "-V"], capture_output=True, timeout=30, check=False)
    return (done.stderr or done.stdout).decode("utf-8", "replace").strip()


def dot_binary() -> str:
    found = shutil.which("dot")
    if found is None:
        raise GraphvizMissing()
    return found


class Deadline:
    """One time limit shared by the `dot` runs of one drawing."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise _too_slow(self.seconds)
        return left


def run_dot(source: str, fmt: str, *, timeout: float | Deadline = 30.0, dpi: int | None = None,
            page: tuple[float, float] | None = None, printed: Printed | None = None) -> bytes:
    """Run `dot`; with `page` (inches), the output is exactly that size (a slide), and with
    `printed` (its text sizes) it is refused when the slide would print them too small."""
    if fmt not in FORMATS:
        raise RenderError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")
    if fmt == "dot":
        return source.encode("utf-8")
    deadline = timeout if isinstance(timeout, Deadline) else Deadline(timeout)
    if page:
        source = fill_page(source, page, timeout=deadline, printed=printed)
    args = [f"-T{DEVICES[fmt]}"] + ([f"-Gdpi={int(dpi)}"] if dpi else [])
    return _dot(args, source, deadline)


def layout(source: str, *, timeout: float | Deadline = 30.0) -> str:
    """`dot -Tplain`: the layout's positions and sizes, in inches, as text."""
    deadline = timeout if isinstance(timeout, Deadline) else Deadline(timeout)
    return _dot(["-Tplain"], source, deadline).decode("utf-8", "replace")


PAGE_MARGIN = 0.2  # inches kept free around a drawing fitted to a page


def fill_page(source: str, page: tuple[float, float], *, timeout: Deadline,
              printed: Printed | None = None) -> str:
    """Pad the drawing so that, scaled to the page (`size`), it fills the page exactly.

    Graphviz scales drawing plus padding into `size` keeping its shape, which leaves the page
    short in one direction. Padding (in the drawing's own units, measured in a first pass) to
    the page's shape, with a margin, fixes that. With `printed`, the scale must keep its
    text legible (legibility.py), and a drawing with little in it grows only so far.
    """
    plain = layout(source, timeout=timeout)
    width, height = (float(v) for v in plain.split("\n", 1)[0].split()[2:4])
    scale = min((page[0] - 2 * PAGE_MARGIN) / width, (page[1] - 2 * PAGE_MARGIN) / height)
    if printed:
        check(printed, scale, page)
        scale = min(scale, printed.most_scale())
    pad_x = (page[0] / scale - width) / 2
    pad_y = (page[1] / scale - height) / 2
    return source.rstrip().removesuffix("}") + f'\tgraph [pad="{pad_x:.4f},{pad_y:.4f}"]\n}}\n'


def _too_slow(seconds: float) -> RenderError:
    return RenderError(f"Drawing this view took longer than {seconds:g} s, so it was "
                       "stopped. Draw part of it instead: focus on a node (with depth 2), "
                       "hide evidence, or collapse branches.")


def _dot(args: list[str], source: str, deadline: Deadline) -> bytes:
    try:
        done = subprocess.run([dot_binary(), *args], input=source.encode("utf-8"),
                              capture_output=True, timeout=deadline.left(), check=False)
    except subprocess.TimeoutExpired as exc:
        raise _too_slow(deadline.seconds) from exc
    except FileNotFoundError as exc:
        raise GraphvizMissing() from exc
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RenderError(f"Graphviz failed: {detail[0] if detail else 'no message'}")
    return done.stdout
