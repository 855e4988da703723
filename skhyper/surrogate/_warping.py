"""Output warping: the scores a surrogate is fitted to, and the way back.

Scores are standardized, transformed by a Yeo-Johnson power transform whose
exponent (in [-2, 4]) maximizes the normal likelihood, and standardized
again (output warping, as in HEBO, Cowen-Rivers et al. 2022). The map is
increasing, so the best score stays the best; it pulls in a long tail of
poor scores that would otherwise flatten the model where the good scores
are. :class:`OutputWarping` keeps the fitted map and its inverse, which the
displays use to draw the surrogate in the metric's units.
"""

import numpy as np

__all__ = ["OutputWarping", "model_scores", "yeojohnson_exponent", "yeojohnson"]

# Fewer scores than this are only standardized; the exponents searched.
_MIN_WARPED, _WARP_GRID = 4, np.linspace(-2.0, 4.0, 61)


def _power(log1p, exponent):
    """``((|z| + 1)^e - 1) / e``, and its limit ``log(|z| + 1)`` at ``e = 0``,
    from ``log1p = log(|z| + 1)``."""
    small = np.abs(exponent) < 1e-8
    return np.where(
        small, log1p, np.expm1(exponent * log1p) / np.where(small, 1.0, exponent)
    )


def yeojohnson(z, exponent):
    """The Yeo-Johnson transform of ``z`` (Yeo and Johnson, 2000), elementwise;
    ``exponent`` may be a column of exponents, one row of output each."""
    log1p = np.log1p(np.abs(z))
    return np.where(z >= 0, _power(log1p, exponent), -_power(log1p, 2 - exponent))


def yeojohnson_exponent(z):
    """The exponent of the grid ``_WARP_GRID`` that maximizes the normal
    profile log-likelihood of the transformed ``z``, as
    :func:`scipy.stats.yeojohnson_normmax` chooses it, in one vectorized
    evaluation: scipy's bounded scalar search costs ~20 ms an ask, a third of
    a suggestion at 100 observations, for digits the surrogate cannot use
    (``benchmarks/bench_bayes.py`` times a suggestion)."""
    transformed = yeojohnson(z, _WARP_GRID[:, None])
    with np.errstate(divide="ignore"):
        loglik = -0.5 * len(z) * np.log(transformed.var(axis=1)) + (
            _WARP_GRID - 1
        ) * np.sum(np.sign(z) * np.log1p(np.abs(z)))
    return _WARP_GRID[int(np.argmax(np.where(np.isfinite(loglik), loglik, -np.inf)))]


def _yeojohnson_inverse(t, exponent):
    """The inverse of :func:`yeojohnson` at ``exponent``: ``+inf`` or ``-inf``
    beyond the transform's image (which is bounded above for an exponent
    below 0, and below for one above 2)."""
    t = np.asarray(t, dtype=float)
    out = np.empty_like(t)
    up, down = t >= 0, t < 0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if abs(exponent) < 1e-8:
            out[up] = np.expm1(t[up])
        else:
            base = 1 + exponent * t[up]
            out[up] = np.where(base > 0, np.expm1(np.log(base) / exponent), np.inf)
        other = 2 - exponent
        if abs(other) < 1e-8:
            out[down] = -np.expm1(-t[down])
        else:
            base = 1 - other * t[down]
            out[down] = np.where(base > 0, -np.expm1(np.log(base) / other), -np.inf)
    return out


class OutputWarping:
    """The increasing map from scores to what the surrogate is fitted to.

    Fitted to ``scores`` (a failed evaluation, NaN, taken as the worst finite
    score, as the surrogate is told): standardized, Yeo-Johnson-transformed
    at the likelihood-maximizing exponent of a grid (with at least four
    scores), and standardized again; the result has mean 0 and variance 1,
    unless all scores are equal (then all 0).

    Parameters
    ----------
    scores : array-like of shape (n,)
        The scores told, higher is better; at least one finite.
    """

    def __init__(self, scores):
        y = self._filled(scores)
        self.center, self.scale = y.mean(), y.std()
        self.exponent = None
        self.center2, self.scale2 = 0.0, 1.0
        if not self.scale > 0:
            return
        z = (y - self.center) / self.scale
        if len(z) >= _MIN_WARPED:
            self.exponent = yeojohnson_exponent(z)
            t = yeojohnson(z, self.exponent)
            self.center2, self.scale2 = t.mean(), t.std()

    def _filled(self, scores):
        y = np.asarray(scores, dtype=float)
        finite = np.isfinite(y)
        worst = getattr(self, "_worst", None)
        if worst is None:
            worst = self._worst = np.min(y[finite])
        return np.where(finite, y, worst)

    def transform(self, scores):
        """The model scores of ``scores`` (NaN as the worst score fitted)."""
        y = self._filled(scores)
        if not self.scale > 0:
            return np.zeros_like(y)
        z = (y - self.center) / self.scale
        if self.exponent is not None:
            z = yeojohnson(z, self.exponent)
        return (z - self.center2) / self.scale2

    def inverse_transform(self, model_scores):
        """The scores of ``model_scores``: increasing, ``±inf`` beyond the
        image of the power transform; all the one score when they were
        equal."""
        t = np.asarray(model_scores, dtype=float)
        if not self.scale > 0:
            return np.full_like(t, self.center)
        z = t * self.scale2 + self.center2
        if self.exponent is not None:
            z = _yeojohnson_inverse(z, self.exponent)
        return z * self.scale + self.center


def model_scores(scores):
    """What a surrogate is fitted to: ``scores`` with each failed (NaN)
    evaluation told as the worst finite score, warped by :class:`OutputWarping`."""
    return OutputWarping(scores).transform(scores)
