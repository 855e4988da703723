"""What every test shares, the docstrings' examples in skhyper/ included:
one BLAS/OpenMP thread, and those examples marked slow."""

import os

import pytest

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
    """The docstrings' examples (whole searches each) are slow: the quick
    subset, ``pytest -m "not slow"``, is the unit tests."""
    package = config.rootpath / "skhyper"
    for item in items:
        if item.path.is_relative_to(package):
            item.add_marker(pytest.mark.slow)
