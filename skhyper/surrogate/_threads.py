"""BLAS thread limiting for the surrogate's small matrices.

The model's matrices are small (hundreds of rows at most): multi-threaded
BLAS only adds synchronisation, which on a busy machine costs 10-100x. Every
proposer fits and maximizes its model inside :func:`single_threaded_blas`.
"""

import functools

from threadpoolctl import ThreadpoolController

__all__ = ["single_threaded_blas"]


@functools.lru_cache(maxsize=1)
def _controller():
    # Inspecting the loaded BLAS libraries costs milliseconds: do it once.
    return ThreadpoolController()


def single_threaded_blas():
    """A context manager limiting BLAS to one thread while it is open."""
    return _controller().limit(limits=1, user_api="blas")
