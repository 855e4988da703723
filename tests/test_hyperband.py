import math
import time
import warnings

import numpy as np
import pytest
from scipy.stats import loguniform
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import load_iris, make_classification
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from skhyper import HyperbandSearchCV, Real, SearchSpace, hyperband_schedule

from ._estimators import CallbackRecorder, ConstantClassifier

# Li et al. (2018), Table 1: R = 81, eta = 3, (n_i, r_i) per rung of each bracket.
PAPER_TABLE = [
    [(81, 1), (27, 3), (9, 9), (3, 27), (1, 81)],
    [(34, 3), (11, 9), (3, 27), (1, 81)],
    [(15, 9), (5, 27), (1, 81)],
    [(8, 27), (2, 81)],
    [(5, 81)],
]


def test_schedule_matches_the_papers_table():
    assert hyperband_schedule(81, 1, 3) == [
        [(n, float(r)) for n, r in bracket] for bracket in PAPER_TABLE
    ]


def _algorithm_1(R, eta):
    """Li et al., Algorithm 1, written plainly: (n_i, r_i) per rung."""
    s_max = int(math.floor(math.log(R) / math.log(eta) + 1e-9))
    B = (s_max + 1) * R
    brackets = []
    for s in range(s_max, -1, -1):
        n = int(math.ceil(B / R * eta**s / (s + 1) - 1e-9))
        r = R * eta ** (-s)
        brackets.append([(int(math.floor(n * eta ** (-i) + 1e-9)), r * eta**i) for i in range(s + 1)])
    return brackets


@pytest.mark.parametrize("eta", [2, 3, 4, 5])
def test_schedule_matches_algorithm_1(eta):
    for R in range(1, 300):
        ours = hyperband_schedule(R, 1, eta)
        ref = _algorithm_1(R, eta)
        assert [[n for n, _ in b] for b in ours] == [[n for n, _ in b] for b in ref], R
        np.testing.assert_allclose(
            [r for b in ours for _, r in b], [r for b in ref for _, r in b]
        )


def test_schedule_with_min_resources_scales_r():
    # R = max / min: the same brackets as (27, 1), in units of 10.
    assert [[n for n, _ in b] for b in hyperband_schedule(270, 10, 3)] == [
        [n for n, _ in b] for b in hyperband_schedule(27, 1, 3)
    ]
    assert hyperband_schedule(270, 10, 3)[0][0] == (27, 10.0)


def test_schedule_rejects_min_above_max():
    with pytest.raises(ValueError, match="min_resources"):
        hyperband_schedule(5, 10)


def test_metadata_before_fit_for_a_parameter_resource():
    search = HyperbandSearchCV(
        HistGradientBoostingClassifier(max_iter=27), {"learning_rate": Real(0.01, 1)},
        resource="max_iter", factor=3,
    )
    meta = search.metadata
    assert meta["brackets"] == [
        [(27, 1), (9, 3), (3, 9), (1, 27)],
        [(12, 3), (4, 9), (1, 27)],
        [(6, 9), (2, 27)],
        [(4, 27)],
    ]
    assert meta["n_configurations"] == 27 + 12 + 6 + 4
    assert meta["resource_units"] == sum(n * r for b in meta["brackets"] for n, r in b)


class SizeRecorder(ClassifierMixin, BaseEstimator):
    """Scores 1000 * (training samples) + (test samples): the folds in a number."""

    def __init__(self, c=1.0):
        self.c = c

    def fit(self, X, y):
        self.n_train_ = len(X)
        self.classes_ = np.unique(y)
        self.class_counts_ = np.bincount(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])

    def score(self, X, y, sample_weight=None):
        return 1000.0 * self.n_train_ + len(X) + self.c


def test_n_samples_subsamples_training_folds_and_keeps_test_folds_whole():
    X, y = load_iris(return_X_y=True)
    search = HyperbandSearchCV(
        SizeRecorder(), {"c": Real(0, 0.5)}, resource="n_samples",
        min_resources=11, cv=StratifiedKFold(3), random_state=0,
    ).fit(X, y)
    res = search.cv_results_
    assert search.max_resources_ == 100  # training folds of 150 * 2/3
    for split in range(3):
        scores = res[f"split{split}_test_score"]
        # train size is the row's resource; the test fold keeps its 50 samples
        np.testing.assert_array_equal(
            np.floor(scores / 1000), res["n_resources"]
        )
        np.testing.assert_array_equal(np.floor(scores) % 1000, 50)
    assert set(res["n_resources"]) == {11, 33, 100}  # 100 / 3^2, 100 / 3, 100


def test_n_samples_subsample_is_stratified_and_nested():
    from skhyper._hyperband import _stratified_order

    y = np.repeat([0, 1, 2], [60, 30, 10])
    order = _stratified_order(y, np.random.RandomState(0))
    assert sorted(order) == list(range(100))
    for n in (10, 20, 50):
        counts = np.bincount(y[order[:n]], minlength=3)
        np.testing.assert_allclose(counts, [0.6 * n, 0.3 * n, 0.1 * n], atol=1)


@pytest.mark.parametrize("target", ["multilabel", "multiclass-multioutput"])
def test_n_samples_resource_with_a_2d_target(target):
    # GridSearchCV fits a 2-D target (check_cv does not stratify it); the
    # subsample order must not stratify it either (it crashed: IndexError)
    from sklearn.datasets import make_multilabel_classification
    from sklearn.ensemble import RandomForestClassifier
    from skhyper import Integer

    X, Y = make_multilabel_classification(n_samples=120, n_classes=3, random_state=0)
    if target == "multiclass-multioutput":
        Y = Y * np.arange(1, 4)  # outputs with classes {0, 1}, {0, 2}, {0, 3}
    forest = RandomForestClassifier(n_estimators=5, random_state=0)
    search = HyperbandSearchCV(
        forest, {"max_depth": Integer(2, 6)}, resource="n_samples",
        min_resources=10, cv=3, random_state=0,
        # accuracy of every output (scikit-learn's refuses multiclass-multioutput)
        scoring=lambda estimator, X, Y: float(np.mean(estimator.predict(X) == Y)),
    ).fit(X, Y)
    res = search.cv_results_
    assert np.isfinite(res["mean_test_score"]).all()
    assert search.max_resources_ == 80
    assert set(res["n_resources"]) == {r for b in search.metadata_["brackets"] for _, r in b}
    assert search.best_estimator_.predict(X).shape == Y.shape


@pytest.mark.slow
def test_parameter_resource_in_a_pipeline_and_refit_at_full_resource():
    X, y = make_classification(n_samples=200, random_state=0)
    pipe = Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression())])
    search = HyperbandSearchCV(
        pipe, {"clf__C": loguniform(1e-3, 1e2)}, resource="clf__max_iter",
        max_resources=27, factor=3, cv=3, random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning at small max_iter
        search.fit(X, y)
    res = search.cv_results_
    np.testing.assert_array_equal(res["param_clf__max_iter"], res["n_resources"])
    assert search.best_params_["clf__max_iter"] == 27
    assert res["n_resources"][search.best_index_] == 27
    assert search.best_estimator_.named_steps["clf"].max_iter == 27
    full = res["n_resources"] == 27
    assert search.best_score_ == res["mean_test_score"][full].max()
    # every rung of a bracket promotes the best of the rung before it
    for s in np.unique(res["bracket"]):
        for i in range(int(s)):
            rung = (res["bracket"] == s) & (res["iter"] == i)
            nxt = (res["bracket"] == s) & (res["iter"] == i + 1)
            promoted = set(res["config_id"][nxt])
            scores = dict(zip(res["config_id"][rung], res["mean_test_score"][rung]))
            worst_promoted = min(scores[c] for c in promoted)
            assert all(scores[c] <= worst_promoted for c in scores if c not in promoted)


class NaNBelow(ConstantClassifier):
    """Scores c, or NaN when c < 0.5 (a scorer that fails)."""

    def __init__(self, c=0.0, max_iter=10):
        self.c = c
        self.max_iter = max_iter

    def score(self, X, y, sample_weight=None):
        return np.nan if self.c < 0.5 else self.c


def test_nan_scores_are_never_promoted_over_finite_ones():
    X, y = make_classification(n_samples=60, random_state=0)
    search = HyperbandSearchCV(
        NaNBelow(), {"c": Real(0, 1)}, resource="max_iter", max_resources=9, cv=2,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search.fit(X, y)
    res = search.cv_results_
    for s in np.unique(res["bracket"]):
        for i in range(int(s)):
            rung = (res["bracket"] == s) & (res["iter"] == i)
            promoted = set(res["config_id"][(res["bracket"] == s) & (res["iter"] == i + 1)])
            finite = set(res["config_id"][rung & np.isfinite(res["mean_test_score"])])
            if len(finite) >= len(promoted):
                assert promoted <= finite
    assert np.isfinite(search.best_score_)


class FailsAtLargeResource(ConstantClassifier):
    """Fails to fit when max_iter > 3 and c > 0.7."""

    def __init__(self, c=0.0, max_iter=9):
        self.c = c
        self.max_iter = max_iter

    def fit(self, X, y):
        if self.max_iter > 3 and self.c > 0.7:
            raise RuntimeError("too much for this configuration")
        return super().fit(X, y)

    def score(self, X, y, sample_weight=None):
        return self.c


def test_failures_at_some_resources_get_error_score():
    X, y = make_classification(n_samples=60, random_state=0)
    search = HyperbandSearchCV(
        FailsAtLargeResource(), {"c": Real(0, 1)}, resource="max_iter",
        max_resources=9, cv=2, error_score=-1.0, random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search.fit(X, y)
    res = search.cv_results_
    c = np.array([p["c"] for p in res["params"]])
    failing = (c > 0.7) & (res["n_resources"] > 3)
    assert failing.any() and (~failing).any()
    np.testing.assert_array_equal(res["mean_test_score"][failing], -1.0)
    np.testing.assert_allclose(res["mean_test_score"][~failing], c[~failing])
    assert search.best_params_["c"] <= 0.7


class FailsAboveBelowZero(ConstantClassifier):
    """Scores -(c - 0.3)^2 - 0.1 (below zero) plus max_iter / 1000; fit
    fails for c > 0.6 at any resource."""

    def __init__(self, c=0.0, max_iter=9):
        self.c = c
        self.max_iter = max_iter

    def fit(self, X, y):
        if self.c > 0.6:
            raise RuntimeError("diverged")
        return super().fit(X, y)

    def score(self, X, y, sample_weight=None):
        return -((self.c - 0.3) ** 2) - 0.1 + self.max_iter / 1000


@pytest.mark.parametrize("sampler", ["random", "bayes"])
@pytest.mark.parametrize("error_score", [np.nan, 0.0, 1.0])
def test_failed_configurations_are_promoted_last_and_never_best(error_score, sampler):
    X, y = make_classification(n_samples=60, random_state=0)
    search = HyperbandSearchCV(
        FailsAboveBelowZero(), {"c": Real(0, 1)}, resource="max_iter",
        max_resources=27, cv=2, error_score=error_score, sampler=sampler,
        refit=False, random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search.fit(X, y)
    res = search.cv_results_
    c = np.array([p["c"] for p in res["params"]])
    failed = c > 0.6
    full = res["n_resources"] == 27
    assert failed[full].any() and (~failed[full]).any()
    # a rung promotes a failed configuration only once every one that scored is promoted
    for bracket in np.unique(res["bracket"]):
        rows = res["bracket"] == bracket
        for rung in range(res["iter"][rows].max()):
            here = rows & (res["iter"] == rung)
            after = res["config_id"][rows & (res["iter"] == rung + 1)]
            promoted = np.isin(res["config_id"], after)
            if (here & failed & promoted).any():
                assert (here & ~failed <= promoted).all()
    assert not failed[search.best_index_] and full[search.best_index_]
    assert search.best_score_ == res["mean_test_score"][full & ~failed].max()


def test_multimetric_refit_by_name():
    X, y = load_iris(return_X_y=True)
    search = HyperbandSearchCV(
        SVC(), {"C": loguniform(1e-2, 1e2)}, resource="n_samples",
        scoring=["accuracy", "balanced_accuracy"], refit="balanced_accuracy",
        min_resources=20, cv=3, random_state=0,
    ).fit(X, y)
    res = search.cv_results_
    full = res["n_resources"] == search.max_resources_
    assert search.best_score_ == res["mean_test_balanced_accuracy"][full].max()


@pytest.mark.slow
@pytest.mark.parametrize(
    "resource, sampler",
    [("n_samples", "random"), ("max_iter", "random"), ("max_iter", "multifidelity")],
)
def test_same_seed_same_results_for_any_n_jobs(resource, sampler):
    X, y = make_classification(n_samples=150, random_state=0)
    kwargs = {"min_resources": 20} if resource == "n_samples" else {"max_resources": 9}
    if sampler != "random":
        kwargs["hyperband_iterations"] = 2  # the second is proposed by the model
    runs = [
        HyperbandSearchCV(
            HistGradientBoostingClassifier(max_iter=9, random_state=0),
            {"learning_rate": loguniform(1e-2, 1)},
            resource=resource, cv=KFold(3, shuffle=True, random_state=1),
            n_jobs=n_jobs, random_state=0, sampler=sampler, **kwargs,
        ).fit(X, y)
        for n_jobs in (1, 2)
    ]
    a, b = (r.cv_results_ for r in runs)
    for key in a:
        if key.endswith("_time") or key == "params":
            continue
        np.testing.assert_array_equal(np.asarray(a[key]), np.asarray(b[key]), err_msg=key)
    assert a["params"] == b["params"]


class ForbiddenFit(NaNBelow):
    def fit(self, X, y):
        raise AssertionError("fit must not be called")


@pytest.mark.parametrize(
    "params, match",
    [
        ({"resource": "n_trees"}, "neither 'n_samples' nor a parameter"),
        ({"resource": "max_iter", "search_spaces": {"max_iter": [1, 2]}}, "also in search_spaces"),
        ({"resource": "max_iter", "min_resources": 20, "max_resources": 10}, "min_resources=20"),
        ({"resource": "n_samples", "min_resources": 28, "max_resources": 25}, "min_resources=28"),
        ({"resource": "n_samples", "max_resources": 1000}, "smallest training fold"),
        ({"resource": "c", "max_resources": "auto"}, "not a positive integer"),
        ({"factor": 1}, "factor"),
        ({"resource": "max_iter", "hyperband_iterations": 0}, "hyperband_iterations"),
        ({"resource": "max_iter", "max_resources": 9, "max_budget": 0}, "max_budget"),
        # the first bracket of 9 / 3 / 1 trains 9 + 3 x 3 + 1 x 9 = 27 units
        ({"resource": "max_iter", "max_resources": 9, "max_budget": 26}, "max_budget=26 is less"),
        ({"resource": "n_samples", "min_resources": 3, "max_budget": 10}, "max_budget=10 is less"),
        (
            {"resource": "max_iter", "max_resources": 9, "max_budget": 100,
             "hyperband_iterations": 2},
            "hyperband_iterations must stay 1",
        ),
        ({"sampler": "bohb"}, "sampler"),
    ],
)
def test_bad_input_raises_before_any_fit(params, match):
    X, y = make_classification(n_samples=60, random_state=0)
    params = {"search_spaces": {"c": Real(0, 1)}, **params}
    if params.get("resource") == "c":
        params["search_spaces"] = {"max_iter": [1, 2]}
    search = HyperbandSearchCV(ForbiddenFit(), cv=2, **params)
    with pytest.raises(ValueError, match=match):
        search.fit(X, y)


class Bowl(ConstantClassifier):
    """Scores -(c - 0.3)^2 whatever the resource."""

    def __init__(self, c=0.0, max_iter=27):
        self.c = c
        self.max_iter = max_iter

    def score(self, X, y, sample_weight=None):
        return -((self.c - 0.3) ** 2)


@pytest.mark.slow
def test_bayes_sampler_proposes_near_the_optimum_after_the_first_bracket():
    X, y = make_classification(n_samples=40, random_state=0)
    distances = {"random": [], "bayes": []}
    # five seeds: a median of three swung with the optimizer's random stream
    for seed in range(5):
        for sampler in distances:
            search = HyperbandSearchCV(
                Bowl(), {"c": Real(0, 1)}, resource="max_iter", max_resources=27,
                sampler=sampler, cv=2, random_state=seed,
            ).fit(X, y)
            res = search.cv_results_
            n_configs = len(np.unique(res["config_id"]))
            assert n_configs == search.metadata_["n_configurations"]
            # first rungs of the brackets after the first, which had no model
            later = (res["bracket"] < res["bracket"].max()) & (res["iter"] == 0)
            c = np.array([p["c"] for p in res["params"]])[later]
            distances[sampler].append(np.median(np.abs(c - 0.3)))
    # uniform draws sit ~0.25 from the optimum; a third of BOHB's are uniform
    assert np.median(distances["random"]) > 0.2
    assert np.median(distances["bayes"]) < 0.5 * np.median(distances["random"])


def test_metadata_counts_every_hyperband_iteration():
    one = HyperbandSearchCV(Bowl(), {"c": Real(0, 1)}, resource="max_iter").metadata
    two = HyperbandSearchCV(
        Bowl(), {"c": Real(0, 1)}, resource="max_iter", hyperband_iterations=2
    ).metadata
    assert two["brackets"] == one["brackets"]
    assert (one["hyperband_iterations"], two["hyperband_iterations"]) == (1, 2)
    for key in ("n_configurations", "n_evaluations", "resource_units"):
        assert two[key] == 2 * one[key]


@pytest.mark.parametrize("resource", ["max_iter", "partial_fit"])
def test_hyperband_iterations_repeat_the_brackets_with_new_configurations(resource):
    X, y = make_classification(n_samples=40, random_state=0)
    estimator = Bowl() if resource == "max_iter" else EpochCounter()
    kwargs = dict(resource=resource, max_resources=9, cv=2, random_state=0)
    once = HyperbandSearchCV(estimator, {"c": Real(0, 1)}, **kwargs).fit(X, y)
    twice = HyperbandSearchCV(
        estimator, {"c": Real(0, 1)}, hyperband_iterations=2, **kwargs
    ).fit(X, y)
    a, b = once.cv_results_, twice.cv_results_
    first = b["hyperband_iteration"] == 0
    n = len(a["params"])
    assert first.sum() == n and len(b["params"]) == 2 * n
    # The first iteration is the one-iteration search: same draws, same scores.
    assert list(b["params"][:n]) == list(a["params"])
    np.testing.assert_array_equal(b["mean_test_score"][:n], a["mean_test_score"])
    for key in ("bracket", "iter", "n_resources"):
        np.testing.assert_array_equal(b[key][~first], a[key])
    # The second draws new configurations, with ids of their own.
    assert set(b["config_id"][~first]).isdisjoint(b["config_id"][first])
    assert len(np.unique(b["config_id"])) == twice.metadata_["n_configurations"]
    assert not {p["c"] for p in b["params"][n:]} & {p["c"] for p in a["params"]}
    # The best is chosen among the full-resource rows of both iterations.
    full = b["n_resources"] == 9
    assert twice.best_score_ == b["mean_test_score"][full].max()
    assert twice.best_score_ >= once.best_score_


# -- continued training (the Tier 2 engine) ------------------------------------


class EpochCounter(ClassifierMixin, BaseEstimator):
    """Scores the number of partial_fit calls its model has had (plus c / 10)."""

    def __init__(self, c=0.0):
        self.c = c

    def partial_fit(self, X, y, classes=None):
        if not hasattr(self, "calls_"):
            assert classes is not None, "first partial_fit must get classes"
            self.classes_ = np.asarray(classes)
            self.calls_ = 0
        else:
            assert classes is None
        self.calls_ += 1
        return self

    def fit(self, X, y):
        return self.partial_fit(X, y, classes=np.unique(y))

    def predict(self, X):
        return np.full(len(X), self.classes_[0])

    def score(self, X, y, sample_weight=None):
        return self.calls_ + self.c / 10


def test_partial_fit_resource_continues_promoted_models():
    X, y = make_classification(n_samples=60, random_state=0)
    search = HyperbandSearchCV(
        EpochCounter(), {"c": Real(0, 1)}, resource="partial_fit", max_resources=9,
        cv=3, random_state=0,
    ).fit(X, y)
    res = search.cv_results_
    # A model promoted from 3 to 9 epochs has had 9 calls, not 6.
    np.testing.assert_allclose(
        np.floor(res["mean_test_score"]), res["n_resources"]
    )
    assert set(res["n_resources"]) == {1, 3, 9}
    # refit: the best configuration trained 9 epochs from scratch on all data
    assert search.best_estimator_.calls_ == 9
    assert search.best_params_ == res["params"][search.best_index_]


@pytest.mark.slow
def test_continued_sgd_equals_sgd_trained_from_scratch():
    from sklearn.base import clone
    from sklearn.linear_model import SGDClassifier

    X, y = make_classification(n_samples=120, random_state=0)
    est = SGDClassifier(learning_rate="constant", eta0=0.01, shuffle=False, random_state=0)
    cv = StratifiedKFold(3)
    search = HyperbandSearchCV(
        est, {"alpha": loguniform(1e-5, 1e-1)}, resource="partial_fit",
        max_resources=9, cv=cv, random_state=0,
    ).fit(X, y)
    res = search.cv_results_
    rows = np.flatnonzero((res["n_resources"] == 9) & (res["iter"] > 0))
    assert len(rows)  # configurations promoted from 3 to 9 epochs
    for row in rows:
        for k, (train, test) in enumerate(cv.split(X, y)):
            fresh = clone(est).set_params(**res["params"][row])
            for epoch in range(9):
                fresh.partial_fit(X[train], y[train], classes=np.unique(y))
            assert res[f"split{k}_test_score"][row] == fresh.score(X[test], y[test])


@pytest.mark.slow
def test_warm_start_resource_equals_training_from_scratch():
    from sklearn.model_selection import cross_val_score

    X, y = make_classification(n_samples=150, random_state=0)
    est = HistGradientBoostingClassifier(max_iter=9, early_stopping=False, random_state=0)
    cv = StratifiedKFold(3)
    search = HyperbandSearchCV(
        est, {"learning_rate": loguniform(1e-2, 1)}, resource="max_iter", cv=cv,
        random_state=0,
    ).fit(X, y)
    res = search.cv_results_
    for row in np.flatnonzero(res["iter"] > 0):
        scratch = cross_val_score(
            est.set_params(**res["params"][row]), X, y, cv=cv
        )
        np.testing.assert_allclose(
            [res[f"split{k}_test_score"][row] for k in range(3)], scratch
        )
    assert search.best_estimator_.n_iter_ == 9
    assert search.best_estimator_.warm_start is False  # as the user set it


@pytest.mark.slow
def test_continued_training_in_a_pipeline():
    from sklearn.linear_model import SGDClassifier

    X, y = load_iris(return_X_y=True)
    pipe = Pipeline([("scale", StandardScaler()), ("clf", SGDClassifier(random_state=0))])
    search = HyperbandSearchCV(
        pipe, {"clf__alpha": loguniform(1e-5, 1e-1)}, resource="partial_fit",
        max_resources=9, scoring=["accuracy", "balanced_accuracy"], refit="accuracy",
        cv=3, random_state=0,
    ).fit(X, y)
    assert search.multimetric_
    assert search.best_estimator_.named_steps["clf"].t_ > 1  # trained by partial_fit
    assert search.score(X, y) > 0.8
    with pytest.raises(ValueError, match="only 'clf'"):
        search.set_params(search_spaces={"scale__with_mean": [True, False]}).fit(X, y)


class FailsAfterEpochs(EpochCounter):
    def partial_fit(self, X, y, classes=None):
        super().partial_fit(X, y, classes)
        if self.c > 0.6 and self.calls_ > 2:
            raise RuntimeError("diverged")
        return self


def test_continued_training_failures_get_error_score_and_stay_failed():
    X, y = make_classification(n_samples=60, random_state=0)
    search = HyperbandSearchCV(
        FailsAfterEpochs(), {"c": Real(0, 1)}, resource="partial_fit",
        max_resources=9, cv=2, error_score=-1.0, random_state=0,
    )
    from sklearn.exceptions import FitFailedWarning

    with pytest.warns(FitFailedWarning, match="fits failed"):
        search.fit(X, y)
    res = search.cv_results_
    c = np.array([p["c"] for p in res["params"]])
    failing = (c > 0.6) & (res["n_resources"] > 2)
    assert failing.any()
    np.testing.assert_array_equal(res["mean_test_score"][failing], -1.0)
    assert search.best_params_["c"] <= 0.6


@pytest.mark.parametrize(
    "params, match",
    [
        ({"estimator": SVC(), "resource": "partial_fit", "max_resources": 9}, "partial_fit"),
        ({"estimator": EpochCounter(), "resource": "partial_fit"}, "needs max_resources"),
    ],
)
def test_continued_training_bad_input(params, match):
    X, y = make_classification(n_samples=60, random_state=0)
    search = HyperbandSearchCV(search_spaces={"c": Real(0, 1)}, cv=2, **params)
    with pytest.raises(ValueError, match=match):
        search.fit(X, y)


@pytest.mark.parametrize("resource", ["partial_fit", "max_iter"])
def test_callbacks_see_every_fit_task_on_sklearn_1_9(resource):
    pytest.importorskip("sklearn.callback")
    X, y = make_classification(n_samples=60, random_state=0)
    estimator = EpochCounter() if resource == "partial_fit" else Bowl()
    search = HyperbandSearchCV(
        estimator, {"c": Real(0, 1)}, resource=resource, max_resources=3, cv=2,
        random_state=0,
    )
    recorder = CallbackRecorder()
    search.set_callbacks(recorder)
    search.fit(X, y)
    # brackets [(3, 1), (1, 3)] and [(2, 3)]: 6 rows on 2 folds, in 2 waves
    # (the second bracket runs beside the first's second rung), continued
    # (Tier 2) or refitted (Tier 1), then the refit.
    assert len(search.cv_results_["params"]) == 6
    assert recorder.names.count("candidate-split-evaluation") == 12
    assert recorder.names.count("batch") == 2
    assert recorder.names.count("refit-with-best-params") == 1
    assert recorder.names[0] == "fit" and recorder.names[1] == "search"


class FoldFingerprint(ConstantClassifier):
    """Scores the sum of its test fold's first feature: which fold it was."""

    def __init__(self, c=0.0, max_iter=9):
        self.c = c
        self.max_iter = max_iter

    def partial_fit(self, X, y, classes=None):
        self.classes_ = np.unique(y) if classes is None else classes
        return self

    def score(self, X, y=None, sample_weight=None):
        return float(np.sum(X[:, 0]))


@pytest.mark.parametrize("resource", ["n_samples", "max_iter", "partial_fit"])
def test_shuffling_splitter_without_a_seed_scores_every_rung_on_the_same_folds(resource):
    # An earlier design refused such splitters; the folds are drawn once per fit
    # instead, so they simply work.
    rng = np.random.RandomState(0)
    X = rng.normal(size=(90, 2))
    y = np.arange(90) % 2
    search = HyperbandSearchCV(
        FoldFingerprint(), {"c": Real(0, 1)}, resource=resource,
        max_resources="auto" if resource == "n_samples" else 9,
        min_resources=6 if resource == "n_samples" else 1,
        cv=KFold(3, shuffle=True), random_state=0,
    ).fit(X, y)
    res = search.cv_results_
    assert len(np.unique(res["iter"])) > 1
    for split in range(3):
        assert np.unique(res[f"split{split}_test_score"]).size == 1


@pytest.mark.parametrize("resource", ["partial_fit", "max_iter"])
def test_verbose_prints_a_line_for_every_wave(resource, capsys):
    X, y = make_classification(n_samples=60, random_state=0)
    estimator = EpochCounter() if resource == "partial_fit" else Bowl()
    HyperbandSearchCV(
        estimator, {"c": Real(0, 1)}, resource=resource, max_resources=3, cv=2,
        verbose=1, random_state=0,
    ).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    # brackets [(3, 1), (1, 3)] and [(2, 3)]: the second starts beside the
    # first's second rung
    expected = [
        "[HyperbandSearchCV] wave 0: bracket s=1 rung 0 (3 at n_resources=1): "
        "3 candidates x 2 folds; best of batch ",
        "[HyperbandSearchCV] wave 1: bracket s=1 rung 1 (1 at n_resources=3), "
        "s=0 rung 0 (2 at n_resources=3): 3 candidates x 2 folds; best of batch ",
    ]
    assert len(lines) == len(expected)
    for line, start in zip(lines, expected):
        assert line.startswith(start)


def test_callbacks_see_the_steps_of_a_failed_member_too():
    pytest.importorskip("sklearn.callback")
    class Ends(CallbackRecorder):
        def on_fit_task_end(self, estimator, context, **kwargs):
            self.names.append("end:" + context.task_name)

    X, y = make_classification(n_samples=60, random_state=0)
    # Every configuration of a rung fails, so a failed member is promoted
    # (failures rank last, whatever error_score) and its later steps start
    # from no model at all.
    search = HyperbandSearchCV(
        FailsAfterEpochs(), {"c": Real(0, 1)}, resource="partial_fit",
        max_resources=9, cv=2, error_score=100.0, refit=False, random_state=0,
    )
    recorder = Ends()
    search.set_callbacks(recorder)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search.fit(X, y)
    res = search.cv_results_
    failed = res["mean_test_score"] == 100.0
    assert (failed & (res["iter"] > 0) & (res["n_resources"] > 3)).any()
    n_tasks = 2 * len(res["params"])
    assert recorder.names.count("candidate-split-evaluation") == n_tasks
    assert recorder.names.count("end:candidate-split-evaluation") == n_tasks


# -- hyperband_schedule validates its settings -----------------------------------
def _raised_within(seconds, func, *args, **kwargs):
    """The exception ``func`` raises, failing the test if it runs ``seconds``.

    factor=1 (or 0, or True) and an infinite max_resources used to loop for
    ever: run the call in a daemon thread with a deadline, so that such a test
    fails instead of hanging should the checks ever go.
    """
    import threading

    outcome = []

    def run():
        try:
            func(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - handed to the test
            outcome.append(exc)
        else:
            outcome.append(None)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        pytest.fail(f"{func.__name__}{args}{kwargs} still runs after {seconds} s")
    return outcome[0]


@pytest.mark.parametrize(
    "factor, error, shown",
    [
        (1, ValueError, "1"),
        (0, ValueError, "0"),
        (-3, ValueError, "-3"),
        (2.5, ValueError, "2.5"),
        (float("inf"), ValueError, "inf"),
        (True, TypeError, "True"),
        ("3", TypeError, "'3'"),
        (None, TypeError, "None"),
    ],
)
def test_schedule_rejects_bad_factor(factor, error, shown):
    exc = _raised_within(10, hyperband_schedule, 81, 1, factor=factor)
    assert isinstance(exc, error), exc
    assert f"factor must be an integer >= 2; got {shown}." in str(exc), str(exc)


def test_schedule_accepts_numpy_and_integral_float_factors():
    expected = hyperband_schedule(81, 1, factor=3)
    for factor in (np.int64(3), np.uint8(3), 3.0, np.float64(3.0)):
        got = hyperband_schedule(81, 1, factor=factor)
        assert got == expected, factor
        # integer counts, not 27.0
        assert all(type(n) is int for bracket in got for n, _ in bracket), factor


@pytest.mark.parametrize("name", ["max_resources", "min_resources"])
@pytest.mark.parametrize(
    "value, error, shown",
    [
        (0, ValueError, "0"),
        (-5, ValueError, "-5"),
        (float("nan"), ValueError, "nan"),
        (float("inf"), ValueError, "inf"),
        (True, TypeError, "True"),
        ("81", TypeError, "'81'"),
        (None, TypeError, "None"),
    ],
)
def test_schedule_rejects_bad_resources(name, value, error, shown):
    settings = {"max_resources": 81, "min_resources": 1, name: value}
    exc = _raised_within(10, hyperband_schedule, **settings)
    assert isinstance(exc, error), exc
    assert f"{name} must be a real number > 0; got {shown}." in str(exc), str(exc)


def test_schedule_accepts_numpy_and_float_resources():
    expected = hyperband_schedule(81, 1)
    assert hyperband_schedule(np.int64(81), np.float32(1)) == expected
    assert hyperband_schedule(81.0, 1.0) == expected


# -- a resource range too short for one halving is refused ---------------------------
def test_range_below_factor_raises_before_any_fit():
    from sklearn.datasets import load_digits
    from sklearn.linear_model import SGDClassifier

    X, y = load_digits(return_X_y=True)
    # 3 folds of 300 samples: training folds of 200, R = 200 / 100 = 2 < 3. This
    # used to run the single bracket [(1, 200)], one row, without a word.
    search = HyperbandSearchCV(
        SGDClassifier(), {"alpha": loguniform(1e-6, 1)}, resource="n_samples",
        min_resources=100, cv=3,
    )
    with pytest.raises(ValueError, match=r"max_resources=200 / min_resources=100 = 2 is "
                       r"less than factor=3") as info:
        search.fit(X[:300], y[:300])
    message = str(info.value)
    assert "1 configuration" in message
    assert "min_resources to at most 66" in message
    assert "max_resources to at least 300" in message
    assert "factor=2" in message
    assert not hasattr(search, "cv_results_")
    # The same with an estimator that must not be fitted at all.
    search = HyperbandSearchCV(
        ForbiddenFit(), {"c": Real(0, 1)}, resource="n_samples", min_resources=100,
        cv=3, error_score="raise",
    )
    with pytest.raises(ValueError, match="less than factor=3"):
        search.fit(X[:300], y[:300])


class ForbiddenPartialFit(EpochCounter):
    def partial_fit(self, X, y, classes=None):
        raise AssertionError("partial_fit must not be called")


@pytest.mark.parametrize(
    "params, match",
    [
        # a parameter resource, explicit and "auto" (ForbiddenFit's max_iter)
        ({"resource": "max_iter", "max_resources": 2}, "max_resources=2 / min_resources=1"),
        ({"resource": "max_iter", "min_resources": 4},
         "max_resources=10 / min_resources=4 = 2.5 is less than factor=3"),
        ({"resource": "max_iter", "max_resources": 7, "min_resources": 4, "factor": 2},
         "max_resources=7 / min_resources=4 = 1.75 is less than factor=2"),
        ({"resource": "partial_fit", "max_resources": 2}, "max_resources=2 / min_resources=1"),
        # n_samples with "auto": 60 samples, 2 folds, so 30 per training fold
        ({"resource": "n_samples", "min_resources": 11}, "max_resources=30 / min_resources=11"),
    ],
)
def test_range_below_factor_raises_for_every_resource(params, match):
    X, y = make_classification(n_samples=60, random_state=0)
    estimator = ForbiddenPartialFit() if params["resource"] == "partial_fit" else ForbiddenFit()
    search = HyperbandSearchCV(
        estimator, {"c": Real(0, 1)}, cv=2, error_score="raise", **params
    )
    with pytest.raises(ValueError, match=match):
        search.fit(X, y)
    if params["resource"] != "n_samples":
        with pytest.raises(ValueError, match=match):
            search.metadata


def test_range_equal_to_factor_runs_two_brackets():
    search = HyperbandSearchCV(
        ForbiddenFit(), {"c": Real(0, 1)}, resource="max_iter", max_resources=6,
        min_resources=2,
    )
    assert search.metadata["brackets"] == [[(3, 2), (1, 6)], [(2, 6)]]


def test_range_below_factor_from_the_data_alone_warns_and_fits():
    # Both resources "auto" on data too small for them: nothing the user set is
    # at fault, and scikit-learn's estimator checks fit such data, so the search
    # runs its single configuration, with a warning.
    X, y = make_classification(n_samples=40, random_state=0)
    search = HyperbandSearchCV(
        NaNBelow(), {"c": Real(0.5, 1)}, resource="n_samples", cv=2, random_state=0
    )
    with pytest.warns(UserWarning, match=r"max_resources=20 / min_resources=10 = 2 is "
                      r"less than factor=3.*Both are 'auto'"):
        search.fit(X, y)
    assert search.metadata_["brackets"] == [[(1, 20)]]
    assert len(search.cv_results_["params"]) == 1


# -- brackets run together (waves) ---------------------------------------------
def test_brackets_run_in_waves_that_end_together():
    X, y = make_classification(n_samples=40, random_state=0)
    search = HyperbandSearchCV(
        Bowl(), {"c": Real(0, 1)}, resource="max_iter", max_resources=27, cv=2,
        hyperband_iterations=2, random_state=0,
    ).fit(X, y)
    res = search.cv_results_
    n_brackets = len(search.metadata_["brackets"])  # 4: s = 3, 2, 1, 0
    # Wave w of an iteration runs rung w - k of its bracket k: the row order is
    # wave by wave, and within a wave bracket by bracket, most exploratory first.
    wave = (n_brackets - 1 - res["bracket"]) + res["iter"]
    order = np.lexsort((-res["bracket"], wave, res["hyperband_iteration"]))
    np.testing.assert_array_equal(order, np.arange(len(order)))
    # every bracket of an iteration reaches max_resources in its last wave
    for i in (0, 1):
        full = (res["hyperband_iteration"] == i) & (res["n_resources"] == 27)
        assert set(wave[full]) == {n_brackets - 1}
        assert set(res["bracket"][full]) == set(range(n_brackets))


def test_waves_evaluate_what_the_brackets_one_after_another_would():
    # With the random sampler, running brackets together changes only the row
    # order: each bracket's configurations, scores and promotions are those of
    # the paper's sequential loop, replayed here from hyperband_schedule.
    X, y = make_classification(n_samples=40, random_state=0)
    search = HyperbandSearchCV(
        Bowl(), {"c": Real(0, 1)}, resource="max_iter", max_resources=27, cv=2,
        random_state=3,
    ).fit(X, y)
    res = search.cv_results_
    space = SearchSpace({"c": Real(0, 1)})
    rng = np.random.RandomState(3)
    for bracket in hyperband_schedule(27):
        s = len(bracket) - 1
        configs = space.sample(bracket[0][0], rng)
        for i, (n, r) in enumerate(bracket):
            configs = configs[:n]
            rows = np.flatnonzero((res["bracket"] == s) & (res["iter"] == i))
            assert [res["params"][j]["c"] for j in rows] == [p["c"] for p in configs]
            assert set(res["n_resources"][rows]) == {round(r)}
            # promoted best first: Bowl scores -(c - 0.3)^2
            configs = sorted(configs, key=lambda p: (p["c"] - 0.3) ** 2)


class Sleeper(ConstantClassifier):
    """Sleeps ``max_iter`` x 20 ms in fit and records when, at which resource."""

    fits = []

    def __init__(self, c=0.0, max_iter=9):
        self.c = c
        self.max_iter = max_iter

    def fit(self, X, y):
        start = time.perf_counter()
        time.sleep(self.max_iter / 50)
        Sleeper.fits.append((self.max_iter, start, time.perf_counter()))
        return super().fit(X, y)


@pytest.mark.slow
def test_the_last_wave_runs_every_brackets_final_rung_at_once():
    # Brackets one after another would end with 3 configurations x 2 folds
    # (bracket s=0) alone; in waves the last one also holds the final rungs
    # of the other brackets, 1 + 1 + 3 configurations x 2 folds, all at once.
    from joblib import parallel_backend

    X, y = make_classification(n_samples=40, random_state=0)
    Sleeper.fits = []
    with parallel_backend("threading", n_jobs=16):
        HyperbandSearchCV(
            Sleeper(), {"c": Real(0, 1)}, resource="max_iter", max_resources=9, cv=2,
            n_jobs=16, random_state=0, refit=False,
        ).fit(X, y)
    final = [(start, end) for r, start, end in Sleeper.fits if r == 9]
    assert len(final) == 10
    assert max(start for start, _ in final) < min(end for _, end in final)


# -- a total budget ------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("continued", [True, False])
def test_max_budget_counts_what_is_really_trained(continued):
    X, y = make_classification(n_samples=60, random_state=0)
    if continued:  # partial_fit continues: a promotion trains only the new epochs
        estimator, resource = EpochCounter(), "partial_fit"
    else:
        estimator, resource = Bowl(max_iter=27), "max_iter"
    one = HyperbandSearchCV(
        estimator, {"c": Real(0, 1)}, resource=resource, max_resources=27
    ).metadata
    budget = 2 * one["resource_units"]  # two iterations when every rung retrains
    search = HyperbandSearchCV(
        estimator, {"c": Real(0, 1)}, resource=resource, max_resources=27, cv=3,
        max_budget=budget, random_state=0,
    )
    planned = search.metadata
    search.fit(X, y)
    meta = search.metadata_
    assert meta == planned
    assert meta["trained_units"] <= budget
    res = search.cv_results_
    n_res = np.asarray(res["n_resources"])
    if continued:
        # what the fold-models really trained: each config's largest rung
        trained = sum(
            n_res[res["config_id"] == cid].max() for cid in np.unique(res["config_id"])
        )
        # continuation trains 357 units an iteration instead of 423: the
        # budget of two buys a third iteration's first bracket
        assert meta["trained_units"] == trained < budget
        assert meta["n_brackets"] == 2 * len(meta["brackets"]) + 1
        assert meta["n_configurations"] > 2 * one["n_configurations"]
    else:
        assert meta["trained_units"] == n_res.sum() == budget
        assert meta["n_brackets"] == 2 * len(meta["brackets"])
    # the next bracket would not have fitted
    schedule = hyperband_schedule(27)
    k = meta["n_brackets"] % len(schedule)
    nxt = sum(
        n * (r - (schedule[k][i - 1][1] if continued and i else 0))
        for i, (n, r) in enumerate(schedule[k])
    )
    assert meta["trained_units"] + nxt > budget


def test_partial_fit_calls_equal_trained_units():
    X, y = make_classification(n_samples=60, random_state=0)
    search = HyperbandSearchCV(
        EpochCounter(), {"c": Real(0, 1)}, resource="partial_fit", max_resources=9,
        cv=3, max_budget=200, random_state=0, refit=False,
    ).fit(X, y)
    res = search.cv_results_
    # EpochCounter scores its partial_fit calls: a row's score is its epochs
    epochs = {cid: 0 for cid in res["config_id"]}
    for cid, score in zip(res["config_id"], res["mean_test_score"]):
        epochs[cid] = max(epochs[cid], int(score))
    assert sum(epochs.values()) == search.metadata_["trained_units"] <= 200


# -- the multi-fidelity sampler ------------------------------------------------
class MovingBowl(ConstantClassifier):
    """Best at c = 0.2 after one iteration, at c = 0.8 after 27: small budgets mislead."""

    def __init__(self, c=0.0, max_iter=27):
        self.c = c
        self.max_iter = max_iter

    def score(self, X, y, sample_weight=None):
        best = 0.2 + 0.6 * np.log(self.max_iter) / np.log(27)
        return -((self.c - best) ** 2)


@pytest.mark.slow
def test_model_based_samplers_where_small_budgets_mislead():
    X, y = make_classification(n_samples=40, random_state=0)
    first, second = {}, {}
    for sampler in ("random", "bayes", "multifidelity"):
        first[sampler], second[sampler] = [], []
        for seed in range(5):
            res = HyperbandSearchCV(
                MovingBowl(), {"c": Real(0, 1)}, resource="max_iter",
                max_resources=27, sampler=sampler, cv=2, hyperband_iterations=2,
                random_state=seed, refit=False,
            ).fit(X, y).cv_results_
            c = np.array([p["c"] for p in res["params"]])
            starts = res["iter"] == 0
            # the first iteration's last two brackets, s=1 and s=0, whose BOHB
            # models are fitted at n_resources=9 (optimum 0.6) and 27 (0.8)
            early = starts & (res["hyperband_iteration"] == 0) & (res["bracket"] < 2)
            first[sampler].append(np.median(np.abs(c[early] - 0.8)))
            late = starts & (res["hyperband_iteration"] == 1)
            second[sampler].append(np.median(np.abs(c[late] - 0.8)))
    first = {k: np.median(v) for k, v in first.items()}
    second = {k: np.median(v) for k, v in second.items()}
    # In BOHB's sequential order these brackets are proposed from models at
    # n_resources=9 and 27: closer to the optimum at full resource than
    # random draws. (Run in waves without waiting for those scores, they were
    # fitted at 3 and 9 and proposed the small budgets' optima.)
    assert first["bayes"] < first["random"] - 0.1
    # with full-resource scores (the second iteration) both propose the optimum
    assert second["bayes"] < 0.1 < 0.5 * second["random"]
    assert second["multifidelity"] < 0.1


@pytest.mark.slow
def test_multifidelity_sampler_on_a_mixed_space_and_samples_resource():
    X, y = load_iris(return_X_y=True)
    search = HyperbandSearchCV(
        LogisticRegression(max_iter=200),
        [{"C": loguniform(1e-3, 1e3), "fit_intercept": [True, False]},
         {"C": [1.0], "class_weight": ["balanced"]}],
        resource="n_samples", min_resources=10, sampler="multifidelity",
        hyperband_iterations=2, random_state=0,
    ).fit(X, y)
    res = search.cv_results_
    assert len(np.unique(res["config_id"])) == search.metadata_["n_configurations"]
    assert search.best_score_ > 0.9


class FailsBelow(ConstantClassifier):
    """Fails to fit when c < 0.5; else scores -(c - 0.6)^2."""

    def __init__(self, c=0.0, max_iter=27):
        self.c = c
        self.max_iter = max_iter

    def fit(self, X, y):
        if self.c < 0.5:
            raise ValueError("diverged")
        return super().fit(X, y)

    def score(self, X, y, sample_weight=None):
        return -((self.c - 0.6) ** 2)


@pytest.mark.slow
@pytest.mark.parametrize("sampler", ["bayes", "multifidelity"])
def test_model_based_samplers_learn_from_failed_fits_as_the_worst(sampler):
    # error_score=nan reaches the model as the worst score seen: the model
    # moves away from where fits fail instead of being poisoned by NaN.
    X, y = make_classification(n_samples=40, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = HyperbandSearchCV(
            FailsBelow(), {"c": Real(0, 1)}, resource="max_iter", max_resources=27,
            sampler=sampler, cv=2, hyperband_iterations=2, random_state=0,
            refit=False,
        ).fit(X, y).cv_results_
    c = np.array([p["c"] for p in res["params"]])
    late = (res["iter"] == 0) & (res["hyperband_iteration"] == 1)
    # a third of the bracket is random (half of it fails); the model's two
    # thirds are near 0.6
    assert np.mean(c[late] < 0.5) < 0.3
    assert np.isfinite(res["mean_test_score"][c >= 0.5]).all()


# -- BOHB's models see what the sequential loop would ---------------------------
class Bowl2D(ConstantClassifier):
    """Scores -(c - 0.3)^2 - (d - 0.6)^2 whatever the resource."""

    def __init__(self, c=0.0, d=0.0, max_iter=81):
        self.c = c
        self.d = d
        self.max_iter = max_iter

    def score(self, X, y, sample_weight=None):
        return -((self.c - 0.3) ** 2) - (self.d - 0.6) ** 2


def _sequential_bohb_levels(res, n_params):
    """For each bracket, in order, ``(level, n)``: the largest resource with
    more than ``n_params + 1`` finite scores among the rows of the brackets
    before it (every rung of every earlier bracket: BOHB's sequential order,
    Falkner et al. 2018, Alg. 2), and how many scores it has; (None, 0)
    without one."""
    brackets = sorted(
        set(zip(res["hyperband_iteration"], -res["bracket"]))
    )  # (iteration, -s): Hyperband's order, most exploratory first
    out = []
    for iteration, minus_s in brackets:
        before = (res["hyperband_iteration"] < iteration) | (
            (res["hyperband_iteration"] == iteration) & (-res["bracket"] < minus_s)
        )
        scores, levels = res["mean_test_score"][before], res["n_resources"][before]
        enough = [
            r for r in np.unique(levels)
            if np.isfinite(scores[levels == r]).sum() > n_params + 1
        ]
        level = max(enough) if enough else None
        out.append((level, int((levels == level).sum()) if enough else 0))
    return out


@pytest.mark.slow
@pytest.mark.parametrize("max_resources, space, iterations, estimator", [
    (27, {"c": Real(0, 1)}, 2, Bowl()),
    (81, {"c": Real(0, 1), "d": Real(0, 1)}, 1, Bowl2D()),
    (27, {"c": Real(0, 1)}, 1, FailsBelow()),
], ids=["R27-1d-two-iterations", "R81-2d", "R27-failures"])
def test_bohb_models_see_what_sequential_bohb_would(
    max_resources, space, iterations, estimator
):
    # Each bracket's model is fitted at the level, and on the very scores,
    # that BOHB's sequential loop would give it, even though brackets run
    # together in waves (they used to see only the rungs of earlier waves).
    seen = []

    class Spy(HyperbandSearchCV):
        def _propose_bohb(self, n_model, n_params):
            levels = {}
            for _, r, score in self._observed:
                levels.setdefault(r, []).append(score)
            enough = [
                r for r, v in levels.items() if np.isfinite(v).sum() > n_params + 1
            ]
            level = max(enough) if enough else None
            seen.append((level, len(levels[level]) if enough else 0))
            return super()._propose_bohb(n_model, n_params)

    X, y = make_classification(n_samples=40, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search = Spy(
            estimator, space, resource="max_iter", max_resources=max_resources,
            sampler="bayes", hyperband_iterations=iterations, cv=2, random_state=0,
            error_score=-1.0, refit=False,
        ).fit(X, y)
    expected = _sequential_bohb_levels(search.cv_results_, len(space))
    assert seen == expected
    # the last bracket's model sees full budgets
    assert expected[-1][0] == max_resources
    # the schedule is Hyperband's all the same
    res = search.cv_results_
    assert len(res["params"]) == search.metadata_["n_evaluations"]
