"""Members' ratings of nodes ("how strong is this, taken alone", 0 to 4): one per member and
node; a node's base score for DF-QuAD is the mean rating mapped to [0, 1], else 0.5."""


from sqlalchemy import func
from sqlmodel import Session, select

from argmap.errors import InvalidInput
from argmap.models import Node, Rating, ident, utcnow, whole_number


def rate(session: Session, *, node: Node, user_id: int, value: str) -> None:
    number = whole_number(value, maximum=4)
    if number is None:
        raise InvalidInput("rate from 0 (very weak) to 4 (very strong)", field="rating")
    row = session.exec(select(Rating).where(Rating.node_id == node.id,
                                            Rating.user_id == user_id)).first()
    if row is None:
        row = Rating(map_id=node.map_id, node_id=ident(node), user_id=user_id, value=number)
    row.value, row.at = number, utcnow()
    session.add(row)
    session.flush()


def base_scores(session: Session, *, map_id: int) -> dict[str, float]:
    """Mean rating / 4 per rated node key, in one query."""
    rows = session.exec(select(Node.key, func.avg(Rating.value)).join(Rating)
                        .where(Rating.map_id == map_id).group_by(Node.key)).all()
    return {key: float(mean) / 4 for key, mean in rows}


def ratings_of(session: Session, *, node_id: int) -> tuple[int, float | None]:
    """How many members rated the node, and the mean of their ratings (0-4)."""
    count, mean = session.exec(select(func.count(), func.avg(Rating.value))
                               .where(Rating.node_id == node_id)).one()
    return int(count), None if mean is None else float(mean)


def my_rating(session: Session, *, node_id: int, user_id: int) -> int | None:
    return session.exec(select(Rating.value).where(Rating.node_id == node_id,
                                                   Rating.user_id == user_id)).first()
