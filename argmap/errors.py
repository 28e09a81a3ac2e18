"""Errors that reach a user: each carries one line saying what went wrong and where."""


class ArgmapError(Exception):
    """Base class; str(error) is the message shown on the CLI or next to a form field."""


class NotFound(ArgmapError):
    pass


class InvalidInput(ArgmapError):
    """Bad input for one field; `field` names it so the web UI can show the message there."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


class Conflict(ArgmapError):
    """Someone else changed what this change depends on; nothing was stored. `current` holds
    their version, when there is one, for the user to compare and merge."""

    by: str | None  # set by the web layer: whose change got there first

    def __init__(self, message: str, *, current=None):
        super().__init__(message)
        self.current = current


class MapFileError(ArgmapError):
    """A map file that cannot be read or does not follow docs/map-format.md."""

    def __init__(self, path: str, message: str, *, line: int | None = None):
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line


class RenderError(ArgmapError):
    pass


class TooLarge(RenderError):
    """A view with more nodes than argmap draws at once."""

    def __init__(self, count: int, limit: int):
        super().__init__(
            f"This view has {count:,} nodes; argmap draws at most {limit:,} at once. Draw part "
            "of it instead: focus on a node (for example focus=thesis with depth 2), hide "
            "evidence, or collapse branches.")
        self.count = count
        self.limit = limit


class Illegible(RenderError):
    """A drawing fitted to a slide would print text smaller than slides allow."""

    def __init__(self, message: str, *, smallest: float):
        super().__init__(message)
        self.smallest = smallest


class DrawingBudgetSpent(RenderError):
    """A reader has used the new drawings they may start for now (see domain/drawing.py)."""

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class GraphvizMissing(RenderError):
    def __init__(self) -> None:
        super().__init__(
            "Graphviz 'dot' was not found on PATH. Install Graphviz: "
            "'sudo apt-get install graphviz' on Debian/Ubuntu, 'brew install graphviz' on macOS, "
            "or see https://graphviz.org/download/"
        )
