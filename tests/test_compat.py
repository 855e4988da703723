"""Every private scikit-learn name the package uses exists on this version.

CI runs this on the installed scikit-learn; run it under each supported
version (>= 1.6) when changing ``_compat.py``.
"""

import importlib

import pytest
import sklearn
from sklearn.model_selection._search import BaseSearchCV

from skhyper import _compat


@pytest.mark.parametrize(
    "owner, name", _compat.PRIVATE_NAMES, ids=[".".join(n) for n in _compat.PRIVATE_NAMES]
)
def test_private_name_exists(owner, name):
    where = BaseSearchCV if owner == "BaseSearchCV" else importlib.import_module(owner)
    assert hasattr(where, name), f"scikit-learn {sklearn.__version__} has no {owner}.{name}"


def test_callback_context_is_there_exactly_from_scikit_learn_1_9():
    version = tuple(int(part) for part in sklearn.__version__.split(".")[:2])
    assert hasattr(BaseSearchCV, "_init_callback_context") == (version >= (1, 9))
    assert _compat._FIT_AND_SCORE_TAKES_CALLBACKS == (version >= (1, 9))


@pytest.mark.slow
def test_no_module_but_compat_imports_a_scikit_learn_private_name():
    import ast
    import pathlib

    root = pathlib.Path(_compat.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        if path.name == "_compat.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sklearn"):
                private = [a.name for a in node.names if a.name.startswith("_")]
                if private or any(p.startswith("_") for p in node.module.split(".")):
                    offenders.append(f"{path.name}: from {node.module} import ...")
    assert offenders == []


def _scikit_learn_private_attributes():
    """The private names scikit-learn's estimators and searches carry (the
    attributes of BaseSearchCV and its bases, and those it sets on instances)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import check_scoring

    names = {"_skl_callbacks", "_init_callback_context", "_parameter_constraints"}
    for cls in BaseSearchCV.__mro__:
        if cls.__module__.startswith("sklearn"):
            names |= {n for n in vars(cls) if n.startswith("_") and not n.startswith("__")}
    # and those of the scorers a search gets (a multi-metric one's _scorers)
    for scoring in ("accuracy", ["accuracy", "r2"]):
        scorer = check_scoring(LogisticRegression(), scoring=scoring)
        names |= {n for n in vars(scorer) if n.startswith("_") and not n.startswith("__")}
    return names


def _own_class_names(root):
    import ast

    return {
        node.name
        for path in root.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ClassDef)
    }


@pytest.mark.slow
def test_no_module_but_compat_reads_a_scikit_learn_private_attribute():
    """Attribute access too (STYLE 14): ``search._select_best_index``,
    ``BaseSearchCV._parameter_constraints``, ``est._skl_callbacks`` only through
    _compat. A class of ours declaring or reading its own
    ``_parameter_constraints`` (scikit-learn's extension point) is fine."""
    import ast
    import pathlib

    root = pathlib.Path(_compat.__file__).parent
    private = _scikit_learn_private_attributes()
    ours = _own_class_names(root) | {"self", "cls", "super()"}
    offenders = []
    for path in root.rglob("*.py"):
        if path.name == "_compat.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id in ("getattr", "hasattr", "setattr") and len(node.args) > 1
                and isinstance(node.args[1], ast.Constant) and node.args[1].value in private
            ):  # getattr(scorer, "_scorers", None)
                offenders.append(f"{path.name}:{node.lineno}: {ast.unparse(node)}")
                continue
            if not (isinstance(node, ast.Attribute) and node.attr in private):
                continue
            owner = ast.unparse(node.value)
            if node.attr == "_parameter_constraints" and owner in ours:
                continue
            offenders.append(f"{path.name}:{node.lineno}: {ast.unparse(node)}")
    assert offenders == []


def test_scorers_of_gives_a_multimetric_scorers_dict_and_none_for_one_scorer():
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import check_scoring

    many = check_scoring(LogisticRegression(), scoring=["accuracy", "r2"])
    assert sorted(_compat.scorers_of(many)) == ["accuracy", "r2"]
    assert _compat.scorers_of(check_scoring(LogisticRegression(), scoring="accuracy")) is None


def test_the_callbacks_set_are_where_compat_reads_them():
    """scikit-learn >= 1.9 keeps them itself (its set_callbacks); older versions
    get the searches' own set_callbacks, which keeps them under the same name."""
    from sklearn.base import clone
    from sklearn.linear_model import LogisticRegression

    from skhyper import BayesSearchCV, Real
    from skhyper.callbacks import DeadlineStopper

    stopper = DeadlineStopper(60)
    search = BayesSearchCV(LogisticRegression(), {"C": Real(0.1, 1)}).set_callbacks(stopper)
    assert _compat.callbacks_of(search) == [stopper]
    assert _compat.callbacks_of(clone(search)) == [stopper]
    assert _compat.callbacks_of(search.set_callbacks()) == []
