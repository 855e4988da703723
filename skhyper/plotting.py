"""Plots of fitted searches, in scikit-learn's Display style.

Each display is made by ``from_estimator(search, ...)`` from any fitted
search (skhyper's, ``GridSearchCV``, ``RandomizedSearchCV`` or another
``BaseSearchCV``), keeps what it plots as attributes, and draws with
``plot(ax=...)``. matplotlib (the ``plot`` extra) is imported only when a
display draws.
"""

import numbers
from collections import Counter

import numpy as np
from sklearn.utils.validation import check_is_fitted

__all__ = ["BracketsDisplay", "ConvergenceDisplay", "LineageDisplay", "PolicyDisplay"]

_AXES = {"evaluations": "evaluations", "fit_seconds": "fit seconds (all folds)"}


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - the plot extra is installed in CI
        raise ImportError(
            "skhyper.plotting draws with matplotlib: pip install 'skhyper[plot]'"
        ) from exc
    return plt


def _scored_metric(search, metric):
    """``(metric, cv_results_ column)`` of the score a plot of ``search`` shows."""
    results = search.cv_results_
    names = sorted(
        key[len("mean_test_"):] for key in results if key.startswith("mean_test_")
    )
    if metric is None:
        if "score" in names:
            metric = "score"
        elif isinstance(getattr(search, "refit", None), str):
            metric = search.refit
        else:
            raise ValueError(
                f"{type(search).__name__} was fitted with several metrics {names} and "
                f"refit={search.refit!r}: pass metric=, one of them."
            )
    if not isinstance(metric, str) or metric not in names:
        raise ValueError(
            f"metric={metric!r} is not a metric of {type(search).__name__}'s "
            f"cv_results_; it has {names}."
        )
    return metric, f"mean_test_{metric}"


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


def _names(searches, names):
    if names is None:
        names = [type(search).__name__ for search in searches]
        total, seen = Counter(names), Counter()
        for i, name in enumerate(names):  # GridSearchCV (1), GridSearchCV (2), ...
            if total[name] > 1:
                seen[name] += 1
                names[i] = f"{name} ({seen[name]})"
        return names
    if isinstance(names, str) or len(names) != len(searches):
        raise ValueError(
            f"names must be a list of one name per search ({len(searches)}); "
            f"got {names!r}."
        )
    return [str(name) for name in names]


class ConvergenceDisplay:
    """The best cross-validated score so far, against evaluations or fit seconds.

    A search's convergence curve: after each row of ``cv_results_`` (in the
    order the search evaluated them), the best mean test score seen up to
    that row. Against evaluations it shows sample efficiency; against the
    fit seconds spent so far (``mean_fit_time`` times the number of folds,
    summed over the rows) it shows compute efficiency, where a search that
    evaluates at small budgets (Hyperband) or trains members on (PBT) spends
    less per row. Failed fits (a NaN score) leave the curve as it was. For
    a multi-fidelity search every row counts, low budgets included: the curve
    is what the search had seen, not only its full-budget rows.

    Create it with :meth:`from_estimator`; one display can hold the curves
    of several searches, to compare them on one axes.

    Parameters
    ----------
    evaluations : list of ndarray
        For each search, the evaluation numbers ``1, 2, ..., n_rows``.
    fit_seconds : list of ndarray
        For each search, the fit seconds spent up to and including each row.
    best_scores : list of ndarray
        For each search, the best mean test score up to each row (NaN before
        the first row that did not fail).
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
        labels = _names(searches, names)
        evaluations, seconds, best, metrics = [], [], [], set()
        for one in searches:
            check_is_fitted(one, "cv_results_")
            name, column = _scored_metric(one, metric)
            metrics.add(name)
            results = one.cv_results_
            scores = np.asarray(results[column], dtype=float)
            best.append(np.fmax.accumulate(scores))
            evaluations.append(np.arange(1, len(scores) + 1))
            n_splits = getattr(one, "n_splits_", 1)
            n_splits = n_splits if isinstance(n_splits, numbers.Integral) else 1
            fit_time = np.nan_to_num(np.asarray(results["mean_fit_time"], dtype=float))
            seconds.append(np.cumsum(fit_time * n_splits))
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
        name, column = _scored_metric(search, metric)
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
        results = _results_with(search, _LINEAGE_COLUMNS, "LineageDisplay",
                                "a Population Based Training search")
        name, column = _scored_metric(search, metric)
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
