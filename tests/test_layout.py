"""The package's layers, as the README's module map describes them: each layer imports only
the layers below it, there are no import cycles, and no module hides an import inside a
function (only the app factory and the CLI's entry point may)."""

import ast
import re
from pathlib import Path

import argmap

PACKAGE = Path(argmap.__file__).parent
# A layer may import itself and what is listed for it (and what those may import).
BELOW = {
    "core": set(),  # models, mapdata, errors, paths, sessions, schema
    "evaluate": {"core"},
    "render": {"evaluate"},
    "formats": {"render", "rules"},
    "domain": {"formats"},
    "db": {"domain"},
    "web": {"db"},
    "cli": {"web"},
}
CORE = {"models", "mapdata", "errors", "paths", "sessions", "schema", "migrations"}
# The app factory and the CLI wire each other up (flask's CLI needs the factory, the factory
# registers the commands): only these functions import at call time.
LOCAL_IMPORTS_ALLOWED = {("argmap", "create_app"), ("argmap.cli", "register"),
                         ("argmap.cli", "_create_app")}


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module: str) -> str:
    parts = module.split(".")
    if module == "argmap":
        return "web"  # the app factory wires the blueprints
    if module == "argmap.domain.rules":
        return "rules"  # the one rules module: the readers check with it too
    name = parts[1]
    if name in CORE:
        return "core"
    if name == "usercli":
        return "cli"
    return name


def _allowed(layer: str) -> set[str]:
    seen, todo = {layer}, [layer]
    while todo:
        for lower in BELOW.get(todo.pop(), ()):
            if lower not in seen:
                seen.add(lower)
                todo.append(lower)
    if "domain" in seen:
        seen.add("rules")
    if seen & {"formats", "rules"}:
        seen |= {"core"}
    return seen


def _imports(tree: ast.Module, module: str) -> list[tuple[str, ast.AST]]:
    found = []
    for node in _module_level(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("argmap"):
            names = [f"{node.module}.{a.name}" for a in node.names]
            found += [(n if _is_module(n) else node.module, node) for n in names]
        elif isinstance(node, ast.Import):
            found += [(a.name, node) for a in node.names if a.name.startswith("argmap")]
    return found


def _module_level(tree: ast.Module):
    """The module's nodes outside function bodies (what runs when it is imported)."""
    todo = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        yield node
        todo.extend(ast.iter_child_nodes(node))


def _is_module(name: str) -> bool:
    path = PACKAGE.parent / Path(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _graph() -> dict[str, set[str]]:
    graph = {}
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        module = _module(path)
        tree = ast.parse(path.read_text())
        graph[module] = {target for target, _ in _imports(tree, module)}
    return graph


def test_each_layer_imports_only_the_layers_below_it():
    wrong = [f"{module} imports {target}"
             for module, targets in _graph().items() for target in targets
             if _layer(target) not in _allowed(_layer(module))]
    assert wrong == []


def test_there_are_no_import_cycles():
    graph = _graph()
    state: dict[str, int] = {}
    cycles = []

    def visit(module: str, trail: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1:
                cycles.append(" -> ".join(trail[trail.index(target):] + [target]))
            elif target in graph and target not in state:
                visit(target, [*trail, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_no_module_imports_inside_a_function():
    hidden = []
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        module = _module(path)
        for func in ast.walk(ast.parse(path.read_text())):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if (module, func.name) in LOCAL_IMPORTS_ALLOWED:
                continue
            hidden += [f"{module}.{func.name} line {node.lineno}" for node in ast.walk(func)
                       if isinstance(node, ast.Import | ast.ImportFrom)]
    assert hidden == []


def test_the_module_map_names_files_that_exist():
    readme = (PACKAGE.parent / "README.md").read_text()
    named = set(re.findall(r"`(argmap/[\w/.]+)`", readme))
    assert named, "the README's module map names no files"
    missing = sorted(n for n in named if not (PACKAGE.parent / n).exists())
    assert missing == []
