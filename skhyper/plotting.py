"""Plots of fitted searches, in scikit-learn's Display style.

Each display is made by ``from_estimator(search, ...)`` from any fitted
search (skhyper's, ``GridSearchCV``, ``RandomizedSearchCV`` or another
``BaseSearchCV``), keeps what it plots as attributes, and draws with
``plot(ax=...)``. matplotlib (the ``plot`` extra) is imported only when a
display draws.
"""

import numbers

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._results import (
    best_so_far,
    fit_seconds,
    metric_label,
    scored_metric,
    search_names,
)

__all__ = [
    "BracketsDisplay",
    "ConvergenceDisplay",
    "HypergradientDisplay",
    "LineageDisplay",
    "PolicyDisplay",
    "ScheduleDisplay",
    "ScoreDependenceDisplay",
    "SurrogateDisplay",
]

_AXES = {"evaluations": "evaluations", "fit_seconds": "fit seconds (all folds)"}


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - the plot extra is installed in CI
        raise ImportError(
            "skhyper.plotting draws with matplotlib: pip install 'skhyper[plot]'"
        ) from exc
    return plt


def _results_with(search, columns, display, kind):
    """``search.cv_results_``, refused unless fitted and with ``columns``."""
    check_is_fitted(search, "cv_results_")
    results = search.cv_results_
    missing = [c for c in columns if c not in results]
    if missing:
        raise ValueError(
            f"{display} needs the cv_results_ columns {list(columns)} of {kind}; "
            f"{type(search).__name__}'s lack {missing}."
        )
    return results


def _check_count(name, value):
    """A grid size: an integer >= 2, else a ValueError naming ``name``."""
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 2:
        raise ValueError(f"{name} must be an integer >= 2; got {value!r}.")


def _panels(axes, n, what, width, sharey=False):
    """``axes`` as a list of ``n`` Axes (one per ``what``), or a new figure's
    row of ``n`` panels, ``width`` inches each, when None."""
    if axes is None:
        _, axes = _pyplot().subplots(1, n, figsize=(width * n, 3.2), sharey=sharey,
                                     squeeze=False, layout="constrained")
        return list(axes[0])
    axes = [axes] if hasattr(axes, "plot") else list(np.ravel(axes))
    if len(axes) != n:
        raise ValueError(f"axes must hold one Axes per {what} ({n}); got {len(axes)}.")
    return axes


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

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
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
        plt = _pyplot()
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
        Their figure.
    lines_ : dict
        For each bracket ``s``, its lines, one per configuration.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
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
        axes = _panels(axes, len(self.brackets), "bracket", width=3.2, sharey=True)
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


_LINEAGE_COLUMNS = ("iter", "member", "n_resources", "parent")


def _population(search, column):
    """A PBT search's ``cv_results_`` as a population table.

    Returns a dict of ``rounds``, ``members`` (per row), ``steps`` (the
    training steps done at the end of each round), ``scores`` and
    ``parents`` (per round and member) and ``lineage``: ``(round, member)``
    of the winner (``best_index_``'s row) and of every ancestor, latest
    first.
    """
    results = search.cv_results_
    rounds = np.asarray(results["iter"], dtype=int)
    members = np.asarray(results["member"], dtype=int)
    n_rounds, n_members = rounds.max() + 1, members.max() + 1
    scores = np.full((n_rounds, n_members), np.nan)
    parents = np.full((n_rounds, n_members), -1, dtype=int)
    steps = np.zeros(n_rounds)
    scores[rounds, members] = np.asarray(results[column], dtype=float)
    parents[rounds, members] = np.asarray(results["parent"], dtype=int)
    steps[rounds] = np.asarray(results["n_resources"], dtype=float)
    best = getattr(search, "best_index_", None)
    if best is None or not isinstance(best, numbers.Integral):
        # no winner chosen (refit=False with several metrics): the best at the end
        last = scores[-1]
        r = n_rounds - 1
        member = int(np.nanargmax(last)) if np.isfinite(last).any() else 0
    else:  # a callable refit may choose a row of an earlier round
        r, member = int(rounds[best]), int(members[best])
    lineage = [(r, member)]
    while r > 0:
        source = parents[r, member]
        member = member if source < 0 else int(source)
        r -= 1
        lineage.append((r, member))
    return {"rounds": rounds, "members": members, "steps": steps, "scores": scores,
            "parents": parents, "lineage": lineage}


class LineageDisplay:
    """Population Based Training over time: each member's score, round by round.

    One line per member: its mean test score at the end of every round,
    against the training steps done by then. A round that starts with an
    exploit begins where the copied member was (a dashed segment from the
    source's score), so the population's lineages can be read off the
    picture; the winner's lineage, back through every copy, is drawn over
    it in black.

    It reads ``cv_results_`` only: any fitted search whose results have
    ``iter``, ``member``, ``n_resources`` and ``parent`` columns
    (:class:`~skhyper.PBTSearchCV`'s). Create it with :meth:`from_estimator`.

    Parameters
    ----------
    steps : ndarray of shape (n_rounds,)
        The training steps done at the end of each round.
    scores : ndarray of shape (n_rounds, n_members)
        Each member's mean test score at the end of each round.
    parents : ndarray of shape (n_rounds, n_members)
        The member each member copied at the start of each round, or -1.
    best_lineage : list of (int, int)
        ``(round, member)`` of the winner (``best_index_``'s row) and of
        every ancestor, latest round first.
    metric : str, default="score"
        The metric plotted.

    Attributes
    ----------
    ax_ : matplotlib Axes
        The axes drawn on, after :meth:`plot`.
    figure_ : matplotlib Figure
        Its figure.
    lines_ : list of matplotlib Line2D
        One per member and round after the first (its segment), then the
        winner's lineage.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.linear_model import SGDClassifier
    >>> from skhyper import PBTSearchCV, Real
    >>> from skhyper.plotting import LineageDisplay
    >>> X, y = load_digits(return_X_y=True)
    >>> search = PBTSearchCV(
    ...     SGDClassifier(random_state=0), {"alpha": Real(1e-5, 1e-1, prior="log-uniform")},
    ...     population_size=6, n_steps=8, interval=2, cv=3, random_state=0,
    ... ).fit(X / 16, y)
    >>> display = LineageDisplay.from_estimator(search)
    >>> display.scores.shape
    (4, 6)
    >>> display.best_lineage[0] == (3, search.cv_results_["member"][search.best_index_])
    True
    """

    def __init__(self, *, steps, scores, parents, best_lineage, metric="score"):
        self.steps = steps
        self.scores = scores
        self.parents = parents
        self.best_lineage = best_lineage
        self.metric = metric

    @classmethod
    def from_estimator(cls, search, *, metric=None, ax=None, **kwargs):
        """The lineages of a fitted Population Based Training search.

        Parameters
        ----------
        search : fitted search
            A search whose ``cv_results_`` has ``iter``, ``member``,
            ``n_resources`` and ``parent`` columns
            (:class:`~skhyper.PBTSearchCV`).
        metric : str, default=None
            The metric to plot. None means ``"score"`` for a single metric,
            and the search's ``refit`` when it names one of several.
        ax : matplotlib Axes, default=None
            Where to draw; a new figure's axes when None.
        **kwargs : dict
            Passed to matplotlib's ``Axes.plot`` for every member's segment.

        Returns
        -------
        display : LineageDisplay
            With the population's scores and copies, drawn on ``display.ax_``.
        """
        _results_with(search, _LINEAGE_COLUMNS, "LineageDisplay",
                      "a Population Based Training search")
        name, column = scored_metric(search, metric)
        table = _population(search, column)
        steps, scores, parents = table["steps"], table["scores"], table["parents"]
        lineage = table["lineage"]
        display = cls(steps=steps, scores=scores, parents=parents, best_lineage=lineage,
                      metric=name)
        return display.plot(ax=ax, **kwargs)

    def plot(self, ax=None, **kwargs):
        """Draw the population and the winner's lineage.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure's axes when None.
        **kwargs : dict
            Passed to matplotlib's ``Axes.plot`` for every member's segment.

        Returns
        -------
        display : LineageDisplay
            This display, with ``ax_``, ``figure_`` and ``lines_`` set.
        """
        plt = _pyplot()
        if ax is None:
            _, ax = plt.subplots()
        colors = plt.rcParams["axes.prop_cycle"].by_key().get("color", ["C0"])
        self.lines_ = []
        n_rounds, n_members = self.scores.shape
        for r in range(1, n_rounds):
            for m in range(n_members):
                source = self.parents[r, m]
                start = m if source < 0 else source
                style = {"color": colors[m % len(colors)], "linewidth": 1, "alpha": 0.8,
                         "linestyle": "--" if source >= 0 else "-", **kwargs}
                (line,) = ax.plot(
                    self.steps[r - 1: r + 1], [self.scores[r - 1, start], self.scores[r, m]],
                    **style,
                )
                self.lines_.append(line)
        path = self.best_lineage[::-1]
        (line,) = ax.plot(
            [self.steps[r] for r, _ in path], [self.scores[r, m] for r, m in path],
            color="black", linewidth=2.5, marker="o", markersize=4, label="winner's lineage",
        )
        self.lines_.append(line)
        ax.set_xlabel("training steps")
        ax.set_ylabel(f"mean test {self.metric}")
        ax.legend(loc="lower right")
        self.ax_, self.figure_ = ax, ax.figure
        return self


class ScheduleDisplay:
    """Population Based Training's schedules: each hyperparameter over training.

    One panel per searched hyperparameter: every member's value round by
    round, as a faint step line (a copy and perturbation is a jump at the
    round's start), and in black the winner's schedule, through its lineage
    back to the first round, as :class:`LineageDisplay` follows it. A
    categorical hyperparameter is drawn by category, a numeric one spanning
    more than a decade on a log axis.

    It reads ``cv_results_`` only (:class:`~skhyper.PBTSearchCV`'s ``iter``,
    ``member``, ``n_resources``, ``parent`` and ``params``). Create it with
    :meth:`from_estimator`.

    Parameters
    ----------
    parameters : list of str
        The hyperparameters, one panel each.
    starts : ndarray of shape (n_rounds + 1,)
        The training step at which each round starts, then the last round's
        end.
    values : dict of str -> list of list
        For each parameter, per round, every member's value (None where a
        member has no row).
    best_schedule : dict of str -> list
        For each parameter, the winner's value in every round.

    Attributes
    ----------
    axes_ : list of matplotlib Axes
        One per parameter, after :meth:`plot`.
    figure_ : matplotlib Figure
        Their figure.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.linear_model import SGDClassifier
    >>> from skhyper import PBTSearchCV, Real
    >>> from skhyper.plotting import ScheduleDisplay
    >>> X, y = load_digits(return_X_y=True)
    >>> search = PBTSearchCV(
    ...     SGDClassifier(random_state=0), {"alpha": Real(1e-5, 1e-1, prior="log-uniform")},
    ...     population_size=6, n_steps=8, interval=2, cv=3, random_state=0,
    ... ).fit(X / 16, y)
    >>> display = ScheduleDisplay.from_estimator(search)
    >>> display.parameters, display.starts.tolist(), len(display.best_schedule["alpha"])
    (['alpha'], [0.0, 2.0, 4.0, 6.0, 8.0], 4)
    """

    def __init__(self, *, parameters, starts, values, best_schedule):
        self.parameters = parameters
        self.starts = starts
        self.values = values
        self.best_schedule = best_schedule

    @classmethod
    def from_estimator(cls, search, *, axes=None, **kwargs):
        """The schedules of a fitted Population Based Training search.

        Parameters
        ----------
        search : fitted search
            A search whose ``cv_results_`` has ``iter``, ``member``,
            ``n_resources`` and ``parent`` columns
            (:class:`~skhyper.PBTSearchCV`).
        axes : list of matplotlib Axes, default=None
            One per hyperparameter; a new figure's row of panels when None.
        **kwargs : dict
            Passed to matplotlib's ``Axes.step`` for the winner's schedule.

        Returns
        -------
        display : ScheduleDisplay
            With every member's values, drawn on ``display.axes_``.
        """
        results = _results_with(search, _LINEAGE_COLUMNS, "ScheduleDisplay",
                                "a Population Based Training search")
        try:
            column = scored_metric(search, None)[1]
        except ValueError:  # several metrics and no refit: the last round's
            # best by the first metric is the winner drawn
            column = sorted(k for k in results if k.startswith("mean_test_"))[0]
        table = _population(search, column)
        rounds, members = table["rounds"], table["members"]
        n_rounds, n_members = table["scores"].shape
        params = results["params"]
        parameters = sorted({name for p in params for name in p})
        if not parameters:
            raise ValueError(
                f"{type(search).__name__}'s cv_results_ has no hyperparameters to draw."
            )
        rows = {(int(r), int(m)): i for i, (r, m) in enumerate(zip(rounds, members))}
        values = {
            name: [[params[rows[r, m]].get(name) if (r, m) in rows else None
                    for m in range(n_members)] for r in range(n_rounds)]
            for name in parameters
        }
        winner = dict(table["lineage"])  # round -> member
        best = {name: [values[name][r][winner[r]] for r in range(n_rounds)]
                for name in parameters}
        starts = np.concatenate([[0.0], table["steps"]])
        display = cls(parameters=parameters, starts=starts, values=values,
                      best_schedule=best)
        return display.plot(axes=axes, **kwargs)

    def plot(self, axes=None, **kwargs):
        """Draw one panel per hyperparameter.

        Parameters
        ----------
        axes : list of matplotlib Axes, default=None
            One per parameter; a new figure's row of panels when None.
        **kwargs : dict
            Passed to matplotlib's ``Axes.step`` for the winner's schedule.

        Returns
        -------
        display : ScheduleDisplay
            This display, with ``axes_`` and ``figure_`` set.
        """
        plt = _pyplot()
        axes = _panels(axes, len(self.parameters), "hyperparameter", width=4)
        colors = plt.rcParams["axes.prop_cycle"].by_key().get("color", ["C0"])
        for ax, name in zip(axes, self.parameters):
            rounds = self.values[name]
            every = [v for row in rounds for v in row if v is not None]
            numeric = _is_numeric(every)
            categories = [] if numeric else [v for i, v in enumerate(every)
                                             if not any(_same(v, w) for w in every[:i])]

            def y(value):
                if value is None:
                    return np.nan
                return float(value) if numeric else float(_position(value, categories))

            n_members = len(rounds[0])
            for m in range(n_members):
                line = [y(row[m]) for row in rounds]
                ax.step(self.starts, line + line[-1:], where="post", linewidth=0.8,
                        alpha=0.5, color=colors[m % len(colors)])
            winner = [y(v) for v in self.best_schedule[name]]
            style = {"color": "black", "linewidth": 2.2, "label": "winner", **kwargs}
            ax.step(self.starts, winner + winner[-1:], where="post", **style)
            if numeric:
                finite = np.array([y(v) for v in every])
                if finite.size and finite.min() > 0 and finite.max() > 10 * finite.min():
                    ax.set_yscale("log")
            else:
                ax.set_yticks(range(len(categories)), [str(c) for c in categories])
            ax.set_xlabel("training steps")
            ax.set_ylabel(name)
        axes[-1].legend(loc="best")
        self.axes_, self.figure_ = axes, axes[0].figure
        return self


class PolicyDisplay:
    """What a DAC policy did: each dynamic hyperparameter against the training step.

    One panel per dynamic hyperparameter, one line per cross-validation
    fold: the value the best policy set at each step while the fold's model
    trained. A schedule policy draws the same line on every fold; a feedback
    policy, which reads the training state, may not. A parameter whose values
    are all positive and span more than a decade gets a log axis.

    It reads ``best_trajectory_`` only (:class:`~skhyper.DACSearchCV`'s: for
    each fold, a dict of values per step). Create it with
    :meth:`from_estimator`.

    Parameters
    ----------
    parameters : list of str
        The dynamic hyperparameters, one panel each.
    values : dict of str -> ndarray of shape (n_folds, n_steps)
        Each parameter's value at every step, per fold.

    Attributes
    ----------
    axes_ : list of matplotlib Axes
        One per parameter, after :meth:`plot`.
    figure_ : matplotlib Figure
        Their figure.
    lines_ : dict of str -> list of matplotlib Line2D
        For each parameter, one line per fold.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.linear_model import SGDClassifier
    >>> from skhyper import DACSearchCV, Real
    >>> from skhyper.plotting import PolicyDisplay
    >>> X, y = load_digits(return_X_y=True)
    >>> search = DACSearchCV(
    ...     SGDClassifier(learning_rate="constant", random_state=0),
    ...     {"eta0": Real(1e-4, 1e-1, prior="log-uniform")},
    ...     n_steps=5, n_iter=8, cv=3, random_state=0,
    ... ).fit(X / 16, y)
    >>> display = PolicyDisplay.from_estimator(search)
    >>> display.parameters, display.values["eta0"].shape
    (['eta0'], (3, 5))
    """

    def __init__(self, *, parameters, values):
        self.parameters = parameters
        self.values = values

    @classmethod
    def from_estimator(cls, search, *, axes=None, **kwargs):
        """The trajectory of a fitted DAC search's best policy.

        Parameters
        ----------
        search : fitted search
            A search with a ``best_trajectory_`` (:class:`~skhyper.DACSearchCV`).
        axes : list of matplotlib Axes, default=None
            One per dynamic hyperparameter; a new figure's row of panels when
            None.
        **kwargs : dict
            Passed to matplotlib's ``Axes.plot`` for every line.

        Returns
        -------
        display : PolicyDisplay
            With every fold's values, drawn on ``display.axes_``.
        """
        check_is_fitted(search, "cv_results_")
        if not hasattr(search, "best_trajectory_"):
            raise ValueError(
                f"PolicyDisplay needs the best_trajectory_ of a Dynamic Algorithm "
                f"Configuration search; {type(search).__name__} has none."
            )
        folds = [list(fold) for fold in search.best_trajectory_]
        if not folds or not all(folds):
            raise ValueError(
                f"{type(search).__name__}'s best_trajectory_ holds no steps (the "
                f"best policy's fits failed?): there is nothing to draw."
            )
        parameters = sorted({name for fold in folds for step in fold for name in step})
        values = {
            name: np.array(
                [[float(step.get(name, np.nan)) for step in fold] for fold in folds]
            )
            for name in parameters
        }
        return cls(parameters=parameters, values=values).plot(axes=axes, **kwargs)

    def plot(self, axes=None, **kwargs):
        """Draw one panel per dynamic hyperparameter.

        Parameters
        ----------
        axes : list of matplotlib Axes, default=None
            One per parameter; a new figure's row of panels when None.
        **kwargs : dict
            Passed to matplotlib's ``Axes.plot`` for every line.

        Returns
        -------
        display : PolicyDisplay
            This display, with ``axes_``, ``figure_`` and ``lines_`` set.
        """
        axes = _panels(axes, len(self.parameters), "dynamic parameter", width=4)
        style = {"marker": "o", "markersize": 3, "linewidth": 1.2, **kwargs}
        self.lines_ = {}
        for ax, name in zip(axes, self.parameters):
            values = self.values[name]
            steps = np.arange(1, values.shape[1] + 1)
            self.lines_[name] = [
                ax.plot(steps, fold, label=f"fold {k}", **style)[0]
                for k, fold in enumerate(values)
            ]
            finite = values[np.isfinite(values)]
            if finite.size and finite.min() > 0 and finite.max() > 10 * finite.min():
                ax.set_yscale("log")
            ax.set_xlabel("training step")
            ax.set_ylabel(name)
        axes[-1].legend(loc="best")
        self.axes_, self.figure_ = axes, axes[0].figure
        return self


# natural-log units below the maximum a logarithmic acquisition is drawn to
_LOG_ACQUISITION_RANGE = 15.0


def _bayes_optimizer(search, display):
    """The BayesOptimizer behind ``search`` (or ``search`` itself), refused
    with a clear error for anything else."""
    from .optimizer import BayesOptimizer

    if isinstance(search, BayesOptimizer):
        return search
    optimizer = getattr(search, "optimizer_", None)
    if not isinstance(optimizer, BayesOptimizer):
        raise ValueError(
            f"{display} needs a Gaussian-process surrogate: a fitted BayesSearchCV "
            f"or a BayesOptimizer that was told scores; {type(search).__name__} has "
            f"no optimizer_."
        )
    return optimizer


def _surrogate_subspace(optimizer):
    """What the surrogate displays draw from: the posterior ``gp``, the model
    scores it was conditioned on, the dimensions of the best setting's
    subspace and the indices of the told rows in that subspace."""
    gp, model_scores = optimizer._posterior()
    space = optimizer.space
    k = space.which_subspace(optimizer.best_params)
    told = [i for i, p in enumerate(optimizer.observed_params)
            if space.which_subspace(p) == k]
    return gp, model_scores, space.subspaces[k], told


def _slice_values(dim, n_points):
    """Values of a dimension to draw the surrogate at: a categorical's
    categories, a finite dimension's values when at most ``n_points``, else
    ``n_points`` evenly spaced in its unit encoding (so in log space for a
    log-uniform range; within the 0.5 % and 99.5 % quantiles of a
    distribution with unbounded support)."""
    from .space import Categorical, Distribution

    if isinstance(dim, Categorical) or (
        np.isfinite(dim.cardinality) and dim.cardinality <= max(n_points, 2)
    ):
        return list(dim.values())
    u = np.linspace(0.0, 1.0, n_points)
    if isinstance(dim, Distribution) and not np.isfinite(dim.dist.support()).all():
        u = np.linspace(0.005, 0.995, n_points)
    values = list(dim.inverse_transform(u[:, None]))
    return [v for i, v in enumerate(values) if i == 0 or v != values[i - 1]]


def _same(a, b):
    """Whether two parameter values are one, as the search space matches them:
    identity, then :func:`~skhyper.space._dimensions.equal_values`."""
    from .space._dimensions import equal_values

    return a is b or equal_values(a, b)


def _position(value, values):
    """Index of ``value`` in ``values`` by :func:`_same`."""
    return next(i for i, v in enumerate(values) if _same(value, v))


def _objects(values):
    """A 1-D object array of ``values``, even if they are arrays themselves."""
    out = np.empty(len(values), dtype=object)
    for i, value in enumerate(values):
        out[i] = value
    return out


def _check_units(units):
    if not isinstance(units, str) or units not in ("metric", "model"):
        raise ValueError(f"units must be 'metric' or 'model'; got {units!r}.")


def _in_units(search, optimizer, model_scores, units):
    """How a surrogate display draws: ``(to_units, observed, label)``.

    ``to_units`` maps the model's values (its mean, or quantiles of its
    normal predictive distribution) to the units drawn; ``observed`` are the
    told scores in those units (NaN where the evaluation failed: the model
    saw the worst score told there); ``label`` names the vertical axis. In
    the metric's units the map is the inverse of the output warping, which
    is increasing: a quantile maps to the same quantile of the metric.
    """
    told = optimizer.observed_scores
    if units == "model":
        return np.asarray, np.where(np.isfinite(told), model_scores, np.nan), (
            "score (model units)")
    from .surrogate._warping import OutputWarping

    metric = getattr(search, "_metric", None) if search is not optimizer else None
    label = metric_label(search, metric) if metric else "score"
    return OutputWarping(told).inverse_transform, told, label


def _on_slice(points, fixed):
    """Whether each point holds every parameter of ``fixed`` at its value
    (as the search space matches values): the points a slice passes through."""
    return np.array(
        [all(_same(p[name], value) for name, value in fixed.items()) for p in points],
        dtype=bool,
    )


def _finite_limits(*arrays):
    """``(low, high)`` over the finite values of ``arrays``, padded by 10 %."""
    values = np.concatenate([np.ravel(np.asarray(a, dtype=float)) for a in arrays])
    values = values[np.isfinite(values)]
    low, high = values.min(), values.max()
    pad = 0.1 * (high - low) if high > low else 0.1 * max(abs(high), 1.0)
    return low - pad, high + pad


def _is_numeric(values):
    return all(
        isinstance(v, numbers.Real) and not isinstance(v, bool) for v in values
    )


def _log_scaled(values):
    """Whether evenly spaced unit-cube values are geometric (a log axis)."""
    v = np.asarray(values, dtype=float)
    if len(v) < 3 or v.min() <= 0 or v.max() < 10 * v.min():
        return False
    return abs(np.log(v[len(v) // 2]) - np.log(v).mean()) < abs(
        v[len(v) // 2] - v.mean()
    ) / v.mean()


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

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
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
        from .surrogate import evaluate_acquisition

        optimizer = _bayes_optimizer(search, "SurrogateDisplay")
        _check_count("n_points", n_points)
        _check_units(units)
        gp, model_scores, subspace, told = _surrogate_subspace(optimizer)
        space, best = optimizer.space, optimizer.best_params
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
        base = {**best, **fixed}
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
        mu, sigma = gp.predict(space.transform(points))
        acquisition = evaluate_acquisition(
            optimizer.acq_func, mu, sigma, model_scores.max(), optimizer.xi,
            optimizer.kappa,
        )[0]
        observed = [_objects([optimizer.observed_params[i][p] for i in told])
                    for p in params]
        to_units, scores, label = _in_units(search, optimizer, model_scores, units)
        others = {n: v for n, v in base.items() if n not in params}
        display = cls(
            params=params, grid=grid, mean=to_units(mu).reshape(shape),
            std=sigma.reshape(shape), acquisition=np.asarray(acquisition).reshape(shape),
            observed=observed, observed_scores=np.asarray(scores)[told],
            fixed=others, acq_func=optimizer.acq_func,
            lower=to_units(mu - 2 * sigma).reshape(shape),
            upper=to_units(mu + 2 * sigma).reshape(shape),
            on_slice=_on_slice([optimizer.observed_params[i] for i in told], others),
            units=units, metric=label,
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
        plt = _pyplot()
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
        One per parameter, after :meth:`plot`.
    figure_ : matplotlib Figure
        Their figure.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
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
        optimizer = _bayes_optimizer(search, "ScoreDependenceDisplay(method='surrogate')")
        gp, model_scores, subspace, told = _surrogate_subspace(optimizer)
        to_units, scores, label = _in_units(search, optimizer, model_scores, units)
        space = optimizer.space
        params = _check_params(list(subspace) if params is None else params,
                               list(subspace))
        background = [optimizer.observed_params[i] for i in told]
        values, averages, points = [], [], []
        for name in params:
            grid = _slice_values(subspace[name], n_points)
            rows = space.transform(
                [{**p, name: v} for v in grid for p in background]
            )
            mean = gp.predict(rows)[0].reshape(len(grid), len(background)).mean(axis=1)
            values.append(grid)
            averages.append(to_units(mean))
            points.append(([p[name] for p in background], np.asarray(scores)[told]))
        return cls(params=params, values=values, averages=averages, maxima=None,
                   points=points, method="surrogate", metric=label)

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
        axes = _panels(axes, len(self.params), "parameter", width=3.6, sharey=True)
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


def _check_params(params, known):
    params = [params] if isinstance(params, str) else list(params)
    unknown = [p for p in params if p not in known]
    if not params or unknown or len(set(params)) != len(params):
        raise ValueError(
            f"params must name distinct parameters of the search, among {known}; "
            f"got {params!r}."
        )
    return params


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
        The axes drawn on, after :meth:`plot`.
    figure_ : matplotlib Figure
        Its figure.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
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
        plt = _pyplot()
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

    from .space import SearchSpace

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
