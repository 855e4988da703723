"""What every test module shares: one BLAS/OpenMP thread, and the collection
rules of scikit-learn's own search tests."""

import os

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


# Numerical libraries start a thread per core for every matrix product; with
# the tests' small matrices, and several test processes or joblib workers on a
# 2-core machine, those threads only oversubscribe the cores (a loaded machine
# ran the suite 3-6x slower). One thread each, for this process and those it
# starts, unless the environment says otherwise.
_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def pytest_configure(config):
    for name in _THREAD_VARIABLES:
        os.environ.setdefault(name, "1")
    from threadpoolctl import threadpool_limits

    config._skhyper_thread_limits = threadpool_limits(
        limits=int(os.environ["OMP_NUM_THREADS"])
    )


def pytest_collection_modifyitems(config, items):
    """Deselect the copies of scikit-learn's tests that never run a shim; the
    docstrings' examples (whole searches each) are slow."""
    kept, deselected = [], []
    for item in items:
        if item.path.parent.name != "tests":  # a docstring of the package
            item.add_marker(pytest.mark.slow)
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
