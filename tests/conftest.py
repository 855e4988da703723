"""The collection rules of scikit-learn's own search tests (the thread limits
and the slow docstring examples are in the root conftest.py)."""

import pytest

from skhyper._compat import BaseSearchCV


def _code_names(code):
    """Every global name a function's code (nested code included) reads."""
    names = set(code.co_names)
    for const in code.co_consts:
        if hasattr(const, "co_names"):
            names |= _code_names(const)
    return names


def _exercises_a_shim(item, shims):
    """Whether one of scikit-learn's tests, as collected by
    test_sklearn_search_suite, runs one of skhyper's shims: through its
    parameters, or by the name of a replaced class in its code."""
    callspec = getattr(item, "callspec", None)
    if callspec is not None:
        searches = [
            v for v in callspec.params.values()
            if isinstance(v, BaseSearchCV)
            or (isinstance(v, type) and issubclass(v, BaseSearchCV))
        ]
        if searches:
            return any(_is_shim(v, shims) or _is_shim(type(v), shims) for v in searches)
    function = item.function
    names = _code_names(function.__code__)
    return any(_is_shim(function.__globals__.get(name), shims) for name in names)


def _is_shim(value, shims):
    return any(value is shim for shim in shims)


def pytest_collection_modifyitems(config, items):
    """Deselect the copies of scikit-learn's tests that never run a shim."""
    kept, deselected = [], []
    for item in items:
        module = getattr(item, "module", None)
        shims = getattr(module, "SHIM_CLASSES", None)
        if shims is None:
            kept.append(item)
        elif _exercises_a_shim(item, shims):
            kept.append(item)
            difference = module.deliberate_difference(item.name)
            if difference is not None:
                reason, raises = difference
                item.add_marker(pytest.mark.xfail(reason=reason, raises=raises, strict=True))
        else:
            deselected.append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept
