"""What part of a map the page shows, kept in its address (focus=k&depth=2, collapse=a,b,
expand=c), so that links, the back button, the live refresh and the view tabs keep it.

A map above LAZY_DIAGRAM_NODES opens on its roots and two levels below them; every other
map opens whole. `open=k` in an address (what a "+N hidden" box links to) expands k.
"""

from dataclasses import dataclass, replace

from argmap.errors import InvalidInput
from argmap.mapdata import MapData
from argmap.render.select import View, path_to, unfold

LAZY_DIAGRAM_NODES = 150  # above this, the page does not wait for `dot`, nor draw it all
OPEN_LEVELS = 2  # how far below its roots a big map opens
DEPTHS = (1, 2, 3)  # a focus shows this many levels below the node
MAX_KEYS = 200  # nodes named in collapse= or expand=
MAX_KEY = 80  # characters in a node key (models.Node.key)
NAMES = ("focus", "depth", "collapse", "expand", "open")


def _keys(name: str, raw: str) -> tuple[str, ...]:
    keys = tuple(dict.fromkeys(k.strip() for k in raw.split(",") if k.strip()))
    if len(keys) > MAX_KEYS:
        raise InvalidInput(f"{name}: at most {MAX_KEYS} nodes (this names {len(keys)})",
                           field=name)
    if any(len(k) > MAX_KEY for k in keys):
        raise InvalidInput(f"{name}: a node key has at most {MAX_KEY} characters", field=name)
    return keys


@dataclass(frozen=True)
class ViewState:
    focus: str | None = None
    depth: int = 2
    collapse: tuple[str, ...] = ()
    expand: tuple[str, ...] = ()

    @classmethod
    def parse(cls, args) -> "ViewState":
        """From a query string; bad values are InvalidInput (a 400 with the message)."""
        if len(args.get("collapse", "")) + len(args.get("expand", "")) > MAX_KEYS * MAX_KEY:
            raise InvalidInput("collapse: too many nodes in the address", field="collapse")
        focus = args.get("focus", "").strip() or None
        if focus is not None and len(focus) > MAX_KEY:
            raise InvalidInput(f"focus: a node key has at most {MAX_KEY} characters",
                               field="focus")
        depth_text = args.get("depth", "").strip() or "2"
        if depth_text not in {str(d) for d in DEPTHS}:
            raise InvalidInput(f"depth: must be 1, 2 or 3, not {depth_text[:20]!r}",
                               field="depth")
        state = cls(focus, int(depth_text), _keys("collapse", args.get("collapse", "")),
                    _keys("expand", args.get("expand", "")))
        opened = args.get("open", "").strip()
        return state.opening(opened) if opened else state

    @property
    def whole(self) -> bool:
        return self == ViewState()

    def query(self) -> dict[str, str]:
        """The non-default parts, as url_for's arguments."""
        args = {}
        if self.focus:
            args["focus"] = self.focus
            if self.depth != 2:
                args["depth"] = str(self.depth)
        if self.collapse:
            args["collapse"] = ",".join(self.collapse)
        if self.expand:
            args["expand"] = ",".join(self.expand)
        return args

    def opening(self, key: str) -> "ViewState":
        expand = self.expand if key in self.expand else self.expand + (key,)
        return replace(self, collapse=tuple(k for k in self.collapse if k != key),
                       expand=expand[-MAX_KEYS:])

    def closing(self, key: str) -> "ViewState":
        collapse = self.collapse if key in self.collapse else self.collapse + (key,)
        return replace(self, expand=tuple(k for k in self.expand if k != key),
                       collapse=collapse[-MAX_KEYS:])

    def focused(self, key: str | None, depth: int = 2) -> "ViewState":
        """Focused on `key` (None: the whole map); what was opened or closed is forgotten."""
        return ViewState(key, depth) if key else ViewState()

    def revealing(self, data: MapData, key: str, *, shown=None) -> "ViewState":
        """The state with every node above `key` open, so that `key` is drawn (`shown`:
        the keys this state draws, when the caller has them)."""
        state = self
        if key in (self.view(data).data.nodes_by_key if shown is None else shown):
            return state
        path = path_to(data, key, focus=self.focus)
        if self.focus and not path and key != self.focus:  # outside the focus: leave it
            state, path = ViewState(), path_to(data, key)
        levels = state.levels(data)
        for level, above in enumerate(path):  # a shortest path: its index is its level
            if above in state.collapse or (levels is not None and level >= levels
                                           and above not in state.expand):
                state = state.opening(above)
        return state

    def levels(self, data: MapData) -> int | None:
        return self.depth if self.focus else (OPEN_LEVELS if big(data) else None)

    def known(self, data: MapData) -> "ViewState":
        """The state without the nodes the map no longer has (deleted since)."""
        known = data.nodes_by_key
        if self.focus and self.focus not in known:
            return ViewState()
        return replace(self, collapse=tuple(k for k in self.collapse if k in known),
                       expand=tuple(k for k in self.expand if k in known))

    def check(self, data: MapData) -> None:
        known = data.nodes_by_key
        for name, keys in (("focus", (self.focus,) if self.focus else ()),
                           ("collapse", self.collapse), ("expand", self.expand)):
            for key in keys:
                if key not in known:
                    raise InvalidInput(f"{name}: no node {key!r} in this map", field=name)

    def view(self, data: MapData) -> View:
        """What the page draws (and the outline lists) of `data`."""
        return unfold(data, focus=self.focus, levels=self.levels(data), expand=self.expand,
                      collapse=self.collapse)


def big(data: MapData) -> bool:
    return len(data.nodes) > LAZY_DIAGRAM_NODES
