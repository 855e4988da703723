"""The package's layout (DESIGN section 1): imports point down only.

Searches sit on the engine, the engine on the evaluators, they on how an
estimator trains, the folds and the workers, and everything on the search
space, the surrogate and ``_compat``. These tests read the imports of every
module of ``skhyper`` (the source, not the running interpreter) and check the
rules a maintainer relies on when moving code.
"""

import ast
import pathlib

import pytest

import skhyper

ROOT = pathlib.Path(skhyper.__file__).parent
SEARCHES = ("_bayes", "_hyperband", "_pbt", "_dac", "_hypergradient")
PUBLIC_ENTRY_POINTS = ("skhyper", "skhyper.__main__")


def _module_name(path):
    parts = path.with_suffix("").relative_to(ROOT.parent).parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path):
    """``{(module, name)}`` a module imports from skhyper, names resolved to
    the module they come from (``from . import _compat`` is ``skhyper._compat``)."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            elif (node.module or "").split(".")[0] == "skhyper":
                target = node.module
            else:
                continue
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                if (ROOT.parent / (submodule.replace(".", "/") + ".py")).exists() or (
                    ROOT.parent / submodule.replace(".", "/") / "__init__.py"
                ).exists():
                    found.add((submodule, None))
                else:
                    found.add((target, alias.name))
        elif isinstance(node, ast.Import):
            found |= {(a.name, None) for a in node.names if a.name.split(".")[0] == "skhyper"}
    return found


GRAPH = {
    _module_name(path): _imports(path) for path in sorted(ROOT.rglob("*.py"))
}


def _edges():
    return {
        (module, target) for module, imports in GRAPH.items()
        for target, _ in imports if target != module
    }


def _top(module):
    """``skhyper._hypergradient._search`` -> ``_hypergradient``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_the_imports_between_modules_have_no_cycle():
    # a module importing one that (through others) imports it back would be
    # an arrow pointing up; a package's __init__ importing its own modules is not
    edges = {
        (a, b) for a, b in _edges()
        if not (GRAPH.get(b) is not None and a.startswith(b + ".") and b.count(".") >= 1)
    }
    graph = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
    state = {}

    def visit(node, path):
        state[node] = "open"
        for nxt in graph.get(node, ()):
            if state.get(nxt) == "open":
                cycle = path[path.index(nxt):] + [nxt] if nxt in path else [node, nxt]
                pytest.fail(f"an import cycle: {' -> '.join(cycle)}")
            if nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])


def test_no_search_imports_another_and_only_the_entry_points_import_searches():
    offenders = []
    for module, target in _edges():
        if _top(target) in SEARCHES and _top(module) != _top(target):
            if module not in PUBLIC_ENTRY_POINTS:
                offenders.append(f"{module} imports {target}")
    assert offenders == []


def test_plotting_and_compare_share_results_not_each_others_modules():
    offenders = [
        f"{module} imports {target}" for module, target in _edges()
        if {_top(module), _top(target)} == {"plotting", "compare"}
        or (_top(target) in ("plotting", "compare") and _top(module) not in
            ("plotting", "compare") and module not in PUBLIC_ENTRY_POINTS)
    ]
    assert offenders == []


def test_no_module_imports_a_private_name_of_another_top_level_module():
    # the private names of optimizer.py, the engine and the rest stay theirs;
    # modules share what they export (a name without an underscore) or what a
    # private module (_engine, _trainer, ...) lists in __all__
    offenders = []
    for module, imports in GRAPH.items():
        for target, name in imports:
            if name is None or not name.startswith("_") or _top(target) == _top(module):
                continue
            exported = getattr(__import__(target, fromlist=["__all__"]), "__all__", ())
            if name not in exported:
                offenders.append(f"{module}: from {target} import {name}")
    assert offenders == []
