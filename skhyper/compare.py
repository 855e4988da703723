"""Compare hyperparameter searches by what matters when choosing one.

:func:`compare_searches` runs every search on the same training split once
per seed and measures each run by the metrics of a search method: the best
cross-validated score found, how long it took to find it, the compute used,
how consistent the best score is across seeds, and the chosen model's score on
held-out data that no search saw.
"""

import numbers
import sys
import time

import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.model_selection import train_test_split

from ._compat import Interval, RealNotInt, validate_parameter_constraints
from ._figures import panels
from ._results import (
    best_so_far,
    fit_seconds,
    metric_label,
    scored_metric,
    search_names,
)

__all__ = ["SearchComparison", "compare_searches"]

_MAX_SEED = 2**32 - 1  # numpy's seeds
_CONSTRAINTS = {
    "searches": [dict, list, tuple],
    "X": ["array-like", "sparse matrix"],
    "y": ["array-like"],
    "n_seeds": [Interval(numbers.Integral, 1, None, closed="left")],
    "test_size": [
        Interval(RealNotInt, 0, 1, closed="neither"),
        Interval(numbers.Integral, 1, None, closed="left"),
    ],
    "random_state": [Interval(numbers.Integral, 0, _MAX_SEED, closed="both")],
    "metric": [str, None],
    "verbose": ["verbose"],
}

# One row per run (search and seed), in this order.
RUN_COLUMNS = (
    "search", "seed", "best_score", "test_score", "evaluations",
    "evaluations_to_best", "time_to_best", "fits", "fit_seconds", "wall_seconds",
)
# One row per search: medians over the seeds, quartiles of the scores.
SUMMARY_COLUMNS = (
    "search", "best_score", "best_score_q1", "best_score_q3", "best_score_std",
    "test_score", "test_score_q1", "test_score_q3", "time_to_best",
    "evaluations_to_best", "evaluations", "fits", "fit_seconds", "wall_seconds",
)


def compare_searches(searches, X, y, *, n_seeds=5, test_size=0.25, random_state=0,
                     metric=None, verbose=0):
    """Run searches on several seeds and measure them side by side.

    The data are split once into a training and a held-out test part
    (stratified for a classifier). For each seed, each search is cloned, its
    ``random_state`` (if it has one) set to ``random_state + seed``, fitted on
    the training part, and measured:

    - ``best_score``: the cross-validated score of the row the search chose
      (``best_index_``; the highest score when it does not refit);
    - ``time_to_best``: the fit seconds (``mean_fit_time`` times the number
      of folds, summed over the rows in evaluation order) spent up to and
      including that row, and ``evaluations_to_best``, the rows;
    - ``evaluations`` (rows of ``cv_results_``), ``fits`` (rows times folds)
      and ``fit_seconds`` (all of them): the compute used; a multi-fidelity
      search's small-budget rows count as fits, and cost fewer seconds, but
      their scores are not results: the convergence curves of :meth:`plot`
      show only the rows each search could choose as its best (Hyperband's
      and PBT's at the largest resource, the last iteration of
      scikit-learn's successive halving), so each ends at ``best_score``;
    - ``wall_seconds``: the whole ``fit``, refit and overheads included;
    - ``test_score``: the refitted winner's score on the held-out part, in
      the metric of ``best_score`` (NaN when the search does not refit).

    Runs are sequential, so that their timings do not compete with each
    other; each search uses its own ``n_jobs``. The seeds vary the searches'
    own randomness only: the split, and the estimators' ``random_state``, are
    the same in every run, so a deterministic search (a grid) shows no spread.

    Parameters
    ----------
    searches : dict of str -> search, or list of searches
        Unfitted searches: any estimator with ``fit`` and, once fitted,
        ``cv_results_`` (skhyper's searches, ``GridSearchCV``,
        ``RandomizedSearchCV``, ...). A list is named by class names.
    X : array-like of shape (n_samples, n_features)
        The data.
    y : array-like of shape (n_samples,)
        The target.
    n_seeds : int, default=5
        Runs of each search.
    test_size : float or int, default=0.25
        The held-out part, as in :func:`~sklearn.model_selection.train_test_split`.
    random_state : int, default=0
        Seeds the split, and the first run's searches (then ``+1`` a run):
        ``random_state + n_seeds - 1`` must be at most ``2**32 - 1``.
    metric : str, default=None
        The metric of a multi-metric search, as in
        :class:`~skhyper.plotting.ConvergenceDisplay`: None means ``refit``,
        which must then name one.
    verbose : int, default=0
        ``1`` prints a line per run on standard error.

    Returns
    -------
    comparison : SearchComparison
        The runs, their summary and a plot.

    Examples
    --------
    >>> from scipy.stats import loguniform
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import GridSearchCV, RandomizedSearchCV
    >>> from skhyper.compare import compare_searches
    >>> X, y = load_iris(return_X_y=True)
    >>> model = LogisticRegression(max_iter=1000)
    >>> comparison = compare_searches(
    ...     {"grid": GridSearchCV(model, {"C": [0.01, 0.1, 1, 10]}, cv=3),
    ...      "random": RandomizedSearchCV(model, {"C": loguniform(1e-2, 1e1)},
    ...                                   n_iter=4, cv=3)},
    ...     X, y, n_seeds=2,
    ... )
    >>> comparison.summary["search"]
    ['grid', 'random']
    >>> comparison.summary["evaluations"], comparison.summary["fits"]
    ([4.0, 4.0], [12.0, 12.0])
    >>> comparison.summary["best_score_std"][0]  # a grid is deterministic
    0.0
    >>> print(comparison)  # doctest: +SKIP
    | search | best CV accuracy [q1, q3] |    std |  test accuracy [q1, q3] | ...
    |--------|-------------------------|--------|-------------------------| ...
    | grid   | 0.9554 [0.9554, 0.9554] | 0.0000 | 1.0000 [1.0000, 1.0000] | ...
    """
    validate_parameter_constraints(
        _CONSTRAINTS,
        {"searches": searches, "X": X, "y": y, "n_seeds": n_seeds,
         "test_size": test_size, "random_state": random_state, "metric": metric,
         "verbose": verbose},
        caller_name="compare_searches",
    )
    if random_state + n_seeds - 1 > _MAX_SEED:
        raise ValueError(
            f"random_state + n_seeds - 1 must be at most {_MAX_SEED} (the runs are "
            f"seeded random_state, random_state + 1, ...); got random_state="
            f"{random_state} and n_seeds={n_seeds}."
        )
    named = _named(searches)
    for name, search in named.items():
        known = _metric_names(search)
        if known is None:
            continue
        if metric is not None and metric not in known:
            raise ValueError(
                f"metric={metric!r} is not a metric of searches[{name!r}], whose "
                f"scoring gives {sorted(known)}."
            )
        refit = search.get_params(deep=False).get("refit")
        if metric is None and len(known) > 1 and not isinstance(refit, str):
            raise ValueError(
                f"searches[{name!r}] scores several metrics {sorted(known)} and "
                f"refit={refit!r} names none of them: pass metric=, one of them."
            )
    classifier = any(is_classifier(search) for search in named.values())
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, random_state=random_state,
        stratify=y if classifier else None,
    )
    runs, curves, labels = [], {name: [] for name in named}, {}
    total, done = n_seeds * len(named), 0
    for seed in range(n_seeds):
        for name, search in named.items():
            run = clone(search)
            if "random_state" in run.get_params(deep=False):
                run.set_params(random_state=random_state + seed)
            start = time.perf_counter()
            run.fit(X_train, y_train)
            wall = time.perf_counter() - start
            results = run.cv_results_
            scored, column = scored_metric(run, metric)
            labels[metric_label(run, scored)] = None
            scores = np.asarray(results[column], dtype=float)
            n_splits, seconds = fit_seconds(run)
            if hasattr(run, "best_index_"):
                best = int(run.best_index_)
            elif np.isfinite(scores).any():
                best = int(np.nanargmax(scores))
            else:
                best = len(scores) - 1
            row = {
                "search": name,
                "seed": random_state + seed,
                "best_score": float(scores[best]),
                "test_score": _test_score(run, scored, X_test, y_test),
                "evaluations": len(scores),
                "evaluations_to_best": best + 1,
                "time_to_best": float(seconds[best]),
                "fits": len(scores) * n_splits,
                "fit_seconds": float(seconds[-1]),
                "wall_seconds": wall,
            }
            runs.append(row)
            curves[name].append((seconds, best_so_far(run, column)))
            done += 1
            if verbose:
                print(
                    f"[{done}/{total}] {name}, seed {row['seed']}: best CV "
                    f"{row['best_score']:.4f}, test {row['test_score']:.4f}, "
                    f"{row['evaluations']} evaluations, {wall:.1f} s",
                    file=sys.stderr, flush=True,
                )
    return SearchComparison(runs, curves, metric=" / ".join(labels))


def _named(searches):
    if isinstance(searches, dict):
        named = {str(name): search for name, search in searches.items()}
    elif isinstance(searches, (list, tuple)):
        named = dict(zip(search_names(list(searches), None), searches))
    else:
        raise ValueError(
            f"searches must be a dict of name -> search or a list of searches; "
            f"got {type(searches).__name__}."
        )
    if not named:
        raise ValueError("searches must hold at least one search.")
    for name, search in named.items():
        if not (hasattr(search, "fit") and hasattr(search, "get_params")):
            raise ValueError(
                f"searches[{name!r}] must be a search estimator (fit, get_params); "
                f"got {type(search).__name__}."
            )
    return named


def _test_score(run, metric, X_test, y_test):
    """The refitted winner's held-out score in ``metric``, the metric of its
    ``best_score`` (which need not be ``refit``'s); NaN without a refit."""
    if not hasattr(run, "best_estimator_"):
        return np.nan
    scorer = getattr(run, "scorer_", None)
    if scorer is None:  # a search without scikit-learn's scorer_
        return float(run.score(X_test, y_test))
    if isinstance(scorer, dict):
        return float(scorer[metric](run.best_estimator_, X_test, y_test))
    value = scorer(run.best_estimator_, X_test, y_test)
    return float(value[metric] if isinstance(value, dict) else value)


def _metric_names(search):
    """The metric names of a search's ``scoring`` (None: known only once fitted)."""
    scoring = search.get_params(deep=False).get("scoring")
    if isinstance(scoring, dict):
        return set(scoring)
    if isinstance(scoring, (list, tuple, set)):
        return set(scoring)
    if scoring is None or isinstance(scoring, str):
        return {"score"}
    return None  # a callable, which may return a dict of scores


class SearchComparison:
    """The runs of :func:`compare_searches`, summarized.

    Parameters
    ----------
    runs : list of dict
        One per search and seed, with the keys of ``RUN_COLUMNS``.
    curves : dict of str -> list of tuple
        For each search, per run, ``(fit_seconds, best_so_far)`` after each
        row of ``cv_results_``: the fit seconds spent (every row counts) and
        the best score among the rows the search could choose as its best,
        as :class:`~skhyper.plotting.ConvergenceDisplay` draws it (a
        multi-fidelity search's full-budget rows only; NaN before the
        first).
    metric : str, default="score"
        The name of the metric the scores are in (``"accuracy"``,
        ``"neg_log_loss"`` ...), which the table and the plot show; names
        joined by ``" / "`` when the searches scored different ones.

    Attributes
    ----------
    summary : dict of str -> list
        One entry per search, the columns ``SUMMARY_COLUMNS``: the median
        over seeds of every measure, the quartiles of the best and test
        scores, and the standard deviation of the best score.
    table : pandas.DataFrame or str
        ``summary`` as a DataFrame when pandas is installed, else as text.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.model_selection import GridSearchCV
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skhyper.compare import compare_searches
    >>> X, y = load_iris(return_X_y=True)
    >>> grid = GridSearchCV(DecisionTreeClassifier(random_state=0),
    ...                     {"max_depth": [1, 2, 3]}, cv=3)
    >>> comparison = compare_searches({"tree depth": grid}, X, y, n_seeds=2)
    >>> comparison
    <SearchComparison of ['tree depth'] over 2 seeds>
    >>> [run["evaluations"] for run in comparison.runs]
    [3, 3]
    >>> comparison.to_text().splitlines()[0].split("|")[1].strip()
    'search'
    """

    def __init__(self, runs, curves, metric="score"):
        self.runs = runs
        self.curves = curves
        self.metric = metric
        self.summary = self._summarize()

    def _summarize(self):
        out = {column: [] for column in SUMMARY_COLUMNS}
        for name in self.curves:
            own = [run for run in self.runs if run["search"] == name]

            def column(key):
                return np.array([run[key] for run in own], dtype=float)

            best, test = column("best_score"), column("test_score")
            out["search"].append(name)
            for key, values in (("best_score", best), ("test_score", test)):
                q1, median, q3 = _quartiles(values)
                out[key].append(median)
                out[f"{key}_q1"].append(q1)
                out[f"{key}_q3"].append(q3)
            finite = best[np.isfinite(best)]
            out["best_score_std"].append(float(finite.std()) if finite.size else np.nan)
            for key in ("time_to_best", "evaluations_to_best", "evaluations", "fits",
                        "fit_seconds", "wall_seconds"):
                out[key].append(_quartiles(column(key))[1])
        return out

    @property
    def table(self):
        try:
            return self.to_frame()
        except ImportError:
            return self.to_text()

    def to_frame(self, which="summary"):
        """The summary (or the runs) as a pandas DataFrame.

        Parameters
        ----------
        which : {"summary", "runs"}, default="summary"
            One row per search, or one per run.

        Returns
        -------
        frame : pandas.DataFrame
        """
        import pandas as pd

        if which == "summary":
            return pd.DataFrame(self.summary, columns=SUMMARY_COLUMNS)
        if which == "runs":
            return pd.DataFrame(self.runs, columns=RUN_COLUMNS)
        raise ValueError(f"which must be 'summary' or 'runs'; got {which!r}.")

    def to_text(self):
        """The summary as a plain-text (Markdown) table.

        Returns
        -------
        text : str
        """
        s = self.summary
        header = ["search", f"best CV {self.metric} [q1, q3]", "std",
                  f"test {self.metric} [q1, q3]",
                  "fit s to best", "evals to best", "evals", "fits", "fit s", "wall s"]
        rows = []
        for i, name in enumerate(s["search"]):
            rows.append([
                name,
                f"{s['best_score'][i]:.4f} [{s['best_score_q1'][i]:.4f}, "
                f"{s['best_score_q3'][i]:.4f}]",
                f"{s['best_score_std'][i]:.4f}",
                f"{s['test_score'][i]:.4f} [{s['test_score_q1'][i]:.4f}, "
                f"{s['test_score_q3'][i]:.4f}]",
                f"{s['time_to_best'][i]:.2f}",
                f"{s['evaluations_to_best'][i]:g}",
                f"{s['evaluations'][i]:g}",
                f"{s['fits'][i]:g}",
                f"{s['fit_seconds'][i]:.2f}",
                f"{s['wall_seconds'][i]:.2f}",
            ])
        widths = [max(len(r[j]) for r in [header, *rows]) for j in range(len(header))]

        def line(cells):
            return "| " + " | ".join(
                c.ljust(w) if j == 0 else c.rjust(w)
                for j, (c, w) in enumerate(zip(cells, widths))
            ) + " |"

        rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
        return "\n".join([line(header), rule, *(line(r) for r in rows)])

    def __str__(self):
        return self.to_text()

    def __repr__(self):
        n = len(self.runs) // max(len(self.curves), 1)
        return f"<SearchComparison of {list(self.curves)} over {n} seeds>"

    def plot(self, axes=None):
        """Draw convergence against fit seconds and the scores' spread.

        Left: for each search, the median over seeds of the best score so
        far against fit seconds, with the band between the quartiles.
        Right: each search's best CV score (circles) and held-out test score
        (crosses) of every seed.

        Parameters
        ----------
        axes : list of two matplotlib Axes, default=None
            Where to draw; a new figure's when None.

        Returns
        -------
        axes : list of two matplotlib Axes
        """
        left, right = panels(axes, 2, "panel", width=5)
        for k, (name, runs) in enumerate(self.curves.items()):
            color = f"C{k % 10}"
            end = max(seconds[-1] for seconds, _ in runs if len(seconds))
            grid = np.linspace(0.0, end, 200)
            # the best so far at each time: NaN before the run's first row ended
            at = np.array([
                np.where(grid >= seconds[0],
                         best[np.clip(np.searchsorted(seconds, grid, "right") - 1,
                                      0, None)],
                         np.nan)
                for seconds, best in runs
            ])
            # drawn from when every run has a score: a run joining later
            # with a lower one would pull the median down
            q1, median, q3 = np.percentile(at, [25, 50, 75], axis=0)
            left.plot(grid, median, color=color, label=name)
            left.fill_between(grid, q1, q3, color=color, alpha=0.2)
            own = [run for run in self.runs if run["search"] == name]
            jitter = np.linspace(-0.12, 0.12, len(own)) if len(own) > 1 else [0.0]
            right.plot(k + np.asarray(jitter) - 0.15, [r["best_score"] for r in own], "o",
                       color=color, alpha=0.8)
            right.plot(k + np.asarray(jitter) + 0.15, [r["test_score"] for r in own], "x",
                       color=color)
        left.set_xlabel("fit seconds (all folds)")
        left.set_ylabel(f"best CV {self.metric} so far\n(median, quartiles)")
        left.legend(loc="lower right", fontsize="small")
        # slanted, so that long names side by side do not run into each other
        right.set_xticks(range(len(self.curves)), list(self.curves), rotation=30,
                         ha="right", rotation_mode="anchor")
        right.set_ylabel(f"{self.metric}: o best CV, x held-out test")
        return [left, right]


def _quartiles(values):
    finite = values[np.isfinite(values)]
    if not finite.size:
        return np.nan, np.nan, np.nan
    return tuple(float(v) for v in np.percentile(finite, [25, 50, 75]))

