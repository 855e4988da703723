"""BracketsDisplay: Hyperband's successive halving, bracket by bracket.
"""

import numpy as np

from .._figures import panels
from .._results import scored_metric
from ._common import _results_with


_BRACKET_COLUMNS = ("bracket", "config_id", "n_resources")


class BracketsDisplay:
    """Successive halving, bracket by bracket: score against resource.

    One panel per Hyperband bracket (by its ``s``, most exploratory first),
    one line per configuration: its mean test score at every rung it
    reached, against the resource it had there. A line that goes on was
    promoted; the lines that stop were dropped. With
    ``hyperband_iterations`` above 1, the configurations of every iteration's
    bracket ``s`` share its panel.

    It reads ``cv_results_`` only: any fitted search whose results have
    ``bracket``, ``config_id`` and ``n_resources`` columns
    (:class:`~skhyper.HyperbandSearchCV`'s). Create it with
    :meth:`from_estimator`.

    Parameters
    ----------
    brackets : list of int
        The brackets' ``s``, in panel order.
    curves : dict
        For each bracket ``s``, a list of ``(config_id, n_resources,
        scores)``: a configuration's resources and mean test scores, rung by
        rung.
    metric : str, default="score"
        The metric plotted.

    Attributes
    ----------
    axes_ : list of matplotlib Axes
        One per bracket, after :meth:`plot`.
    figure_ : matplotlib Figure
        The figure of the panels.
    lines_ : dict
        For each bracket ``s``, its lines, one per configuration.

    See Also
    --------
    skhyper.HyperbandSearchCV : The search drawn.
    ConvergenceDisplay : The best full-budget score, evaluation after evaluation.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skhyper import HyperbandSearchCV, Real
    >>> from skhyper.plotting import BracketsDisplay
    >>> X, y = load_digits(return_X_y=True)
    >>> search = HyperbandSearchCV(
    ...     LogisticRegression(max_iter=200), {"C": Real(1e-3, 1e2, prior="log-uniform")},
    ...     resource="n_samples", min_resources=100, factor=3, cv=3, random_state=0,
    ... ).fit(X / 16, y)
    >>> display = BracketsDisplay.from_estimator(search)
    >>> display.brackets
    [2, 1, 0]
    >>> [len(display.curves[s]) for s in display.brackets]
    [9, 5, 3]
    >>> len(display.axes_)
    3
    """

    def __init__(self, *, brackets, curves, metric="score"):
        self.brackets = brackets
        self.curves = curves
        self.metric = metric

    @classmethod
    def from_estimator(cls, search, *, metric=None, axes=None, **kwargs):
        """The brackets of a fitted Hyperband search.

        Parameters
        ----------
        search : fitted search
            A search whose ``cv_results_`` has ``bracket``, ``config_id`` and
            ``n_resources`` columns (:class:`~skhyper.HyperbandSearchCV`).
        metric : str, default=None
            The metric to plot. None means ``"score"`` for a single metric,
            and the search's ``refit`` when it names one of several.
        axes : list of matplotlib Axes, default=None
            One per bracket; a new figure's row of panels when None.
        **kwargs : dict
            Passed to matplotlib's ``Axes.plot`` for every line.

        Returns
        -------
        display : BracketsDisplay
            With every configuration's curve, drawn on ``display.axes_``.
        """
        results = _results_with(search, _BRACKET_COLUMNS, "BracketsDisplay",
                                "a Hyperband search")
        name, column = scored_metric(search, metric)
        scores = np.asarray(results[column], dtype=float)
        bracket = np.asarray(results["bracket"])
        config = np.asarray(results["config_id"])
        resources = np.asarray(results["n_resources"], dtype=float)
        brackets = sorted({int(b) for b in bracket}, reverse=True)
        curves = {}
        for s in brackets:
            in_bracket = bracket == s
            curves[s] = []
            for cid in dict.fromkeys(config[in_bracket]):  # first-seen order
                rows = np.flatnonzero(in_bracket & (config == cid))
                rows = rows[np.argsort(resources[rows], kind="stable")]
                curves[s].append((cid, resources[rows], scores[rows]))
        display = cls(brackets=brackets, curves=curves, metric=name)
        return display.plot(axes=axes, **kwargs)

    def plot(self, axes=None, **kwargs):
        """Draw one panel per bracket.

        Parameters
        ----------
        axes : list of matplotlib Axes, default=None
            One per bracket; a new figure's row of panels (sharing the score
            axis) when None.
        **kwargs : dict
            Passed to matplotlib's ``Axes.plot`` for every line.

        Returns
        -------
        display : BracketsDisplay
            This display, with ``axes_``, ``figure_`` and ``lines_`` set.
        """
        axes = panels(axes, len(self.brackets), "bracket", width=3.2, sharey=True)
        style = {"marker": "o", "markersize": 3, "linewidth": 1, "alpha": 0.7, **kwargs}
        self.lines_ = {}
        for ax, s in zip(axes, self.brackets):
            self.lines_[s] = [
                ax.plot(resources, scores, **style)[0]
                for _, resources, scores in self.curves[s]
            ]
            ax.set_xscale("log")
            ticks = np.unique(np.concatenate([r for _, r, _ in self.curves[s]]))
            ax.set_xticks(ticks, labels=[f"{t:g}" for t in ticks])
            ax.minorticks_off()
            ax.set_xlim(ticks[0] / 1.5, ticks[-1] * 1.5)
            ax.set_title(f"bracket s={s}: {len(self.curves[s])} configurations")
            ax.set_xlabel("n_resources")
        axes[0].set_ylabel(f"mean test {self.metric}")
        self.axes_, self.figure_ = axes, axes[0].figure
        return self
