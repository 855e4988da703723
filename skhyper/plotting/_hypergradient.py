"""HypergradientDisplay: a hypergradient search's descent over the
validation-loss curve.
"""

import numpy as np

from .._figures import pyplot
from ._common import (
    _check_count,
    _check_params,
    _is_numeric,
    _results_with,
    _slice_values,
)


class HypergradientDisplay:
    """A hypergradient search's descent, over the validation-loss curve.

    The differentiated loss of every evaluation (``hyper_loss`` in
    ``cv_results_``: the fold-mean squared error or log-loss) in the order
    the search made them, connected where the descent stepped: hollow
    markers are a descent's initial design, filled ones its L-BFGS-B
    iterations (line-search evaluations included), the star the best row.
    Over one parameter the loss is the vertical axis; over two, the path is
    drawn in their plane, coloured by the loss.

    With ``X`` and ``y``, :meth:`from_estimator` also draws the loss the
    descent follows: the same loss cross-validated on the same splitter (a
    GridSearchCV of ``n_points`` values, or ``n_points`` squared for two
    parameters, with ``neg_mean_squared_error`` or ``neg_log_loss``), the
    other parameters held at the best row's values. That costs one fit per fold and
    point; a splitter that shuffles without a seed draws other folds than the
    search's.

    Parameters
    ----------
    params : list of str
        The one or two parameters drawn.
    path : list of ndarray
        Each parameter's value at every row, in evaluation order.
    losses : ndarray
        ``hyper_loss`` of every row.
    iterations : ndarray
        ``iter`` of every row (0 for an initial design).
    best_index : int
        The row of ``best_index_``.
    curve_grid : list of ndarray or None
        The values the loss curve (or surface) was computed at.
    curve_losses : ndarray or None
        The loss there: shape ``(n_points,)``, or ``(n_y, n_x)`` for two
        parameters.

    Attributes
    ----------
    ax_ : matplotlib Axes
        Where :meth:`plot` drew the path.
    figure_ : matplotlib Figure
        The figure of ``ax_``.

    See Also
    --------
    skhyper.HypergradientSearchCV : The search drawn, and the losses it
        differentiates.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.linear_model import Ridge
    >>> from skhyper import HypergradientSearchCV, Real
    >>> from skhyper.plotting import HypergradientDisplay
    >>> X, y = load_diabetes(return_X_y=True)
    >>> search = HypergradientSearchCV(
    ...     Ridge(), {"alpha": Real(1e-4, 1e4, prior="log-uniform")}, cv=5,
    ...     max_iter=10,
    ... ).fit(X, y)
    >>> display = HypergradientDisplay.from_estimator(search, X, y, n_points=20)
    >>> display.params, len(display.losses), display.curve_losses.shape
    (['alpha'], 10, (20,))
    """

    def __init__(self, *, params, path, losses, iterations, best_index,
                 curve_grid=None, curve_losses=None):
        self.params = params
        self.path = path
        self.losses = losses
        self.iterations = iterations
        self.best_index = best_index
        self.curve_grid = curve_grid
        self.curve_losses = curve_losses

    @classmethod
    def from_estimator(cls, search, X=None, y=None, *, params=None, n_points=30,
                       ax=None, **kwargs):
        """The descent of a fitted hypergradient search.

        Parameters
        ----------
        search : fitted HypergradientSearchCV
            A search whose ``cv_results_`` has ``hyper_loss`` and ``iter``.
        X, y : array-like, default=None
            The data the search was fitted on, to draw the loss curve; None
            draws the path alone.
        params : str or list of str, default=None
            One or two of the searched continuous parameters; None means all
            of them when there are one or two.
        n_points : int, default=30
            Points of the loss curve, per parameter.
        ax : matplotlib Axes, default=None
            Where to draw; a new figure's axes when None.
        **kwargs : dict
            Passed to matplotlib's ``Axes.plot`` for the path.

        Returns
        -------
        display : HypergradientDisplay
            With the path (and curve), drawn on ``display.ax_``.
        """
        results = _results_with(search, ("hyper_loss", "iter"), "HypergradientDisplay",
                                "a hypergradient search")
        _check_count("n_points", n_points)
        if (X is None) != (y is None):
            raise ValueError("pass both X and y to draw the loss curve, or neither.")
        rows = results["params"]
        moving = sorted(
            name for name in {n for p in rows for n in p}
            if all(name in p and _is_numeric([p[name]]) for p in rows)
            and len({p[name] for p in rows}) > 1
        )
        if params is None:
            if not 1 <= len(moving) <= 2:
                raise ValueError(
                    f"params: the search moved {len(moving)} continuous parameters "
                    f"{moving}; name one or two to draw."
                )
            params = moving
        params = _check_params(params, moving)
        if len(params) > 2:
            raise ValueError(f"params must name one or two parameters; got {params!r}.")
        path = [np.array([p[name] for p in rows], dtype=float) for name in params]
        losses = np.asarray(results["hyper_loss"], dtype=float)
        if hasattr(search, "best_index_"):
            best = int(search.best_index_)
        else:  # refit=False with several metrics: the loss's own best
            best = int(np.nanargmin(losses))
        grid = curve = None
        if X is not None:
            grid, curve = _loss_curve(search, X, y, params, n_points, rows[best])
        display = cls(
            params=params, path=path, losses=losses,
            iterations=np.asarray(results["iter"]), best_index=best,
            curve_grid=grid, curve_losses=curve,
        )
        return display.plot(ax=ax, **kwargs)

    def plot(self, ax=None, **kwargs):
        """Draw the path (over the loss curve, if computed).

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure's axes when None.
        **kwargs : dict
            Passed to matplotlib's ``Axes.plot`` for the path.

        Returns
        -------
        display : HypergradientDisplay
            This display, with ``ax_`` and ``figure_`` set.
        """
        plt = pyplot()
        if ax is None:
            _, ax = plt.subplots(figsize=(6.4, 4.2), layout="constrained")
        one = len(self.params) == 1
        x = self.path[0]
        y = self.losses if one else self.path[1]
        if self.curve_losses is not None:
            if one:
                ax.plot(self.curve_grid[0], self.curve_losses, color="0.6",
                        label="cross-validated loss")
            else:
                surface = self.curve_losses
                style = {"levels": 20, "cmap": "viridis_r"}
                low, high = np.nanmin(surface), np.nanmax(surface)
                if low > 0 and high >= 10 * low:  # a loss spanning decades
                    from matplotlib.colors import LogNorm

                    style.update(levels=np.geomspace(low, high, 21), norm=LogNorm())
                filled = ax.contourf(self.curve_grid[0], self.curve_grid[1],
                                     surface, **style)
                ax.figure.colorbar(filled, ax=ax, label="cross-validated loss",
                                   format="%.4g")
        stepped = self.iterations > 0
        style = {"color": "C3", "linewidth": 1, **kwargs}
        start = None  # where the running descent stepped from
        for i in range(len(x)):
            if not stepped[i]:
                if i == 0 or stepped[i - 1]:
                    start = i
                elif self.losses[i] < self.losses[start]:
                    start = i  # a descent starts from its design's best point
                continue
            origin = i - 1 if i > 0 and stepped[i - 1] else start
            if origin is not None:
                ax.annotate("", (x[i], y[i]), (x[origin], y[origin]),
                            arrowprops={"arrowstyle": "->", "color": style["color"],
                                        "lw": style["linewidth"]})
        ax.plot(x[stepped], y[stepped], "o", markersize=4, label="descent",
                **{k: v for k, v in style.items() if k != "linewidth"})
        ax.plot(x[~stepped], y[~stepped], "o", markerfacecolor="none",
                markeredgecolor="k", label="initial design")
        b = self.best_index
        ax.plot(x[b], y[b], "*", markersize=14, color="gold", markeredgecolor="k",
                label="best")
        if np.all(x > 0) and x.max() >= 100 * x.min():
            ax.set_xscale("log")
        if not one and np.all(y > 0) and y.max() >= 100 * y.min():
            ax.set_yscale("log")
        finite = y[np.isfinite(y)]
        if one and finite.size and finite.min() > 0 and finite.max() >= 10 * finite.min():
            ax.set_yscale("log")  # a loss spanning a decade or more
        ax.set_xlabel(self.params[0])
        ax.set_ylabel("validation loss (hyper_loss)" if one else self.params[1])
        ax.legend(loc="best", fontsize="small")
        self.ax_, self.figure_ = ax, ax.figure
        return self


def _loss_curve(search, X, y, params, n_points, best):
    """The cross-validated differentiated loss over ``params``, the others at
    the best row's ``best``: a GridSearchCV on the search's splitter."""
    from sklearn.base import clone, is_classifier
    from sklearn.model_selection import GridSearchCV, check_cv

    from ..space import SearchSpace

    space = SearchSpace(search.search_spaces)
    k = space.which_subspace(best)
    if k < 0:
        k = 0
    grid = [np.array(_slice_values(space.subspaces[k][p], n_points), dtype=float)
            for p in params]
    classifier = is_classifier(search.estimator)
    estimator = clone(search.estimator).set_params(
        **{n: v for n, v in best.items() if n not in params}
    )
    cv = check_cv(search.cv, y, classifier=classifier)
    curve = GridSearchCV(
        estimator, {p: list(g) for p, g in zip(params, grid)},
        scoring="neg_log_loss" if classifier else "neg_mean_squared_error",
        cv=cv, n_jobs=search.n_jobs,
    ).fit(X, y)
    losses = -np.asarray(curve.cv_results_["mean_test_score"], dtype=float)
    if len(params) == 2:
        # GridSearchCV's rows run over the sorted names' product, last fastest
        order = sorted(params)
        losses = losses.reshape(len(grid[params.index(order[0])]),
                                len(grid[params.index(order[1])]))
        if order[0] == params[0]:
            losses = losses.T
    return grid, losses
