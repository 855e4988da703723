import pickle
import warnings

import numpy as np
import pytest
from scipy.stats import loguniform
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.datasets import load_iris, make_classification, make_regression
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import (
    GridSearchCV,
    GroupKFold,
    KFold,
    StratifiedKFold,
    cross_val_score,
)
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from skhyper import BayesSearchCV, Categorical, Integer, Real

from ._estimators import CallbackRecorder, FailingClassifier, QuadraticScore


@pytest.fixture(scope="module")
def iris():
    return load_iris(return_X_y=True)


def _quadratic_search(**params):
    X = np.zeros((20, 1))
    search = BayesSearchCV(
        QuadraticScore(),
        {"x": Real(0.0, 1.0), "y": Real(0.0, 1.0)},
        cv=2,
        random_state=0,
        **{"n_iter": 12, **params},
    )
    return search, X


@pytest.mark.slow
def test_search_finds_quadratic_optimum():
    search, X = _quadratic_search(n_iter=20)
    search.fit(X)
    assert search.best_params_["x"] == pytest.approx(0.3, abs=0.05)
    assert search.best_params_["y"] == pytest.approx(0.7, abs=0.05)
    assert search.best_score_ == np.max(search.cv_results_["mean_test_score"])
    assert len(search.cv_results_["params"]) == 20


def test_more_results_columns_and_optimizer(iris):
    search, X = _quadratic_search(n_iter=9, n_points=2, n_initial_points=4)
    search.fit(X)
    res = search.cv_results_
    # batches of 2: 9 settings in 5 batches (the last one has one setting)
    np.testing.assert_array_equal(res["iter"], [0, 0, 1, 1, 2, 2, 3, 3, 4])
    acquisition = res["acquisition"]
    assert np.isnan(acquisition[:4]).all()  # initial design
    assert np.isfinite(acquisition[4:]).all()  # proposed by the model
    assert len(search.optimizer_.observed_scores) == 9
    np.testing.assert_allclose(
        search.optimizer_.observed_scores, res["mean_test_score"]
    )
    assert search.optimizer_.gp_ is not None


def test_the_auto_design_holds_two_batches_of_n_points():
    search, X = _quadratic_search(n_iter=14, n_points=3)
    search.fit(X)
    # two parameters: 5 would do one at a time; two batches of 3 are 6
    assert search.optimizer_.n_initial_points_ == 6
    acquisition = search.cv_results_["acquisition"]
    assert np.isnan(acquisition[:6]).all() and np.isfinite(acquisition[6:]).all()


def test_pipeline_parameter_names(iris):
    X, y = iris
    pipe = Pipeline([("scale", StandardScaler()), ("svc", SVC())])
    search = BayesSearchCV(
        pipe,
        {"svc__C": Real(1e-2, 1e2, prior="log-uniform"), "svc__kernel": ["rbf", "linear"]},
        n_iter=6,
        cv=3,
        random_state=0,
    ).fit(X, y)
    assert set(search.best_params_) == {"svc__C", "svc__kernel"}
    assert search.best_estimator_.named_steps["svc"].C == search.best_params_["svc__C"]
    assert "param_svc__C" in search.cv_results_


@pytest.mark.slow
def test_nested_cross_validation(iris):
    X, y = iris
    search = BayesSearchCV(
        LogisticRegression(max_iter=500),
        {"C": loguniform(1e-2, 1e2)},
        n_iter=5,
        cv=3,
        random_state=0,
    )
    scores = cross_val_score(search, X, y, cv=3)
    assert scores.shape == (3,)
    assert np.all(scores > 0.8)


@pytest.mark.slow
def test_multimetric_with_string_refit(iris):
    X, y = iris
    search = BayesSearchCV(
        LogisticRegression(max_iter=1000),
        {"C": Real(1e-3, 1e2, prior="log-uniform")},
        scoring=["accuracy", "neg_log_loss"],
        refit="neg_log_loss",
        n_iter=6,
        cv=3,
        random_state=0,
    )
    search.fit(X, y)
    res = search.cv_results_
    assert search.multimetric_
    assert search.best_index_ == np.argmax(res["mean_test_neg_log_loss"])
    assert search.best_score_ == res["mean_test_neg_log_loss"][search.best_index_]
    # The optimizer was told the refit metric, not accuracy.
    np.testing.assert_allclose(
        search.optimizer_.observed_scores, res["mean_test_neg_log_loss"]
    )


def test_multimetric_callable_refit_optimizes_the_first_scorer_or_search_metric(iris):
    X, y = iris

    def lowest_c(results):
        return int(np.argmin([p["C"] for p in results["params"]]))

    params = dict(
        scoring={"acc": "accuracy", "bacc": "balanced_accuracy"},
        refit=lowest_c,
        n_iter=5,
        cv=3,
        random_state=0,
    )
    search = BayesSearchCV(SVC(), {"C": Real(1e-2, 1e2, prior="log-uniform")}, **params)
    search.fit(X, y)  # the first scorer named, as RandomizedSearchCV accepts it
    np.testing.assert_allclose(
        search.optimizer_.observed_scores, search.cv_results_["mean_test_acc"]
    )
    search.set_params(search_metric="bacc").fit(X, y)
    assert search.best_index_ == lowest_c(search.cv_results_)
    assert not hasattr(search, "best_score_")
    np.testing.assert_allclose(
        search.optimizer_.observed_scores, search.cv_results_["mean_test_bacc"]
    )


def test_search_metric_must_be_a_scorer_name(iris):
    X, y = iris
    search = BayesSearchCV(
        SVC(),
        {"C": Real(1e-2, 1e2)},
        scoring=["accuracy", "f1_macro"],
        refit="accuracy",
        search_metric="recall",
    )
    with pytest.raises(ValueError, match="search_metric='recall'"):
        search.fit(X, y)


class GroupSplitChecker(ClassifierMixin, BaseEstimator):
    """Scores 1 when its training fold shares no group with the test fold.

    The groups travel as a feature column, so the check does not depend on
    the search passing them anywhere but to the splitter.
    """

    def __init__(self, c=1.0):
        self.c = c

    def fit(self, X, y):
        self.train_groups_ = set(X[:, 0])
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])

    def score(self, X, y, sample_weight=None):
        return float(not (set(X[:, 0]) & self.train_groups_))


def test_groups_reach_the_splitter():
    rng = np.random.RandomState(0)
    groups = np.repeat(np.arange(6), 5)
    X = np.column_stack([groups, rng.normal(size=30)])
    y = rng.randint(2, size=30)
    search = BayesSearchCV(
        GroupSplitChecker(), {"c": Real(0, 1)}, n_iter=3, cv=GroupKFold(3), random_state=0
    )
    search.fit(X, y, groups=groups)
    np.testing.assert_array_equal(search.cv_results_["mean_test_score"], 1.0)
    with pytest.raises(ValueError, match="groups"):
        search.fit(X, y)


class WeightSum(ClassifierMixin, BaseEstimator):
    """Scores the mean sample weight it was fitted with."""

    def __init__(self, c=1.0):
        self.c = c

    def fit(self, X, y, sample_weight=None):
        self.classes_ = np.unique(y)
        self.mean_weight_ = 1.0 if sample_weight is None else np.mean(sample_weight)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])

    def score(self, X, y, sample_weight=None):
        return self.mean_weight_


def test_sample_weight_reaches_fit():
    X = np.arange(40, dtype=float).reshape(-1, 1)
    y = np.tile([0, 1], 20)
    weight = np.where(X.ravel() < 20, 1.0, 3.0)
    search = BayesSearchCV(
        WeightSum(), {"c": Real(0, 1)}, n_iter=3, cv=KFold(2), random_state=0
    )
    search.fit(X, y, sample_weight=weight)
    # KFold(2) trains on the second half (weight 3), then on the first (weight 1).
    np.testing.assert_array_equal(search.cv_results_["split0_test_score"], 3.0)
    np.testing.assert_array_equal(search.cv_results_["split1_test_score"], 1.0)
    assert search.best_estimator_.mean_weight_ == pytest.approx(weight.mean())


def test_sample_weight_with_metadata_routing():
    from sklearn import config_context

    X = np.arange(40, dtype=float).reshape(-1, 1)
    y = np.tile([0, 1], 20)
    weight = np.where(X.ravel() < 20, 1.0, 3.0)
    with config_context(enable_metadata_routing=True):
        est = WeightSum().set_fit_request(sample_weight=True).set_score_request(
            sample_weight=False
        )
        search = BayesSearchCV(est, {"c": Real(0, 1)}, n_iter=3, cv=KFold(2), random_state=0)
        search.fit(X, y, sample_weight=weight)
    np.testing.assert_array_equal(search.cv_results_["split0_test_score"], 3.0)


def _failing_search(fail_above=0.5, **params):
    """A search over FailingClassifier, whose fit fails for parameter > fail_above."""
    X, y = make_classification(n_samples=40, random_state=0)
    search = BayesSearchCV(
        FailingClassifier(fail_above=fail_above),
        {"parameter": Real(0.0, 1.0)},
        cv=2,
        random_state=0,
        **params,
    )
    return search, X, y


def _fit_quietly(search, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return search.fit(X, y)


class FailsAbove(RegressorMixin, BaseEstimator):
    """Ignores the data; scores -(x - 0.3)^2 - 0.1 (below zero); fit fails for x > 0.6."""

    def __init__(self, x=0.0):
        self.x = x

    def fit(self, X, y=None):
        if self.x > 0.6:
            raise ValueError("diverged")
        self.n_features_in_ = np.asarray(X).shape[1]
        return self

    def predict(self, X):
        return np.zeros(len(X))

    def score(self, X, y=None, sample_weight=None):
        return -((self.x - 0.3) ** 2) - 0.1


@pytest.mark.slow
@pytest.mark.parametrize("error_score", [0.0, -0.05, 1.0])
def test_error_score_numeric_is_told_as_the_worst_score(error_score):
    # Scores are below zero: error_score=0 told as a score would be the best,
    # and the model would steer into the failing region x > 0.6.
    X = np.zeros((30, 1))
    searches = {
        value: BayesSearchCV(
            FailsAbove(), {"x": Real(0.0, 1.0)}, n_iter=14, n_initial_points=5,
            cv=3, random_state=0, error_score=value, refit=False,
        )
        for value in (error_score, np.nan)
    }
    for search in searches.values():
        _fit_quietly(search, X, None)
    search = searches[error_score]
    xs = np.array([p["x"] for p in search.cv_results_["params"]])
    failed = xs > 0.6
    assert failed.any() and (~failed).any()
    # cv_results_ shows error_score; the model was told a failure (NaN, the worst)
    np.testing.assert_allclose(search.cv_results_["mean_test_score"][failed], error_score)
    assert np.isnan(search.optimizer_.observed_scores[failed]).all()
    assert np.all(search.optimizer_.observed_scores[~failed] < 0)
    assert np.isfinite(search.optimizer_.gp_.y_train_).all()
    # so error_score changes nothing the search does: the same settings as with NaN
    np.testing.assert_array_equal(
        xs, [p["x"] for p in searches[np.nan].cv_results_["params"]]
    )
    # and the model stays out of the failing region after the initial design
    assert failed[5:].sum() <= 1
    assert search.optimizer_.best_params["x"] == pytest.approx(0.3, abs=0.05)


def test_best_row_is_chosen_by_gridsearchcvs_rule_even_when_error_score_wins():
    # BayesSearchCV is a drop-in GridSearchCV: its selection rule is
    # GridSearchCV's, which ranks a failed row by error_score.
    X = np.zeros((30, 1))
    search = _fit_quietly(BayesSearchCV(
        FailsAbove(), {"x": Real(0.0, 1.0)}, n_iter=8, n_initial_points=5,
        cv=3, random_state=0, error_score=0.0, refit=False,
    ), X, None)
    grid = _fit_quietly(GridSearchCV(
        FailsAbove(), [{"x": [p["x"]]} for p in search.cv_results_["params"]],
        cv=3, error_score=0.0, refit=False,
    ), X, None)
    assert search.best_index_ == grid.best_index_
    assert search.cv_results_["mean_test_score"][search.best_index_] == 0.0
    np.testing.assert_array_equal(
        search.cv_results_["rank_test_score"], grid.cv_results_["rank_test_score"]
    )


class FragileRidge(Ridge):
    """Ridge whose fit fails for a small ``alpha`` (as an ill-conditioned solve may)."""

    def fit(self, X, y, sample_weight=None):
        if self.alpha < 1e-2:
            raise np.linalg.LinAlgError("ill-conditioned on purpose")
        return super().fit(X, y, sample_weight=sample_weight)


class FragileLogistic(LogisticRegression):
    """LogisticRegression whose fit fails for a large ``C``."""

    def fit(self, X, y, sample_weight=None):
        if self.C > 10.0:
            raise FloatingPointError("diverged on purpose")
        return super().fit(X, y, sample_weight=sample_weight)


@pytest.mark.slow
@pytest.mark.parametrize(
    "estimator, space, scoring",
    [
        (FragileRidge(), {"alpha": Real(1e-4, 1e2, prior="log-uniform")},
         "neg_mean_squared_error"),
        (FragileRidge(), {"alpha": Real(1e-4, 1e2, prior="log-uniform")}, "r2"),
        (FragileLogistic(), {"C": Real(1e-3, 1e3, prior="log-uniform")}, "neg_log_loss"),
    ],
    ids=["neg_mean_squared_error", "r2", "neg_log_loss"],
)
def test_a_numeric_error_score_does_not_change_the_search(estimator, space, scoring):
    if isinstance(estimator, LogisticRegression):
        X, y = make_classification(n_samples=60, n_features=4, random_state=1)
    else:
        X, y = make_regression(n_samples=60, n_features=4, noise=30.0, random_state=1)
    params = {}
    for error_score in (0.0, np.nan):
        search = _fit_quietly(BayesSearchCV(
            estimator, space, scoring=scoring, n_iter=10, n_initial_points=4,
            cv=3, random_state=2, error_score=error_score, refit=False,
        ), X, y)
        params[error_score] = search.cv_results_["params"]
        scores = search.optimizer_.observed_scores
        assert np.isnan(scores).any() and np.isfinite(scores).any()
    assert params[0.0] == params[np.nan]


def test_wholly_failed_batch_is_kept_in_cv_results():
    search, X, y = _failing_search(n_iter=8, error_score=-1.0)
    _fit_quietly(search, X, y)
    told = [p["parameter"] for p in search.optimizer_.observed_params]
    params = [p["parameter"] for p in search.cv_results_["params"]]
    # n_points=1: every failing setting is a wholly failed batch of its own,
    # and every one is a row, the last batch's too
    assert any(p > 0.5 for p in told)
    assert told == params


def test_search_raises_when_every_fit_fails():
    search, X, y = _failing_search(fail_above=-1.0, n_iter=3, error_score=-1.0)
    with pytest.raises(ValueError, match="fits failed"):
        _fit_quietly(search, X, y)


def test_error_score_nan_is_told_as_worst():
    search, X, y = _failing_search(n_iter=10)
    _fit_quietly(search, X, y)
    scores = search.cv_results_["mean_test_score"]
    assert np.isnan(scores).any()
    assert np.isfinite(search.best_score_)
    assert np.isfinite(search.optimizer_.gp_.y_train_).all()


def test_error_score_raise():
    X, y = make_classification(n_samples=40, random_state=0)
    search = BayesSearchCV(
        FailingClassifier(fail_above=0.5),
        {"parameter": [0.2, 0.9]},
        n_iter=5,
        cv=2,
        error_score="raise",
    )
    with pytest.warns(UserWarning, match="only 2 points"):
        with pytest.raises(ValueError, match="failing on purpose"):
            search.fit(X, y)
    # and in the model-based loop, at the first failing setting
    search, X, y = _failing_search(n_iter=10, error_score="raise")
    with pytest.raises(ValueError, match="failing on purpose"):
        search.fit(X, y)


def test_pickle_fitted_search(iris):
    X, y = iris
    search = BayesSearchCV(
        SVC(), {"C": Real(1e-2, 1e2, prior="log-uniform")}, n_iter=6, random_state=0
    ).fit(X, y)
    clone = pickle.loads(pickle.dumps(search))
    np.testing.assert_array_equal(clone.predict(X), search.predict(X))
    assert clone.best_params_ == search.best_params_
    assert len(clone.optimizer_.observed_params) == 6


def _results_without_times(search):
    return {
        k: v
        for k, v in search.cv_results_.items()
        if not k.endswith(("_time",)) and k != "params"
    }


@pytest.mark.slow
@pytest.mark.parametrize("n_points", [1, 3])
def test_same_seed_same_results_for_any_n_jobs(iris, n_points):
    X, y = iris
    space = {
        "C": Real(1e-2, 1e2, prior="log-uniform"),
        "kernel": Categorical(["rbf", "poly"]),
        "degree": Integer(2, 4),
    }
    runs = [
        BayesSearchCV(
            SVC(), space, n_iter=9, n_points=n_points, cv=3, n_jobs=n_jobs, random_state=7
        ).fit(X, y)
        for n_jobs in (1, 2)
    ]
    a, b = (_results_without_times(r) for r in runs)
    assert a.keys() == b.keys()
    for key in a:
        np.testing.assert_array_equal(np.asarray(a[key]), np.asarray(b[key]), err_msg=key)
    assert runs[0].cv_results_["params"] == runs[1].cv_results_["params"]


def test_fit_twice_starts_afresh():
    search, X = _quadratic_search(n_iter=7)
    first = search.fit(X).cv_results_["params"]
    second = search.fit(X).cv_results_["params"]
    assert len(second) == 7
    assert first == second


def test_never_evaluates_a_setting_twice():
    X = np.zeros((20, 1))
    space = {"x": Categorical([0.0, 0.25, 0.5, 0.75, 1.0]), "y": Integer(0, 3)}
    search = BayesSearchCV(QuadraticScore(), space, n_iter=15, cv=2, random_state=0)
    search.fit(X)
    seen = [(p["x"], p["y"]) for p in search.cv_results_["params"]]
    assert len(seen) == 15
    assert len(set(seen)) == 15


def test_small_finite_space_is_evaluated_once_each():
    X = np.zeros((20, 1))
    space = {"x": [0.0, 0.5, 1.0], "y": Integer(0, 1)}
    search = BayesSearchCV(QuadraticScore(), space, n_iter=10, cv=2, random_state=0)
    with pytest.warns(UserWarning, match="only 6 points"):
        search.fit(X)
    seen = {(p["x"], p["y"]) for p in search.cv_results_["params"]}
    assert seen == {(x, y) for x in (0.0, 0.5, 1.0) for y in (0, 1)}


def test_union_of_subspaces(iris):
    X, y = iris
    space = [
        {"kernel": ["linear"], "C": Real(1e-2, 1e2, prior="log-uniform")},
        {"kernel": ["rbf"], "C": Real(1e-2, 1e2, prior="log-uniform"),
         "gamma": loguniform(1e-3, 1e1)},
    ]
    search = BayesSearchCV(SVC(), space, n_iter=10, cv=3, random_state=0).fit(X, y)
    kernels = [p["kernel"] for p in search.cv_results_["params"]]
    assert set(kernels) == {"linear", "rbf"}
    for p in search.cv_results_["params"]:
        assert ("gamma" in p) == (p["kernel"] == "rbf")


class FoldFingerprint(QuadraticScore):
    """Scores the sum of the test fold's first feature: equal scores, equal folds."""

    def score(self, X, y=None, sample_weight=None):
        return float(np.sum(X[:, 0]))


def test_shuffling_splitter_folds_are_drawn_once():
    X = np.arange(30, dtype=float).reshape(-1, 1) ** 2
    search = BayesSearchCV(
        FoldFingerprint(),
        {"x": Real(0, 1)},
        n_iter=6,
        cv=KFold(3, shuffle=True),
        random_state=0,
    ).fit(X)
    for split in range(3):
        column = search.cv_results_[f"split{split}_test_score"]
        assert np.unique(column).size == 1


def test_refit_false_keeps_best_params_without_estimator(iris):
    X, y = iris
    search = BayesSearchCV(
        SVC(), {"C": Real(1e-2, 1e2)}, n_iter=4, refit=False, cv=StratifiedKFold(3)
    ).fit(X, y)
    assert not hasattr(search, "best_estimator_")
    assert hasattr(search, "best_params_")


class ForbiddenFit(QuadraticScore):
    def fit(self, X, y=None):
        raise AssertionError("fit must not be called")


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"search_spaces": []}, ValueError, "an empty list has no settings"),
        ({"search_spaces": {"x": []}}, ValueError, "'x'.*empty"),
        ({"search_spaces": {"x": Real(1, 0)}}, ValueError, "'x'.*low < high"),
        ({"search_spaces": {"x": Real(0, 1, prior="log-uniform")}}, ValueError,
         "'x'.*low > 0"),
        ({"search_spaces": {"x": Integer(3, 3)}}, ValueError, "'x'.*low < high"),
        ({"search_spaces": {"x": 5}}, TypeError, "'x'.*got int 5"),
        ({"search_spaces": {"x": "abc"}}, TypeError, "'x'.*string"),
        ({"search_spaces": [Real(0, 1, name="x"), Real(0, 2, name="x")]},
         ValueError, "'x' is used twice"),
        ({"search_spaces": {"x": Real(0, 1, name="y")}}, ValueError, "'x'.*named 'y'"),
        ({"search_spaces": {"x": Real(0, 1, prior="log")}}, ValueError, "'x'.*prior"),
        ({"n_iter": 0}, ValueError, "n_iter"),
        ({"n_points": 0}, ValueError, "n_points"),
        ({"acq_func": "foo"}, ValueError, "acq_func"),
        ({"n_initial_points": "many"}, ValueError, "n_initial_points"),
        ({"batch_strategy": "guess"}, ValueError, "batch_strategy"),
        ({"xi": -1.0}, ValueError, "xi"),
        ({"search_spaces": 3}, ValueError, "search_spaces"),
        ({"search_metric": "r2"}, ValueError, "search_metric='r2'"),
    ],
)
def test_bad_input_raises_before_any_fit(params, error, match):
    X, y = make_regression(n_samples=20, n_features=2, random_state=0)
    params = {"search_spaces": {"x": Real(0, 1)}, "n_iter": 3, **params}
    search = BayesSearchCV(ForbiddenFit(), cv=2, **params)
    with pytest.raises(error, match=match):
        search.fit(X, y)


def test_callbacks_see_every_fit_task_on_sklearn_1_9(iris):
    pytest.importorskip("sklearn.callback")
    X, y = iris
    search = BayesSearchCV(SVC(), {"C": Real(1e-2, 1e2)}, n_iter=3, n_points=2, cv=2,
                           random_state=0)
    recorder = CallbackRecorder()
    search.set_callbacks(recorder)
    search.fit(X, y)
    # 3 settings x 2 folds evaluated, in batches of 2 and 1, then the refit.
    assert recorder.names.count("candidate-split-evaluation") == 6
    assert recorder.names.count("batch") == 2
    assert recorder.names.count("refit-with-best-params") == 1


@pytest.mark.parametrize(
    "scoring, first",
    [
        (["neg_max_error", "r2"], "neg_max_error"),
        ({"r2": "r2", "mae": "neg_mean_absolute_error"}, "r2"),
        (lambda est, X, y: {"half": 0.5 * est.score(X, y), "r2": est.score(X, y)}, "half"),
    ],
)
def test_multimetric_refit_false_optimizes_the_first_scorer_named(scoring, first):
    X, y = make_regression(n_samples=60, n_features=3, noise=1.0, random_state=0)
    search = BayesSearchCV(
        Ridge(), {"alpha": Real(1e-3, 1e3, prior="log-uniform")}, n_iter=5,
        n_initial_points=3, scoring=scoring, refit=False, cv=3, random_state=0,
    ).fit(X, y)
    np.testing.assert_allclose(
        search.optimizer_.observed_scores, search.cv_results_[f"mean_test_{first}"]
    )
    assert not hasattr(search, "best_estimator_")


@pytest.mark.slow
def test_more_workers_than_a_batch_can_use_is_warned_about_once(iris):
    X, y = iris
    space = {"C": Real(1e-2, 1e2, prior="log-uniform")}
    kwargs = dict(n_iter=4, n_initial_points=2, cv=3, random_state=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        BayesSearchCV(SVC(), space, n_jobs=4, **kwargs).fit(X, y)
    idle = [w for w in caught if "workers" in str(w.message)]
    assert len(idle) == 1
    assert "n_points=1 settings on 3 folds runs only 3 fits" in str(idle[0].message)
    assert "raise n_points to 2" in str(idle[0].message)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        BayesSearchCV(SVC(), space, n_jobs=4, n_points=2, **kwargs).fit(X, y)
    assert not [w for w in caught if "workers" in str(w.message)]
