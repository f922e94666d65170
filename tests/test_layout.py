"""The shape of the code: imports run one way (no cycles, counting imports inside functions, which hide a cycle
from Python but not from a reader), and no module is longer than a newcomer can read at a sitting.

Nothing is exempt: the importer is a package of modules under the limit.

Not checked, and left long on purpose: tools/seedgen.py (about 640 lines) and tools/national.py (about 570) are
dev tools that build the seed and the national benchmark data; the dashboard never imports them, and a reader of
the dashboard never needs to. Only the package (libstats/), the pages and dashboard.py are held to the limit.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MOST_LINES = 500
EXEMPT: tuple[str, ...] = ()


def _modules() -> dict[str, Path]:
    """Every module of the package, the pages and the entry script, by dotted name."""
    out = {}
    for path in sorted([*(ROOT / "libstats").rglob("*.py"), *(ROOT / "pages").glob("*.py"), ROOT / "dashboard.py"]):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def imports_of(path: Path, name: str, known: set[str]) -> set[str]:
    """The project modules a module imports, at its top or anywhere inside it."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = name.split(".")[:-node.level] if not path.name == "__init__.py" else \
                    name.split(".")[:len(name.split(".")) - node.level + 1]
                base = ".".join([*package, *([node.module] if node.module else [])])
            submodules = {f"{base}.{a.name}" for a in node.names} & known
            found.update(submodules)
            if len(submodules) < len(node.names):      # `from package import submodule` needs the package's
                found.add(base)                        # __init__ no more than `import package.submodule` does
    return {m for m in found if m in known and m != name and m != "libstats"}


def graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: imports_of(path, name, set(modules)) for name, path in modules.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_the_cycle_finder_finds_a_cycle_hidden_in_a_function():
    tree = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(tree) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_imports_run_one_way():
    found = cycles(graph())
    assert not found, f"import cycles (imports inside functions count): {found}"


def test_pages_are_imported_by_nobody():
    """pages → content → domain → db: nothing in the package reaches back up into a page or the entry script."""
    edges = graph()
    upward = [(a, b) for a, bs in edges.items() for b in bs if b.startswith("pages.") or b == "dashboard"]
    assert not upward


def test_no_module_is_over_500_lines():
    long = {}
    for path in _modules().values():
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith(EXEMPT):
            continue
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MOST_LINES:
            long[relative] = lines
    assert not long, f"modules over {MOST_LINES} lines: {long}"
