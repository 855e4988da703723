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
