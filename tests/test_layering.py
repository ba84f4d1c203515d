"""Layers run one way: no module of the package imports, even inside a function, a
module that imports it back (directly or through others).

Lower layers own the tables and upper layers register into them; ``autodiff/_assemble.py``
is the one module that binds late. A cycle found here names its modules in order.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("autodiff", "backends")
MAX_LINES = 400


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for package in PACKAGES
            for path in sorted((ROOT / package).rglob("*.py"))}


def _resolve(module: str, is_package: bool, level: int, target: str | None) -> str:
    if level == 0:
        return target or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[:len(base) - (level - 1)]
    return ".".join(base + ([target] if target else []))


def import_graph() -> dict[str, set[str]]:
    """Each module's imports of the package's own modules, those made inside functions
    and under ``TYPE_CHECKING`` excluded only where they are for type checkers alone."""
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(), str(path))
        is_package = path.name == "__init__.py"
        checking = _type_checking_lines(tree)
        for node in ast.walk(tree):
            if getattr(node, "lineno", None) in checking:
                continue
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(name, is_package, node.level, node.module)
                targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of imports, as the modules along it, or None (iterative DFS)."""
    state: dict[str, int] = {}
    for root in sorted(graph):
        if root in state:
            continue
        stack = [(root, iter(sorted(graph[root])))]
        path = [root]
        state[root] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                state[node] = 2
            elif state.get(child) == 1:
                return path[path.index(child):] + [child]
            elif child not in state:
                state[child] = 1
                path.append(child)
                stack.append((child, iter(sorted(graph[child]))))
    return None


def _package_imports(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The graph without the edges into a package's ``__init__`` from its own modules
    (``from . import x`` names a sibling, not the package's assembly)."""
    return {name: {t for t in targets if not name.startswith(t + ".")}
            for name, targets in graph.items()}


def test_no_import_cycle() -> None:
    cycle = find_cycle(_package_imports(import_graph()))
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_cycle_finder_finds_one() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_module_over_400_lines() -> None:
    too_long = {}
    for name, path in _modules().items():
        text = path.read_text()
        if "generated" in text[:300].lower():
            continue
        lines = text.count("\n")
        if lines > MAX_LINES:
            too_long[name] = lines
    assert not too_long, f"modules over {MAX_LINES} lines: {too_long}"
