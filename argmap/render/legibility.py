"""The legibility rule for slides: on a 16:9 or 4:3 slide no text argmap writes is smaller
than 14 pt, and node texts are at least 18 pt, which a room can read from the back row.

A drawing knows the sizes it prints at scale 1 (`Printed`); fitting it to a slide scales
them, and the output stage (run.fill_page) refuses a fit that would print them smaller.
"""

from dataclasses import dataclass

from argmap.errors import Illegible

TEXT_PT = 14.0
NODE_TEXT_PT = 18.0
LARGEST_NODE_TEXT_PT = 32.0  # a slide with little on it is filled only up to this


@dataclass(frozen=True)
class Printed:
    """The smallest sizes a drawing prints, in points, before it is scaled."""

    text: float  # anything: captions, citations, edge labels, the legend
    node_text: float  # a node's title and text

    def least_scale(self) -> float:
        return max(TEXT_PT / self.text, NODE_TEXT_PT / self.node_text)

    def most_scale(self) -> float:
        return LARGEST_NODE_TEXT_PT / self.node_text


def check(printed: Printed, scale: float, page: tuple[float, float]) -> None:
    if scale >= printed.least_scale() - 1e-6:
        return
    smallest = printed.text * scale
    shape = f"{page[0]:g} \u00d7 {page[1]:g} in"
    raise Illegible(
        f"Fitted to a slide ({shape}), this drawing's smallest text would be "
        f"{smallest:.1f} pt and its node text {printed.node_text * scale:.1f} pt; slides need "
        f"{TEXT_PT:g} pt, and {NODE_TEXT_PT:g} pt for node text. Export the deck instead "
        "(format deck or pptx), which spreads the map over slides, or draw less: a focused "
        "view (focus on a node), labels=titles, or hide evidence.", smallest=smallest)
