"""matplotlib for the pictures of :mod:`skhyper.plotting` and
:meth:`skhyper.compare.SearchComparison.plot`: imported only when one draws,
and a row of panels."""

import numpy as np


def pyplot():
    """``matplotlib.pyplot``, or an ImportError naming the ``plot`` extra."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - the plot extra is installed in CI
        raise ImportError(
            "skhyper.plotting draws with matplotlib: pip install 'skhyper[plot]'"
        ) from exc
    return plt


def panels(axes, n, what, width, sharey=False):
    """``axes`` as a list of ``n`` Axes (one per ``what``), or a new figure's
    row of ``n`` panels, ``width`` inches each, when None."""
    if axes is None:
        _, axes = pyplot().subplots(1, n, figsize=(width * n, 3.2), sharey=sharey,
                                    squeeze=False, layout="constrained")
        return list(axes[0])
    axes = [axes] if hasattr(axes, "plot") else list(np.ravel(axes))
    if len(axes) != n:
        raise ValueError(f"axes must hold one Axes per {what} ({n}); got {len(axes)}.")
    return axes
