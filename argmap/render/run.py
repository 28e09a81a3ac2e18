"""Output stage: run the system Graphviz `dot` on DOT source, with a time limit.

The graphviz package's own pipe() has no timeout, and a huge map must never hang a web worker,
so `dot` is run directly here.
"""

import shutil
import subprocess

from argmap.errors import GraphvizMissing, RenderError

FORMATS = {"svg": "svg", "png": "png", "pdf": "pdf", "dot": "dot"}
MEDIA_TYPES = {"svg": "image/svg+xml", "png": "image/png", "pdf": "application/pdf",
               "dot": "text/vnd.graphviz; charset=utf-8"}
# Cairo renders PNG and PDF with Pango, which finds fonts (and Hangul fallbacks) via fontconfig.
DEVICES = {"svg": "svg", "png": "png:cairo", "pdf": "pdf:cairo"}


def dot_binary() -> str:
    found = shutil.which("dot")
    if found is None:
        raise GraphvizMissing()
    return found


def run_dot(source: str, fmt: str, *, timeout: float = 30.0, dpi: int | None = None) -> bytes:
    if fmt not in FORMATS:
        raise RenderError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")
    if fmt == "dot":
        return source.encode("utf-8")
    args = [dot_binary(), f"-T{DEVICES[fmt]}"]
    if dpi:
        args.append(f"-Gdpi={int(dpi)}")
    try:
        done = subprocess.run(args, input=source.encode("utf-8"), capture_output=True,
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise RenderError(f"Graphviz took longer than {timeout:g} s; try a smaller map or a "
                          "focused view") from exc
    except FileNotFoundError as exc:
        raise GraphvizMissing() from exc
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RenderError(f"Graphviz failed: {detail[0] if detail else 'no message'}")
    return done.stdout
