"""SurrogateDisplay: a Bayesian search's Gaussian-process surrogate over one
or two parameters, and the acquisition it maximizes.
"""

import numpy as np

from .._figures import pyplot
from ._common import (
    _check_count,
    _finite_limits,
    _is_numeric,
    _log_scaled,
    _objects,
    _position,
    _same,
    _slice_values,
    _surrogate_view,
)


# natural-log units below the maximum a logarithmic acquisition is drawn to
_LOG_ACQUISITION_RANGE = 15.0


def _on_slice(points, fixed):
    """Whether each point holds every parameter of ``fixed`` at its value
    (as the search space matches values): the points a slice passes through."""
    return np.array(
        [all(_same(p[name], value) for name, value in fixed.items()) for p in points],
        dtype=bool,
    )


class SurrogateDisplay:
    """A Bayesian search's Gaussian-process surrogate over one or two parameters.

    Over one parameter: the surrogate's prediction and a band of two
    standard deviations, with the evaluated points, and below it the
    acquisition function the next point maximizes (high where the prediction
    is high, which exploits, or where the uncertainty is, which explores).
    Over two: the prediction and the acquisition as contour maps, with the
    evaluated points. The other parameters are held at the best setting's
    values (``fixed``): the picture is a slice of the space, and an evaluated
    point whose other parameters differ lies off it (drawn hollow), where the
    model may predict something else than at its own setting.

    The surrogate models the scores as the optimizer does, standardized and
    power-transformed (the output warping, see
    :class:`~skhyper.BayesSearchCV`), with a normal predictive distribution
    in those *model units*. By default (``units="metric"``) it is drawn in
    the metric's units: the model's mean and the two ends of its band (mean
    minus and plus two standard deviations) are mapped back through the
    inverse of the warping and of the standardization. That map is
    increasing, so the mean maps to the *median* of the predictive
    distribution in the metric, and the band to its 2.3 % and 97.7 %
    quantiles, no longer symmetric around it. Where the band reaches beyond
    what the power transform can give back, its end is unbounded (``±inf``)
    and drawn to the edge of the axes; where the mean itself does (the model
    undershooting far below every score told), it is drawn at that edge too,
    or in a contour map's lowest colour. ``units="model"`` draws the model's
    own mean and band, the units the acquisition is computed in. The model
    is conditioned on every score told, with the hyperparameters of the last
    model-based ask. A logarithmic acquisition (``log_ei``, and ``pi``'s
    log-probability) is drawn floored 15 below its maximum, where the rest is
    effectively zero; the ``acquisition`` attribute keeps its values
    unfloored.

    Create it with :meth:`from_estimator`.

    Parameters
    ----------
    params : list of str
        The one or two parameters drawn.
    grid : list of list
        The values of each parameter the surrogate is drawn at.
    mean, std, acquisition : ndarray
        At the grid: the surrogate's prediction in the units drawn (its
        median, in the metric's units), its standard deviation in model
        units, and the acquisition: shape ``(len(grid[0]),)`` for one
        parameter, ``(len(grid[1]), len(grid[0]))`` for two.
    observed : list of ndarray
        For each parameter, its value at each evaluated point of the drawn
        subspace.
    observed_scores : ndarray
        Those points' scores, in the units drawn; NaN for a failed
        evaluation (the model was told the worst score there), which is not
        drawn.
    fixed : dict
        The values the other parameters are held at.
    acq_func : str
        The acquisition function's name.
    lower, upper : ndarray, default=None
        The band's ends at the grid, in the units drawn; None means ``mean``
        minus and plus two ``std`` (model units).
    on_slice : ndarray of bool, default=None
        For each evaluated point, whether its other parameters have the
        values of ``fixed``; None means every point.
    units : {"metric", "model"}, default="metric"
        The units of ``mean``, ``lower``, ``upper`` and ``observed_scores``.
    metric : str, default="score"
        The metric's name (``"accuracy"`` ...), or ``"score (model units)"``.

    Attributes
    ----------
    axes_ : list of matplotlib Axes
        ``[surrogate, acquisition]``, after :meth:`plot`.
    figure_ : matplotlib Figure
        Their figure.

    See Also
    --------
    ScoreDependenceDisplay : The surrogate's partial dependence on each
        parameter, averaged over the evaluations rather than a slice.
    skhyper.BayesOptimizer.posterior : The model drawn, to read it directly.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.svm import SVC
    >>> from skhyper import BayesSearchCV, Real
    >>> from skhyper.plotting import SurrogateDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> search = BayesSearchCV(
    ...     SVC(), {"C": Real(1e-3, 1e3, prior="log-uniform")}, n_iter=8,
    ...     random_state=0,
    ... ).fit(X, y)
    >>> display = SurrogateDisplay.from_estimator(search, n_points=50)
    >>> display.params, display.mean.shape, len(display.observed_scores)
    (['C'], (50,), 8)
    >>> display.metric, bool(0 <= display.mean.min() <= display.mean.max() <= 1)
    ('accuracy', True)
    """

    def __init__(self, *, params, grid, mean, std, acquisition, observed,
                 observed_scores, fixed, acq_func, lower=None, upper=None,
                 on_slice=None, units="metric", metric="score"):
        self.params = params
        self.grid = grid
        self.mean = mean
        self.std = std
        self.acquisition = acquisition
        self.observed = observed
        self.observed_scores = observed_scores
        self.fixed = fixed
        self.acq_func = acq_func
        self.lower = mean - 2 * std if lower is None else lower
        self.upper = mean + 2 * std if upper is None else upper
        self.on_slice = (np.ones(len(observed_scores), dtype=bool) if on_slice is None
                         else on_slice)
        self.units = units
        self.metric = metric

    @classmethod
    def from_estimator(cls, search, params=None, *, fixed=None, n_points=100,
                       units="metric", axes=None, **kwargs):
        """The surrogate of a fitted Bayesian search.

        Parameters
        ----------
        search : fitted BayesSearchCV or BayesOptimizer
            A search with a BayesOptimizer ``optimizer_``, or the optimizer.
        params : str or list of str, default=None
            One or two parameter names. None means every parameter of a
            space of one or two.
        fixed : dict, default=None
            Values of the other parameters; those not given are held at the
            best setting's. The drawn subspace (of a union) is the one of the
            best setting.
        n_points : int, default=100
            Grid points per parameter (fewer for a finite dimension: its
            values).
        units : {"metric", "model"}, default="metric"
            Draw the surrogate in the metric's units (its median and the
            quantiles of its band, mapped back through the output warping),
            or in the model's own units.
        axes : list of two matplotlib Axes, default=None
            For the surrogate and the acquisition; a new figure's when None.
        **kwargs : dict
            Passed to matplotlib's ``Axes.plot`` (one parameter) or
            ``Axes.contourf`` (two) for the surrogate's prediction.

        Returns
        -------
        display : SurrogateDisplay
            With the surrogate's values, drawn on ``display.axes_``.
        """
        _check_count("n_points", n_points)
        view = _surrogate_view(search, "SurrogateDisplay", units)
        posterior, subspace, told = view.posterior, view.subspace, view.told
        names = list(subspace)
        if params is None:
            if len(names) > 2:
                raise ValueError(
                    f"params: the space has {len(names)} parameters {names}; name "
                    f"one or two to draw."
                )
            params = names
        params = [params] if isinstance(params, str) else list(params)
        unknown = [p for p in params if p not in subspace]
        if not 1 <= len(params) <= 2 or unknown or len(set(params)) != len(params):
            raise ValueError(
                f"params must name one or two distinct parameters of the best "
                f"setting's subspace {names}; got {params!r}."
            )
        fixed = {} if fixed is None else dict(fixed)
        wrong = [p for p in fixed if p not in subspace or p in params]
        if wrong:
            raise ValueError(
                f"fixed names parameters {wrong} that are drawn or not in the "
                f"subspace {names}."
            )
        for p, value in fixed.items():
            if not subspace[p].contains(value):
                raise ValueError(
                    f"fixed[{p!r}]={value!r} is not a value of {subspace[p]!r}."
                )
        base = {**view.best, **fixed}
        grid = [_slice_values(subspace[p], n_points) for p in params]
        if len(params) == 2 and not all(_is_numeric(g) for g in grid):
            raise ValueError(
                f"a contour over {params} needs two numeric parameters; draw a "
                f"categorical one alone."
            )
        if len(params) == 1:
            points = [{**base, params[0]: v} for v in grid[0]]
            shape = (len(grid[0]),)
        else:
            points = [{**base, params[0]: a, params[1]: b}
                      for b in grid[1] for a in grid[0]]
            shape = (len(grid[1]), len(grid[0]))
        mu, sigma = posterior.predict(points)
        told_params = [posterior.observed_params[i] for i in told]
        observed = [_objects([p[name] for p in told_params]) for name in params]
        to_units = view.to_units
        others = {n: v for n, v in base.items() if n not in params}
        display = cls(
            params=params, grid=grid, mean=to_units(mu).reshape(shape),
            std=sigma.reshape(shape),
            acquisition=posterior.acquisition(points).reshape(shape),
            observed=observed, observed_scores=view.scores[told],
            fixed=others, acq_func=posterior.acq_func,
            lower=to_units(mu - 2 * sigma).reshape(shape),
            upper=to_units(mu + 2 * sigma).reshape(shape),
            on_slice=_on_slice(told_params, others), units=units, metric=view.label,
        )
        return display.plot(axes=axes, **kwargs)

    def plot(self, axes=None, **kwargs):
        """Draw the surrogate and the acquisition.

        Parameters
        ----------
        axes : list of two matplotlib Axes, default=None
            For the surrogate and the acquisition; a new figure's when None.
        **kwargs : dict
            Passed to ``Axes.plot`` (one parameter) or ``Axes.contourf``
            (two) for the surrogate's mean.

        Returns
        -------
        display : SurrogateDisplay
            This display, with ``axes_`` and ``figure_`` set.
        """
        plt = pyplot()
        if axes is None:
            if len(self.params) == 1:
                _, axes = plt.subplots(2, 1, figsize=(6, 5), sharex=True,
                                       height_ratios=(2, 1), layout="constrained")
            else:
                _, axes = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
        axes = list(np.ravel(axes))
        if len(axes) != 2:
            raise ValueError(
                f"axes must hold two Axes (surrogate, acquisition); got {len(axes)}."
            )
        if len(self.params) == 1:
            self._plot_line(axes, **kwargs)
        else:
            self._plot_contour(axes, **kwargs)
        self.axes_, self.figure_ = axes, axes[0].figure
        return self

    def _plot_line(self, axes, **kwargs):
        surrogate, acq = axes
        values, name = self.grid[0], self.params[0]
        numeric = _is_numeric(values)
        x = np.asarray(values, dtype=float) if numeric else np.arange(len(values))
        seen = self.observed[0]
        if numeric:
            seen_x = seen.astype(float)
        else:  # categories by position, matched as the space matches them
            seen_x = np.array([_position(s, values) for s in seen], dtype=float)
        limits = self._limits()
        low, high = np.clip(self.lower, *limits), np.clip(self.upper, *limits)
        metric = self.units == "metric"
        style = {"color": "C0", **kwargs}
        if metric:
            line, band = "surrogate median", "2.3-97.7 % quantiles (±2 std)"
        else:
            line, band = "surrogate mean", "mean ± 2 std"
        if numeric:
            surrogate.plot(x, np.clip(self.mean, *limits), label=line, **style)
            surrogate.fill_between(x, low, high, alpha=0.25, color=style["color"],
                                   label=band)
            acq.plot(x, self._shown_acquisition(), color="C2")
        else:
            surrogate.errorbar(x, self.mean, yerr=[self.mean - low, high - self.mean],
                               fmt="o", capsize=4, label=f"{line}, {band}", **style)
            shown = self._shown_acquisition()
            acq.vlines(x, np.min(shown), shown, color="C2")
            acq.plot(x, shown, "o", color="C2")
            acq.set_xticks(x, [str(v) for v in values], rotation=30, ha="right")
        self._scatter_observed(surrogate, seen_x, self.observed_scores)
        surrogate.set_ylim(*limits)
        surrogate.set_ylabel(f"mean test {self.metric}")
        surrogate.legend(loc="best", fontsize="small")
        acq.set_ylabel(self.acq_func)
        acq.set_xlabel(name)
        if numeric and _log_scaled(values):
            for ax in axes:
                ax.set_xscale("log")

    def _limits(self):
        """The range of scores drawn: the scores told and the best prediction.
        A prediction or a band below the worst score (in the metric maybe
        without bound, where the model undershoots) is drawn at its edge."""
        best = np.nanmax(np.where(np.isfinite(self.mean), self.mean, np.nan))
        return _finite_limits(self.observed_scores, best)

    def _scatter_observed(self, ax, x, y, face="k", hollow="0.4"):
        """The evaluated points at ``(x, y)``: filled (``face``) on the
        slice, hollow (edged ``hollow``) off it, and a star at the best."""
        on = self.on_slice
        filled = {"facecolor": face, "edgecolor": "k"}
        kinds = [(on, "evaluated", filled)]
        if not on.all():
            kinds = [(on, "evaluated, on the slice", filled),
                     (~on, "evaluated, off the slice",
                      {"facecolor": "none", "edgecolor": hollow})]
        for mask, label, look in kinds:
            if mask.any():
                ax.scatter(x[mask], y[mask], s=18, zorder=3, label=label, **look)
        best = int(np.nanargmax(self.observed_scores))
        ax.scatter(x[best], y[best], marker="*", s=160, color="C3", zorder=4,
                   edgecolor="k", label="best")

    def _shown_acquisition(self):
        """The acquisition as drawn: a logarithmic one (``log_ei``, ``pi``'s
        log-probability) floored ``_LOG_ACQUISITION_RANGE`` below its maximum,
        where the rest is effectively zero and would flatten the picture."""
        values = self.acquisition
        if self.acq_func in ("log_ei", "pi"):
            values = np.maximum(values, np.max(values) - _LOG_ACQUISITION_RANGE)
        return values

    def _plot_contour(self, axes, **kwargs):
        (gx, gy), (px, py) = self.grid, self.params
        x, y = np.asarray(gx, dtype=float), np.asarray(gy, dtype=float)
        seen_x = self.observed[0].astype(float)
        seen_y = self.observed[1].astype(float)
        title = (f"surrogate median (mean test {self.metric})" if self.units == "metric"
                 else "surrogate mean (model units)")
        low, high = self._limits()
        for ax, values, name in (
            (axes[0], np.clip(self.mean, low, high), title),
            (axes[1], self._shown_acquisition(), self.acq_func),
        ):
            style = {"levels": np.linspace(low, high, 21), "cmap": "viridis",
                     **kwargs} if ax is axes[0] else {"levels": 20, "cmap": "magma"}
            filled = ax.contourf(x, y, values, **style)
            ax.figure.colorbar(filled, ax=ax)
            self._scatter_observed(ax, seen_x, seen_y, face="w", hollow="w")
            ax.set_xlabel(px)
            ax.set_ylabel(py)
            ax.set_title(name)
            if _log_scaled(gx):
                ax.set_xscale("log")
            if _log_scaled(gy):
                ax.set_yscale("log")
        axes[0].legend(loc="best", fontsize="small")
