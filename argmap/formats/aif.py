"""AIF, as AIFdb and OVA3 exchange it (JSON).

Every statement is an I-node. A support is I -> RA -> I, an attack I -> CA -> I, and an
undercut I -> CA -> RA (the RA of the support it attacks). A linked step is one RA or CA node
with an edge in from each of its premises. Each I-node also carries
`"argmap": {"kind", "key", "tags", "citation"}`, which other tools ignore and argmap reads
back, so kinds and citations survive a round trip; "title", "author", "origin" (when not
"document") and "passage" ({"paragraph", "quote"}) are added when a node has them. The OVA3
wrapper adds node positions from the Graphviz layout.

Any node id is read (a number, or a text such as OVA3's "4_1731586..."): each statement's
key is its argmap key when the file carries one, else "i" and its id, made a valid argmap key
(lowercase letters, digits and single hyphens) and unique when it is not one already.
"""

import hashlib
import json
import re
from pathlib import Path

from argmap.errors import MapFileError
from argmap.formats.base import (
    Budget,
    Imported,
    check_map,
    citation_of,
    citations,
    load_json,
    within_limits,
)
from argmap.mapdata import MapData, NodeData, RelationData
from argmap.models import SLUG_PATTERN, Origin
from argmap.render import to_dot
from argmap.render.run import OUTPUT_STAGE, Deadline, dot_version, layout

MODELLED = {"I", "RA", "CA"}
DIALOGUE = {"L", "YA", "TA", "MA", "PA"}  # locutions, illocutions, transitions, rephrases...


KEY = re.compile(SLUG_PATTERN)
MAX_KEY = 80  # characters in a node key (models.Node.key)


def _timestamp(data: MapData) -> str:
    day = data.document.date.isoformat() if data.document.date else "1970-01-01"
    return f"{day} 00:00:00"  # fixed, so exports are reproducible


def _extension(data: MapData, n: NodeData) -> dict:
    """What argmap carries on an I-node beyond AIF's text, in its own "argmap" object."""
    extra: dict = {"kind": n.kind, "key": n.key, "tags": list(n.tags)}
    if n.cites:
        extra["citation"] = citation_of(data.sources_by_key[n.cites])
    if n.title:
        extra["title"] = n.title
    if n.author:
        extra["author"] = n.author
    if n.origin != Origin.DOCUMENT:
        extra["origin"] = str(n.origin)
    if n.passage_quote:
        extra["passage"] = {"paragraph": n.passage_paragraph, "quote": n.passage_quote}
    return extra


def aif_graph(data: MapData) -> dict:
    stamp = _timestamp(data)
    ids = {n.key: i for i, n in enumerate(data.nodes, start=1)}
    nodes = [{"nodeID": ids[n.key], "text": n.text, "type": "I", "timestamp": stamp,
              "argmap": _extension(data, n)}
             for n in data.nodes]
    edges, scheme_of = [], {}
    next_id = len(nodes) + 1

    def edge(source: int, target: int):
        edges.append({"edgeID": len(edges) + 1, "fromID": source, "toID": target,
                      "formEdgeID": None})

    for rel in sorted(data.relations, key=lambda r: r.is_undercut):
        kind = "RA" if rel.kind == "support" else "CA"
        text = {"support": "Default Inference", "attack": "Default Conflict",
                "undercut": "Default Conflict"}[rel.kind]
        nodes.append({"nodeID": next_id, "text": text, "type": kind, "timestamp": stamp})
        for premise in rel.premises:
            edge(ids[premise], next_id)
        edge(next_id, scheme_of[rel.target] if rel.is_undercut else ids[rel.target])
        scheme_of[rel.ref] = next_id
        next_id += 1
    return {"nodes": nodes, "edges": edges, "locutions": [], "participants": [],
            "schemefulfillments": []}


def write_aif(data: MapData) -> str:
    return json.dumps(aif_graph(data), ensure_ascii=False, indent=2) + "\n"


def _positions(dot: str, timeout: float | Deadline) -> dict[str, tuple[float, float]]:
    """Node centres in points, from the same Graphviz layout as the diagram."""
    places = {}
    for line in layout(dot, timeout=timeout).splitlines():
        parts = line.split()
        if parts and parts[0] == "node" and parts[1].strip('"').startswith("n-"):
            places[parts[1].strip('"')[2:]] = (float(parts[2]) * 72, float(parts[3]) * 72)
    return places


CODE = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def ova_key(data: MapData, source_text: str | None = None) -> tuple:
    """What write_ova's output depends on, for the render cache: it runs `dot`."""
    digest = hashlib.sha256()
    for part in (to_dot(data), json.dumps(aif_graph(data)), source_text or "",
                 data.document.url or ""):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\x1e")
    return ("aif-ova", CODE, OUTPUT_STAGE, dot_version(), digest.hexdigest())


def write_ova(data: MapData, source_text: str | None = None, *,
              timeout: float | Deadline = 30.0) -> str:
    """AIF in OVA3's wrapper, with positions from the diagram's layout (one `dot` run,
    bounded by `timeout`)."""
    graph = aif_graph(data)
    places = _positions(to_dot(data), timeout)
    height = max((y for _x, y in places.values()), default=0)
    by_id = {n["nodeID"]: n for n in graph["nodes"]}
    ends: dict[int, list[int]] = {}  # each scheme's neighbours, in one pass over the edges
    for edge in graph["edges"]:
        ends.setdefault(edge["toID"], []).append(edge["fromID"])
        ends.setdefault(edge["fromID"], []).append(edge["toID"])
    where = {}
    for node in graph["nodes"]:
        if node["type"] == "I":
            x, y = places[node["argmap"]["key"]]
            where[node["nodeID"]] = (round(x), round(height - y))  # OVA's y grows downwards
    for node in graph["nodes"]:  # schemes sit between what they link
        if node["type"] != "I":
            points = [where[i] for i in ends.get(node["nodeID"], ()) if i in where] or [(0, 0)]
            where[node["nodeID"]] = (round(sum(p[0] for p in points) / len(points)),
                                     round(sum(p[1] for p in points) / len(points)))
    ova = {"firstname": "argmap", "surname": "", "url": data.document.url or "",
           "nodes": [{"nodeID": i, "visible": True, "x": x, "y": y,
                      "timestamp": by_id[i]["timestamp"]} for i, (x, y) in where.items()],
           "edges": [{"fromID": e["fromID"], "toID": e["toID"], "visible": True}
                     for e in graph["edges"]]}
    return json.dumps({"AIF": graph, "text": source_text or "", "OVA": ova},
                      ensure_ascii=False, indent=2) + "\n"


def read_aif(text: str, name: str, budget: Budget) -> Imported:
    raw = load_json(text, name)
    base, source_text = "$", None
    if isinstance(raw, dict) and "AIF" in raw:  # the OVA3 wrapper (its text is HTML: unused)
        raw, base = raw["AIF"], "$.AIF"
    if not isinstance(raw, dict) or not isinstance(raw.get("nodes"), list) \
            or not isinstance(raw.get("edges"), list):
        raise MapFileError(name, f"{base}: expected AIF with 'nodes' and 'edges' lists")
    warnings: list[str] = []
    nodes, paths = {}, {}
    for i, node in enumerate(raw["nodes"]):
        budget()
        path = f"{base}.nodes[{i}]"
        if not isinstance(node, dict) or "nodeID" not in node or "type" not in node:
            raise MapFileError(name, f"{path}: a node needs 'nodeID' and 'type'")
        if not isinstance(node["type"], str):
            raise MapFileError(name, f"{path}.type: expected a text such as \"I\" or \"RA\"")
        extra = node.get("argmap")
        if extra is not None and not isinstance(extra, dict):
            raise MapFileError(name, f"{path}.argmap: expected an object")
        if extra and not isinstance(extra.get("tags", []), list):
            raise MapFileError(name, f"{path}.argmap.tags: expected a list of texts")
        if extra:
            _check_extension(extra, name, f"{path}.argmap")
        if isinstance(node["nodeID"], bool) or \
                not isinstance(node["nodeID"], str | int | float):
            raise MapFileError(name, f"{path}.nodeID: expected a text or a number")
        node_id = _id(node["nodeID"])
        if node_id in nodes:
            raise MapFileError(name, f"{path}.nodeID: the id {node_id!r} is used twice "
                                     f"(first at {paths[node_id]})")
        nodes[node_id], paths[node_id] = node, path
    statements = [i for i, n in nodes.items() if n["type"] == "I"]
    within_limits(name, nodes=len(statements),
                  steps=sum(1 for n in nodes.values() if n["type"] in ("RA", "CA")))
    skipped = sorted({n["type"] for n in nodes.values() if n["type"] not in MODELLED})
    if skipped:
        count = sum(1 for n in nodes.values() if n["type"] not in MODELLED)
        warnings.append(f"{name}: {count} nodes of type {', '.join(map(str, skipped))} were "
                        "skipped (argmap keeps statements, inferences and conflicts only)")
    into: dict[str, list[str]] = {i: [] for i in nodes}
    out_of: dict[str, list[str]] = {i: [] for i in nodes}
    for i, e in enumerate(raw["edges"]):
        budget()
        path = f"{base}.edges[{i}]"
        if not isinstance(e, dict):
            raise MapFileError(name, f"{path}: expected an object")
        source, target = _id(e.get("fromID")), _id(e.get("toID"))
        for end, label in ((source, "fromID"), (target, "toID")):
            if end not in nodes:
                raise MapFileError(name, f"{path}.{label}: no node with the id {end!r}")
        out_of[source].append(target)
        into[target].append(source)
    keys = _keys(statements, nodes)
    renamed = [i for i in statements if keys[i] != f"i{i}"
               and keys[i] != (nodes[i].get("argmap") or {}).get("key")]
    if renamed:
        example = renamed[0]
        warnings.append(f"{name}: the ids of {len(renamed)} statement"
                        f"{'s' if len(renamed) != 1 else ''} could not be kept as argmap keys "
                        "(lowercase letters, digits and single hyphens) and were renamed, "
                        f"e.g. {_shorten(example)} -> {_shorten(keys[example])}")
    cites, sources = citations({keys[i]: (nodes[i].get("argmap") or {}).get("citation")
                                for i in statements
                                if isinstance(nodes[i].get("argmap"), dict)})
    data_nodes = []
    for node_id in statements:
        budget()
        node = nodes[node_id]
        extra = node.get("argmap") or {}
        kind = extra.get("kind")
        if kind not in ("thesis", "claim", "evidence", "rebuttal"):
            # Only inferences and conflicts count: OVA3 ties every statement to its locution
            # by a YA node, and MA nodes (rephrases) link statements too.
            attacks = any(nodes[t]["type"] == "CA" for t in out_of[node_id])
            argues = any(nodes[t]["type"] in ("RA", "CA") for t in out_of[node_id])
            concluded = any(nodes[s]["type"] in ("RA", "CA") for s in into[node_id])
            kind = "rebuttal" if attacks else "thesis" if concluded and not argues else "claim"
        text = node.get("text")
        if not isinstance(text, str) or not text.strip():
            raise MapFileError(name, f"{paths[node_id]}.text: a statement needs a text")
        tags = extra.get("tags") or []
        passage = extra.get("passage") or {}
        data_nodes.append(NodeData(key=keys[node_id], kind=kind, text=text.strip(),
                                   title=extra.get("title") or None,
                                   author=extra.get("author") or None,
                                   origin=extra.get("origin") or "document",
                                   passage_paragraph=passage.get("paragraph"),
                                   passage_quote=passage.get("quote") or None,
                                   tags=tuple(t for t in tags if isinstance(t, str)),
                                   cites=cites.get(keys[node_id])))
    relations: list[RelationData] = []
    refs: dict[str, str] = {}
    for scheme_id, node in nodes.items():
        budget()
        if node["type"] != "RA":
            continue
        premises = [keys[s] for s in into[scheme_id] if s in keys]
        conclusions = [keys[t] for t in out_of[scheme_id] if t in keys]
        if len(conclusions) != 1 or not premises:
            warnings.append(f"{name}: {paths[scheme_id]}: an inference needs premises and one "
                            "conclusion; skipped")
            continue
        # Several premises into one RA are linked: they support the conclusion together.
        rel = RelationData(kind="support", premises=tuple(premises), target=conclusions[0])
        relations.append(rel)
        refs[scheme_id] = rel.ref
    for scheme_id, node in nodes.items():
        budget()
        if node["type"] != "CA":
            continue
        attackers = tuple(keys[s] for s in into[scheme_id] if s in keys)
        if not attackers:
            warnings.append(f"{name}: {paths[scheme_id]}: a conflict with no attacking "
                            "statement; skipped")
            continue
        for target in out_of[scheme_id]:
            if target in keys:  # several attackers into one CA attack together
                relations.append(RelationData(kind="attack", premises=attackers,
                                              target=keys[target]))
            elif target in refs:
                relations.append(RelationData(kind="undercut", premises=attackers,
                                              target=refs[target]))
            else:
                warnings.append(f"{name}: {paths[scheme_id]}: a conflict aimed at a "
                                f"{nodes[target]['type']} node; skipped")
    relations.sort(key=lambda r: r.is_undercut)
    data = MapData(slug="aif-map", title="Imported AIF map", nodes=tuple(data_nodes),
                   relations=tuple(relations), sources=tuple(sources))
    key_paths = {keys[i]: paths[i] for i in statements}
    check_map(data, name, budget, lambda key: key_paths.get(key))
    return Imported(data, source_text=source_text, warnings=warnings)


def _id(given: object) -> str:
    """A node id as the edges name it: 7, "7" and 7.0 are one node."""
    if isinstance(given, float) and given.is_integer():
        return str(int(given))
    return str(given)


def _check_extension(extra: dict, name: str, path: str) -> None:
    """The types of what argmap's own extension may carry (the rules check the values)."""
    for field in ("key", "title", "author", "origin"):
        if extra.get(field) is not None and not isinstance(extra[field], str):
            raise MapFileError(name, f"{path}.{field}: expected a text")
    passage = extra.get("passage")
    if passage is None:
        return
    if not isinstance(passage, dict):
        raise MapFileError(name, f"{path}.passage: expected an object")
    paragraph, quote = passage.get("paragraph"), passage.get("quote")
    if paragraph is not None and (isinstance(paragraph, bool) or not isinstance(paragraph, int)):
        raise MapFileError(name, f"{path}.passage.paragraph: expected a number")
    if quote is not None and not isinstance(quote, str):
        raise MapFileError(name, f"{path}.passage.quote: expected a text")


def _keys(statements: list[str], nodes: dict[str, dict]) -> dict[str, str]:
    """Each statement's key: the argmap key it carries, else "i" and its id. An id that does
    not make a valid key (OVA3's "4_1731586...", "A1", "n.1") is lowercased, each run of
    other characters becomes one hyphen, and a number makes it unique; that happens after
    every valid key is taken, and in file order, so importing a file twice gives the same
    keys."""
    keys: dict[str, str] = {}
    used: set[str] = set()  # a set: `in keys.values()` scans them all, for every node
    counts: dict[str, int] = {}  # the last number given to each renamed base
    for node_id in statements:
        own = (nodes[node_id].get("argmap") or {}).get("key")
        for key in (own if isinstance(own, str) else "", f"i{node_id}"):
            if len(key) <= MAX_KEY and KEY.fullmatch(key) and key not in used:
                keys[node_id] = key
                used.add(key)
                break
    for node_id in statements:
        if node_id in keys:
            continue
        base = re.sub(r"[^a-z0-9]+", "-", f"i{node_id}".lower())[:MAX_KEY - 8].strip("-")
        base = base or "i"
        key, count = base, counts.get(base, 1)
        while key in used:  # counts: many ids of one base cost one step each, not a scan
            count += 1
            key = f"{base}-{count}"
        counts[base] = count
        keys[node_id] = key
        used.add(key)
    return keys


def _shorten(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[:limit - 3] + "..."
