"""ConvergenceDisplay: the best score so far against evaluations or fit seconds.
"""

import numpy as np
from sklearn.utils.validation import check_is_fitted

from .._figures import pyplot
from .._results import best_so_far, fit_seconds, scored_metric, search_names


_AXES = {"evaluations": "evaluations", "fit_seconds": "fit seconds (all folds)"}


class ConvergenceDisplay:
    """The best cross-validated score so far, against evaluations or fit seconds.

    A search's convergence curve: after each row of ``cv_results_`` (in the
    order the search evaluated them), the best mean test score up to that
    row among the rows the search could choose as its best, by the rule of
    its own ``best_index_``. For most searches that is every row. A
    multi-fidelity search chooses among its full-budget rows only: the rows
    at the largest resource for :class:`~skhyper.HyperbandSearchCV` and
    :class:`~skhyper.PBTSearchCV` (the last round), the last iteration's rows
    for scikit-learn's ``HalvingGridSearchCV`` and ``HalvingRandomSearchCV``.
    A score measured on a small budget is not one the search would report
    (a few samples can flatter a poor setting), so its curve starts at its
    first full-budget row and ends at its ``best_score_`` (when ``refit``
    chooses by the metric drawn).

    Against evaluations the curve shows sample efficiency; against the fit
    seconds spent so far (``mean_fit_time`` times the number of folds,
    summed over every row, low budgets included) it shows compute
    efficiency. Failed fits (a NaN score) leave the curve as it was.

    Create it with :meth:`from_estimator`; one display can hold the curves
    of several searches, to compare them on one axes.

    Parameters
    ----------
    evaluations : list of ndarray
        For each search, the evaluation numbers ``1, 2, ..., n_rows``.
    fit_seconds : list of ndarray
        For each search, the fit seconds spent up to and including each row.
    best_scores : list of ndarray
        For each search, the best mean test score up to each row among the
        rows it could choose as its best (NaN before the first such row that
        did not fail).
    names : list of str
        The legend label of each search.
    metric : str, default="score"
        The metric plotted (a key ``mean_test_<metric>`` of ``cv_results_``).

    Attributes
    ----------
    ax_ : matplotlib Axes
        The axes drawn on, after :meth:`plot`.
    figure_ : matplotlib Figure
        Its figure.
    lines_ : list of matplotlib Line2D
        One step line per search.

    See Also
    --------
    skhyper.compare.compare_searches : Runs searches on several seeds and
        compares their median curves.
    BracketsDisplay : What happens inside one Hyperband bracket.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import RandomizedSearchCV
    >>> from scipy.stats import loguniform
    >>> from skhyper import BayesSearchCV, Real
    >>> from skhyper.plotting import ConvergenceDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> bayes = BayesSearchCV(
    ...     LogisticRegression(max_iter=1000), {"C": Real(1e-3, 1e3, prior="log-uniform")},
    ...     n_iter=8, random_state=0,
    ... ).fit(X, y)
    >>> random = RandomizedSearchCV(
    ...     LogisticRegression(max_iter=1000), {"C": loguniform(1e-3, 1e3)}, n_iter=8,
    ...     random_state=0,
    ... ).fit(X, y)
    >>> display = ConvergenceDisplay.from_estimator([bayes, random])
    >>> display.names
    ['BayesSearchCV', 'RandomizedSearchCV']
    >>> len(display.best_scores[0]), len(display.lines_)
    (8, 2)
    >>> bool((display.best_scores[0] == bayes.cv_results_["mean_test_score"].max())[-1])
    True
    """

    def __init__(self, *, evaluations, fit_seconds, best_scores, names, metric="score"):
        self.evaluations = evaluations
        self.fit_seconds = fit_seconds
        self.best_scores = best_scores
        self.names = names
        self.metric = metric

    @classmethod
    def from_estimator(cls, search, *, metric=None, x="evaluations", names=None, ax=None,
                       **kwargs):
        """The convergence of one fitted search, or of a list of them.

        Parameters
        ----------
        search : fitted search or list of fitted searches
            Any estimator with a ``cv_results_`` (skhyper's searches,
            ``GridSearchCV``, ``RandomizedSearchCV``, ...).
        metric : str, default=None
            The metric to plot. None means ``"score"`` for a single metric,
            and the search's ``refit`` when it names one of several.
        x : {"evaluations", "fit_seconds"}, default="evaluations"
            What the horizontal axis counts.
        names : list of str, default=None
            Legend labels, one per search; by default the searches' class
            names (numbered when they repeat).
        ax : matplotlib Axes, default=None
            Where to draw; a new figure's axes when None.
        **kwargs : dict
            Passed to matplotlib's ``Axes.step`` for every line.

        Returns
        -------
        display : ConvergenceDisplay
            With the data of every curve, drawn on ``display.ax_``.
        """
        _check_x(x)
        searches = list(search) if isinstance(search, (list, tuple)) else [search]
        if not searches:
            raise ValueError("search must be a fitted search or a non-empty list of them.")
        labels = search_names(searches, names)
        evaluations, seconds, best, metrics = [], [], [], set()
        for one in searches:
            check_is_fitted(one, "cv_results_")
            name, column = scored_metric(one, metric)
            metrics.add(name)
            best.append(best_so_far(one, column))
            evaluations.append(np.arange(1, len(best[-1]) + 1))
            seconds.append(fit_seconds(one)[1])
        display = cls(
            evaluations=evaluations, fit_seconds=seconds, best_scores=best,
            names=labels, metric=" / ".join(sorted(metrics)),
        )
        return display.plot(ax=ax, x=x, **kwargs)

    def plot(self, ax=None, *, x="evaluations", **kwargs):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure's axes when None.
        x : {"evaluations", "fit_seconds"}, default="evaluations"
            What the horizontal axis counts.
        **kwargs : dict
            Passed to matplotlib's ``Axes.step`` for every line.

        Returns
        -------
        display : ConvergenceDisplay
            This display, with ``ax_``, ``figure_`` and ``lines_`` set.
        """
        _check_x(x)
        plt = pyplot()
        if ax is None:
            _, ax = plt.subplots()
        xs = self.evaluations if x == "evaluations" else self.fit_seconds
        self.lines_ = []
        for along, best, name in zip(xs, self.best_scores, self.names):
            (line,) = ax.step(along, best, where="post", label=name, **kwargs)
            self.lines_.append(line)
        ax.set_xlabel(_AXES[x])
        ax.set_ylabel(f"best mean test {self.metric} so far")
        if len(self.lines_) > 1 or self.names[0]:
            ax.legend(loc="lower right")
        self.ax_, self.figure_ = ax, ax.figure
        return self


def _check_x(x):
    if not isinstance(x, str) or x not in _AXES:
        raise ValueError(f"x must be one of {sorted(_AXES)}; got {x!r}.")
