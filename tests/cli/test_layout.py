"""The house shows its pipeline: the stages import only earlier stages, and no module imports itself back.

Every import in the package is read from the source (those inside functions
too: an import made late is still a dependency), so a cycle or a stage
reaching forward fails here before it confuses a reader.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "dossier"

# The stages in pipeline order; a module may import its own stage and earlier ones only.
STAGES = ("foundation", "sources", "checks", "versions", "documents", "exporters", "render", "pipeline", "importers", "cli")
FOUNDATION = {"dossier.errors", "dossier.text", "dossier.typography", "dossier.version"}
ENTRY = "dossier.__main__"  # the command's entry point: outside the cli package, so that it runs before its imports


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules `name` imports (`from . import x` counts as the module x when it is one)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("dossier"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("dossier"):
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in known else target)
    return {m for m in found if m in known and m != name}


def graph() -> dict[str, set[str]]:
    mods = modules()
    return {name: imports_of(name, path, set(mods)) for name, path in mods.items()}


def stage(name: str) -> str | None:
    if name in FOUNDATION:
        return "foundation"
    if name == ENTRY:
        return "cli"
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else None


def test_every_module_belongs_to_a_stage():
    loose = [m for m in modules() if m != "dossier" and stage(m) is None]
    assert loose == [], f"modules outside the stages: {loose}"


def test_no_stage_imports_a_later_one():
    rank = {s: i for i, s in enumerate(STAGES)}
    wrong = []
    for name, deps in graph().items():
        if name == "dossier":  # the API facade imports the stages it exposes
            continue
        for dep in deps:
            if dep != "dossier" and rank[stage(dep)] > rank[stage(name)]:
                wrong.append(f"{name} → {dep}")
    assert wrong == []


def test_no_import_cycle():
    edges = graph()
    state: dict[str, int] = {}  # 1: on the path, 2: done
    cycles: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for dep in sorted(edges[node]):
            if state.get(dep) == 1:
                cycles.append(path[path.index(dep):] + [dep])
            elif dep not in state:
                visit(dep, path + [dep])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert cycles == [], "import cycles: " + "; ".join(" → ".join(c) for c in cycles)


def test_the_walk_sees_imports_inside_functions(tmp_path):
    """The checker itself: a late import is found, so a cycle through one would be too."""
    source = tmp_path / "m.py"
    source.write_text("def f():\n    from ..render import pdf\n", encoding="utf-8")
    assert imports_of("dossier.documents.m", source, {"dossier.render.pdf"}) == {"dossier.render.pdf"}


def test_the_benchmarks_import_with_the_current_layout():
    """`make bench` is run rarely: an import broken by a move would go unseen until then."""
    import importlib
    import sys

    root = PACKAGE.parent
    sys.path.insert(0, str(root))
    try:
        for path in sorted((root / "bench").glob("*.py")):
            if path.stem != "__init__":
                importlib.import_module(f"bench.{path.stem}")
    finally:
        sys.path.remove(str(root))
