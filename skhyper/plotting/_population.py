"""Population Based Training: LineageDisplay (each member's score, round by
round, and the winner's ancestry) and ScheduleDisplay (each
hyperparameter over training).
"""

import numbers

import numpy as np

from .._figures import panels, pyplot
from .._results import scored_metric
from ._common import _is_numeric, _position, _results_with, _same


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
        Where :meth:`plot` drew the population.
    figure_ : matplotlib Figure
        Its figure.
    lines_ : list of matplotlib Line2D
        One per member and round after the first (its segment), then the
        winner's lineage.

    See Also
    --------
    ScheduleDisplay : The hyperparameters along the same lineages.
    skhyper.PBTSearchCV : The search drawn; its ``best_schedule_`` is the
        winner's lineage read as a schedule.

    Examples
    --------
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
        plt = pyplot()
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
        The panels of :meth:`plot`, in the order of ``parameters``.
    figure_ : matplotlib Figure
        Their figure.

    See Also
    --------
    LineageDisplay : The scores of the same population, and who copied whom.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import SGDClassifier
    >>> from skhyper import PBTSearchCV, Real
    >>> from skhyper.plotting import ScheduleDisplay
    >>> space = {"alpha": Real(1e-5, 1e-1, prior="log-uniform"),
    ...          "eta0": Real(1e-3, 1.0, prior="log-uniform")}
    >>> search = PBTSearchCV(
    ...     SGDClassifier(learning_rate="constant", random_state=0), space,
    ...     population_size=4, n_steps=6, interval=2, random_state=0,
    ... ).fit(*load_iris(return_X_y=True))
    >>> display = ScheduleDisplay.from_estimator(search)
    >>> display.parameters, display.starts.tolist(), len(display.best_schedule["eta0"])
    (['alpha', 'eta0'], [0.0, 2.0, 4.0, 6.0], 3)
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
        plt = pyplot()
        axes = panels(axes, len(self.parameters), "hyperparameter", width=4)
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
