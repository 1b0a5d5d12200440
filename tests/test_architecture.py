"""Architecture rules the founders asked for: no import cycles between lambdalint's modules, and
modules of about 400 lines at most (the test allows up to MAX_LINES so "about" has slack).

Run as a script to see the import graph's cycles and the longest modules:
    python3 tests/test_architecture.py
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Source folders and the package each one ships as (rules/ ships as lambdalint.rules).
SOURCES = {"lambdalint": ROOT / "lambdalint", "lambdalint.rules": ROOT / "rules"}
MAX_LINES = 450
# Known exceptions, each with the helper who owns the fix. Empty this as they are fixed.
ALLOWED_CYCLES: set[frozenset[str]] = set()
ALLOWED_LONG: set[str] = set()


def modules() -> dict[str, Path]:
    """Every module's dotted name -> its file (a package is named by its __init__.py)."""
    found = {}
    for package, folder in SOURCES.items():
        for path in sorted(folder.rglob("*.py")):
            parts = list(path.relative_to(folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join([package, *parts])] = path
    return found


def _is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def _resolve(name: str, known: dict[str, Path]) -> str | None:
    """The lambdalint module an imported dotted name means: the longest known prefix."""
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


def _from(node: ast.ImportFrom, package: str) -> str:
    """The dotted module a ``from ... import`` reads, relative imports resolved in ``package``."""
    if not node.level:
        return node.module or ""
    base = package.split(".")
    return ".".join(base[: len(base) - (node.level - 1)] + ([node.module] if node.module else []))


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The lambdalint modules one module imports anywhere in its body (function-local imports
    included). `import a.b` is an edge to a.b; `from a import b` is an edge to a, and to a.b
    too when b is a submodule (so a package's __init__ that imports a submodule which itself
    does `from <package> import ...` is a cycle)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if _is_package(path) else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found = _resolve(alias.name, known)
                if found:
                    targets.add(found)
        elif isinstance(node, ast.ImportFrom):
            source = _from(node, package)
            # `from pkg import x` reads pkg's namespace, so it needs pkg (its __init__) run
            # first, whatever x is: an edge to pkg, and one more to pkg.x when x is a submodule.
            found = _resolve(source, known)
            if found:
                targets.add(found)
            for alias in node.names:
                if f"{source}.{alias.name}" in known:
                    targets.add(f"{source}.{alias.name}")
    targets.discard(name)
    return targets


def import_graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports(name, path, known) for name, path in known.items()}


def _components(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    result: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    result.append(sorted(component))
    return sorted(result)


def simple_cycles(graph: dict[str, set[str]], limit: int = 200) -> list[list[str]]:
    """Simple cycles of length > 1, each started at its smallest module (at most `limit`)."""
    cycles: list[list[str]] = []
    for component in _components(graph):
        members = set(component)
        for start in component:
            path = [start]

            def walk(node: str) -> None:
                for child in sorted(graph[node] & members):
                    if len(cycles) >= limit:
                        return
                    if child == start:
                        cycles.append(list(path))
                    elif child > start and child not in path:
                        path.append(child)
                        walk(child)
                        path.pop()

            walk(start)
    return cycles


def long_modules() -> dict[str, int]:
    """Modules over MAX_LINES lines -> their line count."""
    counts = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in modules().items()}
    return {name: n for name, n in counts.items() if n > MAX_LINES}


def _defined(name: str, known: dict[str, Path], seen: frozenset = frozenset()) -> set[str] | None:
    """The names module ``name`` defines at its top level (star imports followed); None when it
    defines names dynamically (a module ``__getattr__``)."""
    tree = ast.parse(known[name].read_text(encoding="utf-8"))
    package = name if _is_package(known[name]) else name.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name == "*" and isinstance(node, ast.ImportFrom):
                    source = _from(node, package)
                    if source in known and source not in seen:
                        more = _defined(source, known, seen | {name})
                        if more is None:
                            return None
                        names |= more
                else:
                    names.add((alias.asname or alias.name).split(".")[0])
    return None if "__getattr__" in names else names


def missing_names(known: dict[str, Path] | None = None, root: Path = ROOT) -> list[str]:
    """``from lambdalint.x import name`` (anywhere, lazy imports too) where module x defines no
    ``name`` and has no submodule ``name``: what a move between modules can leave behind, and
    what only fails when that line first runs."""
    known = known if known is not None else modules()
    cache: dict[str, set[str] | None] = {}
    problems = []
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        package = name if _is_package(path) else name.rpartition(".")[0]
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom):
                continue
            source = _from(node, package)
            if source not in known:
                continue
            if source not in cache:
                cache[source] = _defined(source, known)
            defined = cache[source]
            for alias in node.names:
                if alias.name == "*" or defined is None or alias.name in defined:
                    continue
                if f"{source}.{alias.name}" not in known:
                    problems.append(f"{path.relative_to(root)}:{node.lineno}: {source} has no {alias.name}")
    return problems


def test_imported_names_exist():
    assert not missing_names()


def test_checker_sees_a_name_that_moved(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("from .a import *\n")
    (package / "a.py").write_text("X = 1\ndef f():\n    pass\n")
    (package / "b.py").write_text("from pkg import X, a\ndef g():\n    from .a import f, Y\n")
    known = {"pkg": package / "__init__.py", "pkg.a": package / "a.py", "pkg.b": package / "b.py"}
    assert missing_names(known, tmp_path) == ["pkg/b.py:3: pkg.a has no Y"]


def test_checker_sees_local_and_submodule_imports(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("from pkg import b\n")
    (package / "a.py").write_text("def f():\n    from . import b\n")
    (package / "b.py").write_text("import pkg.a\n")
    known = {"pkg": package / "__init__.py", "pkg.a": package / "a.py", "pkg.b": package / "b.py"}
    graph = {name: imports(name, path, known) for name, path in known.items()}
    assert graph == {"pkg": {"pkg.b"}, "pkg.a": {"pkg", "pkg.b"}, "pkg.b": {"pkg.a"}}
    assert simple_cycles(graph) == [["pkg", "pkg.b", "pkg.a"], ["pkg.a", "pkg.b"]]


def test_no_import_cycles():
    graph = import_graph()
    components = [c for c in _components(graph) if frozenset(c) not in ALLOWED_CYCLES]
    assert not components, "import cycles: " + "; ".join(
        " -> ".join(cycle + [cycle[0]]) for cycle in simple_cycles(graph)
    )


def test_modules_are_about_400_lines_at_most():
    long = {name: n for name, n in long_modules().items() if name not in ALLOWED_LONG}
    assert not long, f"modules over {MAX_LINES} lines (split them by responsibility): {long}"


if __name__ == "__main__":
    graph = import_graph()
    cycles = simple_cycles(graph)
    print(f"{len(graph)} modules, {sum(map(len, graph.values()))} import edges")
    print(f"{len(cycles)} simple cycles" + (" (first 200)" if len(cycles) >= 200 else ""))
    for cycle in cycles:
        print("  " + " -> ".join(cycle + [cycle[0]]))
    print(f"modules over {MAX_LINES} lines:")
    for name, n in sorted(long_modules().items(), key=lambda item: -item[1]):
        print(f"  {n:5d} {name}")
    missing = missing_names()
    print(f"imported names that do not exist: {len(missing)}")
    for problem in missing:
        print("  " + problem)
    sys.exit(1 if cycles or long_modules() or missing else 0)
