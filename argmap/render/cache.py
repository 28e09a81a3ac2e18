"""A render cache shared by every worker: files in the instance folder, written atomically.

Keys are the drawing's own (render.Drawing.key: the DOT text, the format and options, and
the `dot` version), so an entry is never stale: a change that alters the drawing alters the
key, and old drawings simply age out when the folder grows past its size bound.
"""

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path


class RenderCache:
    def __init__(self, folder: str | os.PathLike, *, max_bytes: int):
        self.folder = Path(folder)
        self.max_bytes = max_bytes

    def path(self, *parts: object) -> Path:
        digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()
        return self.folder / digest[:2] / digest

    def get(self, parts: tuple) -> bytes | None:
        try:
            return self.path(*parts).read_bytes()
        except FileNotFoundError:
            return None

    def get_or_render(self, parts: tuple, render: Callable[[], bytes]) -> bytes:
        target = self.path(*parts)
        try:
            return target.read_bytes()
        except FileNotFoundError:
            pass
        data = render()
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)  # readers see the old file or the whole new one
        self.evict()
        return data

    def evict(self) -> None:
        """Drop the least recently written entries until the folder fits its bound."""
        entries = []
        for entry in self.folder.glob("*/*"):
            try:
                stat = entry.stat()
            except FileNotFoundError:  # another worker evicted it meanwhile
                continue
            if not entry.name.startswith(".tmp-"):
                entries.append((stat.st_mtime, stat.st_size, entry))
        total = sum(size for _, size, _ in entries)
        for _, size, entry in sorted(entries):
            if total <= self.max_bytes:
                break
            entry.unlink(missing_ok=True)
            total -= size
