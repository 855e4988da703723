"""ScoreDependenceDisplay: how the score depends on each searched parameter,
binned from ``cv_results_`` or the partial dependence of a surrogate.
"""

import numpy as np
from sklearn.utils.validation import check_is_fitted

from .._figures import panels
from .._results import scored_metric
from ._common import (
    _bayes_optimizer,
    _check_count,
    _check_params,
    _check_units,
    _is_numeric,
    _position,
    _same,
    _slice_values,
    _surrogate_view,
)


def _row_values(results, name):
    """``(row indices, values)`` of the rows of ``cv_results_`` that set ``name``."""
    rows = [i for i, p in enumerate(results["params"]) if name in p]
    return np.array(rows, dtype=int), [results["params"][i][name] for i in rows]


def _varies(values):
    """Whether ``values`` hold two that are not :func:`_same`."""
    return any(not _same(v, values[0]) for v in values[1:])


def _binned(values, scores, n_bins):
    """Bin centres, mean and max score per bin of numeric ``values``, or per
    distinct value when there are at most ``n_bins`` of them (or they are not
    numeric)."""
    scores = np.asarray(scores, dtype=float)
    distinct = []
    for v in values:
        if not any(_same(v, d) for d in distinct):
            distinct.append(v)
    if len(distinct) <= n_bins or not _is_numeric(distinct):
        if _is_numeric(distinct):
            distinct = sorted(distinct)
        index = [_position(v, distinct) for v in values]
        groups = [np.flatnonzero(np.asarray(index) == i) for i in range(len(distinct))]
        centres = distinct
    else:
        x = np.asarray(values, dtype=float)
        log = x.min() > 0 and x.max() >= 100 * x.min()
        t = np.log(x) if log else x
        edges = np.linspace(t.min(), t.max(), n_bins + 1)
        which = np.clip(np.searchsorted(edges, t, side="right") - 1, 0, n_bins - 1)
        groups = [np.flatnonzero(which == b) for b in range(n_bins)]
        mids = (edges[:-1] + edges[1:]) / 2
        centres = [float(c) for c in (np.exp(mids) if log else mids)]
    keep = [i for i, g in enumerate(groups) if len(g)]
    means, maxima = [], []
    for i in keep:
        finite = scores[groups[i]][np.isfinite(scores[groups[i]])]
        means.append(finite.mean() if finite.size else np.nan)
        maxima.append(finite.max() if finite.size else np.nan)
    return [centres[i] for i in keep], np.array(means), np.array(maxima)


class ScoreDependenceDisplay:
    """How the score depends on each searched parameter, one panel each.

    Two ways to estimate it:

    - ``"binned"``, for any search: the rows of ``cv_results_`` are grouped
      by the parameter's value (in ``n_bins`` equal bins of a numeric range,
      log-spaced when it spans two decades or more; by value when there are
      few), and the mean and best score of each group drawn over every row's
      score. The mean mixes the other parameters' values as the search drew
      them, so a search that concentrates on good regions flatters them.
    - ``"surrogate"``, for a Bayesian search: the partial dependence of the
      surrogate (Friedman, 2001), the mean prediction over the evaluated
      points with the parameter set to each value, averaged in the model's
      standardized, power-transformed units. By default it is drawn in the
      metric's units, mapped back through the inverse of the output warping
      (see :class:`SurrogateDisplay`): an increasing map, so the curve's
      shape and its best value are the model's. Averaging after the map
      would let the predictions the warping cannot map back (beyond its
      image, ``-inf``) swamp the rest. ``units="model"`` draws the average
      itself.

    Create it with :meth:`from_estimator`.

    Parameters
    ----------
    params : list of str
        The parameters, one panel each.
    values : list of list
        For each parameter, the values (bin centres, categories or grid
        points) its curve is drawn at.
    averages : list of ndarray
        For each parameter, the mean score (``"binned"``) or the partial
        dependence (``"surrogate"``) at ``values``.
    maxima : list of ndarray or None
        For each parameter, the best score at ``values`` (``"binned"`` only).
    points : list of tuple
        For each parameter, ``(values, scores)`` of every row that sets it.
    method : {"binned", "surrogate"}
        How the curves were estimated.
    metric : str, default="score"
        The metric.

    Attributes
    ----------
    axes_ : list of matplotlib Axes
        A panel per parameter of ``params``, set by :meth:`plot`.
    figure_ : matplotlib Figure
        Where they are.

    See Also
    --------
    SurrogateDisplay : A slice of the surrogate through the best setting.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.model_selection import GridSearchCV
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skhyper.plotting import ScoreDependenceDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> search = GridSearchCV(
    ...     DecisionTreeClassifier(random_state=0),
    ...     {"max_depth": [1, 2, 3, 4], "criterion": ["gini", "entropy"]},
    ... ).fit(X, y)
    >>> display = ScoreDependenceDisplay.from_estimator(search)
    >>> display.method, display.params, display.values[1]
    ('binned', ['criterion', 'max_depth'], [1, 2, 3, 4])
    """

    def __init__(self, *, params, values, averages, maxima, points, method,
                 metric="score"):
        self.params = params
        self.values = values
        self.averages = averages
        self.maxima = maxima
        self.points = points
        self.method = method
        self.metric = metric

    @classmethod
    def from_estimator(cls, search, params=None, *, method="auto", metric=None,
                       n_bins=10, n_points=50, units="metric", axes=None):
        """The dependence of a fitted search's score on its parameters.

        Parameters
        ----------
        search : fitted search
            Any search with a ``cv_results_``; ``method="surrogate"`` needs a
            BayesSearchCV.
        params : str or list of str, default=None
            The parameters to draw; None means every parameter that takes
            more than one value in ``cv_results_`` (for a surrogate, every
            parameter of the best setting's subspace).
        method : {"auto", "binned", "surrogate"}, default="auto"
            ``"auto"`` is ``"surrogate"`` for a search with a Gaussian-process
            surrogate, else ``"binned"``.
        metric : str, default=None
            The metric, for ``"binned"``: as in :class:`ConvergenceDisplay`.
        n_bins : int, default=10
            Bins of a numeric parameter with more distinct values.
        n_points : int, default=50
            Grid points of a continuous parameter, for ``"surrogate"``.
        units : {"metric", "model"}, default="metric"
            For ``"surrogate"``: the partial dependence in the metric's units
            or in the model's; ``"binned"`` draws the metric only.
        axes : list of matplotlib Axes, default=None
            One per parameter; a new figure's row of panels when None.

        Returns
        -------
        display : ScoreDependenceDisplay
            With every parameter's curve, drawn on ``display.axes_``.
        """
        _check_count("n_bins", n_bins)
        _check_count("n_points", n_points)
        if method not in ("auto", "binned", "surrogate"):
            raise ValueError(
                f"method must be 'auto', 'binned' or 'surrogate'; got {method!r}."
            )
        if method == "auto":
            try:
                _bayes_optimizer(search, "")
                method = "surrogate"
            except ValueError:
                method = "binned"
        _check_units(units)
        if method == "surrogate":
            if metric is not None:
                raise ValueError(
                    f"metric={metric!r}: the surrogate models the one score its "
                    f"search optimizes; pass metric only with method='binned'."
                )
            display = cls._from_surrogate(search, params, n_points, units)
        else:
            if units != "metric":
                raise ValueError(
                    f"units={units!r}: only a surrogate has model units; the "
                    f"binned scores are the metric's."
                )
            display = cls._from_rows(search, params, metric, n_bins)
        return display.plot(axes=axes)

    @classmethod
    def _from_rows(cls, search, params, metric, n_bins):
        check_is_fitted(search, "cv_results_")
        metric, column = scored_metric(search, metric)
        results = search.cv_results_
        scores = np.asarray(results[column], dtype=float)
        every = sorted({name for p in results["params"] for name in p})
        if params is None:  # the parameters that take more than one value
            params = [n for n in every if _varies(_row_values(results, n)[1])]
            if not params:
                raise ValueError(
                    f"no parameter of {type(search).__name__}'s cv_results_ takes "
                    f"more than one value: there is no dependence to draw."
                )
        params = _check_params(params, every)
        values, averages, maxima, points = [], [], [], []
        for name in params:
            rows, row_values = _row_values(results, name)
            centres, means, best = _binned(row_values, scores[rows], n_bins)
            values.append(centres)
            averages.append(means)
            maxima.append(best)
            points.append((row_values, scores[rows]))
        return cls(params=params, values=values, averages=averages, maxima=maxima,
                   points=points, method="binned", metric=metric)

    @classmethod
    def _from_surrogate(cls, search, params, n_points, units):
        view = _surrogate_view(search, "ScoreDependenceDisplay(method='surrogate')",
                               units)
        subspace = view.subspace
        params = _check_params(list(subspace) if params is None else params,
                               list(subspace))
        background = [view.posterior.observed_params[i] for i in view.told]
        values, averages, points = [], [], []
        for name in params:
            grid = _slice_values(subspace[name], n_points)
            rows = [{**p, name: v} for v in grid for p in background]
            mean = view.posterior.predict(rows)[0]
            mean = mean.reshape(len(grid), len(background)).mean(axis=1)
            values.append(grid)
            averages.append(view.to_units(mean))
            points.append(([p[name] for p in background], view.scores[view.told]))
        return cls(params=params, values=values, averages=averages, maxima=None,
                   points=points, method="surrogate", metric=view.label)

    def plot(self, axes=None):
        """Draw one panel per parameter.

        Parameters
        ----------
        axes : list of matplotlib Axes, default=None
            One per parameter; a new figure's row of panels when None.

        Returns
        -------
        display : ScoreDependenceDisplay
            This display, with ``axes_`` and ``figure_`` set.
        """
        axes = panels(axes, len(self.params), "parameter", width=3.6, sharey=True)
        for i, (ax, name) in enumerate(zip(axes, self.params)):
            values = self.values[i]
            numeric = _is_numeric(values)
            seen, scores = self.points[i]
            if numeric:
                x, seen_x = np.asarray(values, float), np.asarray(seen, float)
            else:
                x = np.arange(len(values))
                seen_x = np.array([_position(s, values) for s in seen], float)
            ax.scatter(seen_x, scores, s=10, color="0.6", label="evaluations")
            style = "-" if numeric else "o"
            label = "partial dependence" if self.method == "surrogate" else "mean"
            ax.plot(x, self.averages[i], style, color="C0", label=label)
            if self.maxima is not None:
                ax.plot(x, self.maxima[i], style, color="C3", label="best")
            if not numeric:
                ax.set_xticks(x, [str(v) for v in values], rotation=30, ha="right")
                ax.margins(x=0.25)
            elif len(x) > 1 and np.all(x > 0) and x.max() >= 100 * x.min():
                ax.set_xscale("log")
            ax.set_xlabel(name)
        axes[0].set_ylabel(f"mean test {self.metric}")
        axes[-1].legend(loc="best", fontsize="small")
        self.axes_, self.figure_ = axes, axes[0].figure
        return self
