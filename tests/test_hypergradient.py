"""HypergradientSearchCV: the search around the hypergradients of
``skhyper._hypergradient`` (whose formulas ``test_hypergradient_formulas.py`` checks)."""

import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_diabetes, load_digits, make_regression
from sklearn.ensemble import RandomForestRegressor
from sklearn.exceptions import FitFailedWarning
from sklearn.kernel_ridge import KernelRidge
from sklearn.linear_model import ElasticNet, LogisticRegression, Ridge
from sklearn.metrics import log_loss, mean_squared_error
from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from scipy.optimize import minimize_scalar
from scipy.stats import loguniform, poisson

from skhyper import Categorical, HypergradientSearchCV, Integer, Real

ALPHA = Real(1e-6, 1e3, prior="log-uniform")


def _diabetes():
    return load_diabetes(return_X_y=True)


def _grid_best(estimator, key, low, high, X, y, cv, scoring):
    grid = GridSearchCV(
        estimator, {key: np.geomspace(low, high, 100)}, cv=cv, scoring=scoring, n_jobs=2
    ).fit(X, y)
    return -grid.cv_results_["mean_test_score"].max()


def _results_without_times(results):
    return {k: v for k, v in results.items() if "time" not in k}


# -- the optimum tests ------------------------------------------------------
@pytest.mark.slow
def test_ridge_on_diabetes_reaches_the_dense_grid_optimum_in_15_rows():
    X, y = _diabetes()
    cv = KFold(5, shuffle=True, random_state=0)
    search = HypergradientSearchCV(
        Ridge(), {"alpha": ALPHA}, max_iter=15, cv=cv,
        scoring="neg_mean_squared_error",
    ).fit(X, y)
    best_grid = _grid_best(Ridge(), "alpha", 1e-6, 1e3, X, y, cv, "neg_mean_squared_error")
    results = search.cv_results_
    assert len(results["params"]) <= 15
    # the differentiated loss is the fold-mean MSE the scorer reports
    np.testing.assert_allclose(results["hyper_loss"], -results["mean_test_score"], rtol=1e-10)
    assert results["hyper_loss"].min() <= best_grid * (1 + 1e-3)
    assert -search.best_score_ <= best_grid * (1 + 1e-3)


@pytest.mark.slow
def test_scaled_multinomial_logistic_on_digits_reaches_the_cv_optimum_in_15_rows():
    X, y = load_digits(return_X_y=True)
    cv = StratifiedKFold(3)
    pipe = make_pipeline(StandardScaler(), LogisticRegression(tol=1e-8, max_iter=2000))
    space = {"logisticregression__C": Real(1e-4, 1e2, prior="log-uniform")}
    search = HypergradientSearchCV(pipe, space, max_iter=15, cv=cv, scoring="neg_log_loss")
    search.fit(X, y)
    results = search.cv_results_
    assert len(results["params"]) <= 15
    np.testing.assert_allclose(results["hyper_loss"], -results["mean_test_score"], rtol=1e-8)
    # the reference: the CV log-loss minimised over log(C) by bounded Brent,
    # which finds a lower loss than a 100-point grid (0.229936 against
    # 0.229963) in 8 cross-validations instead of 100 (the grid took 17 s)
    def cv_loss(log_c):
        pipe.set_params(logisticregression__C=np.exp(log_c))
        return -cross_val_score(pipe, X, y, cv=cv, scoring="neg_log_loss").mean()

    best = minimize_scalar(cv_loss, bounds=(np.log(1e-4), np.log(1e2)), method="bounded",
                           options={"xatol": 1e-2}).fun
    assert results["hyper_loss"].min() <= best * (1 + 1e-3)


# -- results ----------------------------------------------------------------------
def test_every_evaluation_is_one_row_with_the_users_scoring_and_the_descent_columns():
    X, y = _diabetes()
    search = HypergradientSearchCV(
        Ridge(), {"alpha": ALPHA}, max_iter=6, tol=0, cv=3,
        scoring=["r2", "neg_mean_absolute_error"], refit="r2",
    ).fit(X, y)
    results = search.cv_results_
    n = len(results["params"])
    assert n == 6  # tol=0: the descent uses every row it is given
    for column in ("iter", "hyper_loss", "hypergrad_norm", "split2_test_r2",
                   "mean_test_neg_mean_absolute_error", "rank_test_r2"):
        assert len(results[column]) == n
    # no setting is fitted twice
    alphas = [p["alpha"] for p in results["params"]]
    assert len(set(alphas)) == n
    # the initial design: the centres of three equal slices of log(alpha)'s
    # range (iter 0), then iterations that never go back
    assert list(results["iter"][:3]) == [0, 0, 0] and np.all(results["iter"][3:] >= 1)
    assert np.all(np.diff(results["iter"]) >= 0)
    centres = np.exp(np.log(1e-6) + np.array([1, 3, 5]) / 6 * np.log(1e3 / 1e-6))
    np.testing.assert_allclose(sorted(alphas[:3]), centres)
    # the loss of a row is the folds' MSE at that alpha, recomputed here
    folds = list(KFold(3).split(X))
    mse = np.mean([
        mean_squared_error(y[te], Ridge(alpha=alphas[2]).fit(X[tr], y[tr]).predict(X[te]))
        for tr, te in folds
    ])
    assert results["hyper_loss"][2] == pytest.approx(mse, rel=1e-10)
    assert search.best_index_ == int(np.argmax(results["mean_test_r2"]))
    assert search.best_estimator_.alpha == results["params"][search.best_index_]["alpha"]


@pytest.mark.slow
def test_in_a_pipeline_the_earlier_steps_are_fitted_once_per_fold():
    X, y = load_digits(n_class=3, return_X_y=True)
    pipe = Pipeline([("scale", StandardScaler()), ("clf", LogisticRegression(tol=1e-10))])
    search = HypergradientSearchCV(
        pipe, {"clf__C": Real(1e-3, 1e2, prior="log-uniform")}, max_iter=4, tol=0,
        cv=StratifiedKFold(3),
    ).fit(X, y)
    results = search.cv_results_
    C = results["params"][1]["clf__C"]
    losses = []
    for tr, te in StratifiedKFold(3).split(X, y):
        model = pipe.set_params(clf__C=C).fit(X[tr], y[tr])
        losses.append(log_loss(y[te], model.predict_proba(X[te]), labels=model.classes_))
    assert results["hyper_loss"][1] == pytest.approx(np.mean(losses), rel=1e-6)
    assert "accuracy" not in results and "mean_test_score" in results


def test_non_continuous_parameters_run_an_outer_loop_sharing_max_iter():
    X, y = _diabetes()
    search = HypergradientSearchCV(
        Ridge(), {"alpha": ALPHA, "fit_intercept": [True, False]}, max_iter=7, tol=0, cv=3,
    ).fit(X, y)
    intercepts = [p["fit_intercept"] for p in search.cv_results_["params"]]
    assert intercepts == [True] * 4 + [False] * 3
    # without an intercept diabetes' R^2 is far worse: the best row has one
    assert search.best_params_["fit_intercept"] is True


def test_a_union_of_subspaces_is_one_descent_each():
    X, y = _diabetes()
    space = [{"alpha": ALPHA}, {"alpha": Real(1.0, 10.0, prior="log-uniform"),
                                "fit_intercept": Categorical([False])}]
    search = HypergradientSearchCV(Ridge(), space, max_iter=6, tol=0, cv=3).fit(X, y)
    rows = search.cv_results_["params"]
    assert [("fit_intercept" in p) for p in rows] == [False] * 3 + [True] * 3
    assert all(1.0 <= p["alpha"] <= 10.0 for p in rows[3:])


def test_a_bounded_scipy_distribution_is_a_range():
    X, y = _diabetes()
    search = HypergradientSearchCV(
        Ridge(), {"alpha": loguniform(1e-4, 1e2)}, max_iter=5, n_initial_points=1, cv=3
    ).fit(X, y)
    assert search.cv_results_["params"][0]["alpha"] == pytest.approx(1e-1)


def test_elastic_net_and_kernel_ridge_descend_both_parameters():
    X, y = make_regression(80, 10, noise=5.0, random_state=0)
    en = HypergradientSearchCV(
        ElasticNet(tol=1e-10, max_iter=100000),
        {"alpha": Real(1e-3, 10.0, prior="log-uniform"), "l1_ratio": Real(0.05, 0.95)},
        max_iter=8, cv=3,
    ).fit(X, y)
    assert en.cv_results_["hyper_loss"].min() < en.cv_results_["hyper_loss"][0]
    kr = HypergradientSearchCV(
        KernelRidge(kernel="rbf", gamma=0.1),
        {"alpha": Real(1e-4, 1.0, prior="log-uniform"),
         "gamma": Real(1e-3, 1.0, prior="log-uniform")},
        max_iter=8, cv=3,
    ).fit(X, y)
    assert kr.cv_results_["hyper_loss"].min() < kr.cv_results_["hyper_loss"][0]
    assert np.all(np.isfinite(kr.cv_results_["hypergrad_norm"]))


@pytest.mark.slow
def test_the_same_results_for_n_jobs_1_and_2():
    # The same rows, the same settings, the same scores up to the order of
    # BLAS's sums: joblib's workers run BLAS on one thread each, the main
    # process on two (GridSearchCV's results differ the same way).
    X, y = load_digits(n_class=4, return_X_y=True)
    kwargs = dict(max_iter=5, cv=3, scoring="accuracy", random_state=0)
    space = {"logisticregression__C": Real(1e-3, 1e1, prior="log-uniform")}
    pipe = make_pipeline(StandardScaler(), LogisticRegression(tol=1e-8))
    one = HypergradientSearchCV(pipe, space, n_jobs=1, **kwargs).fit(X, y)
    two = HypergradientSearchCV(pipe, space, n_jobs=2, **kwargs).fit(X, y)
    a, b = _results_without_times(one.cv_results_), _results_without_times(two.cv_results_)
    assert a.keys() == b.keys()
    for key in a:
        if key == "params":
            for pa, pb in zip(a[key], b[key]):
                assert pa.keys() == pb.keys()
                assert all(pa[k] == pytest.approx(pb[k], rel=1e-9) for k in pa)
        elif np.asarray(a[key]).dtype == object:
            assert list(a[key]) == pytest.approx(list(b[key]), rel=1e-9)
        else:
            np.testing.assert_allclose(np.asarray(a[key]), np.asarray(b[key]), rtol=1e-9, atol=1e-9)


# -- failures -----------------------------------------------------------------------
class _RidgeFailingWithoutIntercept(Ridge):
    def fit(self, X, y, sample_weight=None):
        if not self.fit_intercept:
            raise RuntimeError("no intercept today")
        return super().fit(X, y, sample_weight=sample_weight)


def test_a_failing_descent_keeps_its_rows_and_the_other_descents():
    X, y = _diabetes()
    search = HypergradientSearchCV(
        _RidgeFailingWithoutIntercept(), {"alpha": ALPHA, "fit_intercept": [True, False]},
        max_iter=8, cv=3,
    )
    with pytest.warns(FitFailedWarning, match="no intercept today"):
        search.fit(X, y)
    results = search.cv_results_
    failed = np.array([not p["fit_intercept"] for p in results["params"]])
    # the failing descent evaluates its initial design and goes no further
    assert failed.sum() == 3 and np.all(results["iter"][failed] == 0)
    assert np.isnan(results["mean_test_score"][failed]).all()
    assert np.isfinite(results["mean_test_score"][~failed]).all()
    assert search.best_params_["fit_intercept"] is True


def test_a_search_whose_every_fit_fails_raises_a_summary():
    X, y = _diabetes()
    search = HypergradientSearchCV(
        _RidgeFailingWithoutIntercept(fit_intercept=False), {"alpha": ALPHA}, cv=3
    )
    with pytest.raises(ValueError, match="All the 9 fits"):  # the whole design
        search.fit(X, y)


# -- the fallback ---------------------------------------------------------------------
def test_an_unsupported_estimator_raises_listing_what_is_supported():
    X, y = load_digits(n_class=2, return_X_y=True)
    search = HypergradientSearchCV(SVC(), {"C": Real(0.1, 10.0, prior="log-uniform")})
    with pytest.raises(ValueError, match="SVC has no hypergradient.*Supported: .*Ridge"):
        search.fit(X, y)


def test_fallback_bayes_warns_once_and_runs_bayes_search_on_the_same_space():
    X, y = load_digits(n_class=2, return_X_y=True)
    search = HypergradientSearchCV(
        SVC(), {"C": Real(0.1, 10.0, prior="log-uniform"), "kernel": ["rbf", "linear"]},
        max_iter=6, fallback="bayes", cv=3, random_state=0,
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        search.fit(X[:200], y[:200])
    fallback = [w for w in caught if "falls back to BayesSearchCV" in str(w.message)]
    assert len(fallback) == 1
    results = search.cv_results_
    assert len(results["params"]) == 6
    assert np.isnan(results["hyper_loss"]).all()
    assert {p["kernel"] for p in results["params"]} <= {"rbf", "linear"}


# -- bad input, before any fit ----------------------------------------------------------
class _RidgeThatMustNotFit(Ridge):
    def fit(self, X, y, sample_weight=None):
        raise AssertionError("fitted before the input was checked")


@pytest.mark.parametrize(
    "estimator, space, kwargs, match",
    [
        (_RidgeThatMustNotFit(), {"alpha": Real(0.0, 10.0)}, {}, "includes values <= 0"),
        (_RidgeThatMustNotFit(), {"alpha": ALPHA, "max_iter": poisson(5, loc=1)}, {},
         "infinitely many values"),
        (_RidgeThatMustNotFit(), {"tol": Real(1e-4, 1e-2)}, {},
         r"'tol'\] is continuous, but .* only for \['alpha'\]"),
        (_RidgeThatMustNotFit(), {"alpha": ALPHA, "solver": ["svd", "cholesky", "lsqr"]},
         {"max_iter": 2}, "max_iter=2 is fewer than the 3 descents"),
        (KernelRidge(kernel="linear"), {"gamma": Real(1e-3, 1.0, prior="log-uniform")},
         {}, "gamma"),
        (LogisticRegression(l1_ratio=1.0, solver="saga"),
         {"C": Real(1e-2, 1e2, prior="log-uniform")}, {}, "l1_ratio"),
        (make_pipeline(StandardScaler(), _RidgeThatMustNotFit()),
         {"_ridgethatmustnotfit__alpha": ALPHA, "standardscaler__with_std": [True, False]},
         {}, None),
    ],
)
def test_bad_input_is_a_clear_error_before_any_fit(estimator, space, kwargs, match):
    X, y = _diabetes()
    if match is None:  # a valid space: the estimator's own fit is reached
        with pytest.raises(AssertionError, match="fitted before"):
            HypergradientSearchCV(estimator, space, error_score="raise", **kwargs).fit(X, y)
        return
    with pytest.raises(ValueError, match=match):
        HypergradientSearchCV(estimator, space, error_score="raise", **kwargs).fit(X, y)


def test_sample_weight_is_refused_before_any_fit():
    X, y = _diabetes()
    search = HypergradientSearchCV(_RidgeThatMustNotFit(), {"alpha": ALPHA})
    with pytest.raises(ValueError, match="unweighted loss.*sample_weight"):
        search.fit(X, y, sample_weight=np.ones(len(y)))


def test_verbose_prints_a_line_per_evaluation(capsys):
    X, y = _diabetes()
    HypergradientSearchCV(Ridge(), {"alpha": ALPHA}, max_iter=3, tol=0, cv=3,
                          verbose=1).fit(X, y)
    lines = [ln for ln in capsys.readouterr().out.splitlines()
             if ln.startswith("[HypergradientSearchCV]")]
    assert len(lines) == 3 and "descent 1/1, initial design" in lines[0]


def test_the_rows_left_after_a_converged_descent_go_to_the_next_design_point():
    X, y = _diabetes()
    kwargs = dict(max_iter=20, tol=0.5, cv=3, random_state=0)  # converges at once
    one = HypergradientSearchCV(Ridge(), {"alpha": ALPHA}, n_initial_points=1, **kwargs)
    three = HypergradientSearchCV(Ridge(), {"alpha": ALPHA}, n_initial_points=3, **kwargs)
    rows_one = len(one.fit(X, y).cv_results_["params"])
    rows_three = len(three.fit(X, y).cv_results_["params"])
    assert rows_one < 20
    # the design, then a descent from each of its points, not only the best
    assert rows_three > 3 + (rows_one - 1)


# -- found by a second reader ---------------------------------------------------------
class _RidgeFailingBelow(Ridge):
    def fit(self, X, y, sample_weight=None):
        if self.alpha < 1e-2:
            raise RuntimeError("alpha too small")
        return super().fit(X, y, sample_weight=sample_weight)


@pytest.mark.parametrize("random_state", [0, 1, 2])
def test_a_failed_first_design_point_does_not_end_the_search(random_state):
    X, y = _diabetes()
    search = HypergradientSearchCV(
        _RidgeFailingBelow(), {"alpha": Real(1e-5, 1e3, prior="log-uniform")},
        max_iter=10, cv=3, random_state=random_state,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FitFailedWarning)
        search.fit(X, y)
    assert search.best_params_["alpha"] >= 1e-2


def test_a_precomputed_kernel_is_split_as_fit_and_score_splits_it():
    from sklearn.metrics.pairwise import rbf_kernel

    X, y = _diabetes()
    K = rbf_kernel(X, gamma=0.5)
    search = HypergradientSearchCV(
        KernelRidge(kernel="precomputed"), {"alpha": Real(1e-3, 1e2, prior="log-uniform")},
        max_iter=6, cv=3,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no failed hypergradient
        search.fit(K, y - y.mean())
    assert np.isfinite(search.cv_results_["hyper_loss"]).all()
    assert len(search.cv_results_["params"]) == 6


@pytest.mark.parametrize(
    "scoring, refit",
    [(["r2", "neg_mean_squared_error"], False),
     (lambda est, X, y: {"r2": est.score(X, y), "half": 0.5 * est.score(X, y)}, False)],
)
def test_multi_metric_scoring_needs_no_search_metric(scoring, refit):
    X, y = _diabetes()
    search = HypergradientSearchCV(
        Ridge(), {"alpha": ALPHA}, max_iter=5, cv=3, scoring=scoring, refit=refit
    ).fit(X, y)
    assert len(search.cv_results_["params"]) == 5
    assert "mean_test_r2" in search.cv_results_


def test_fallback_bayes_also_covers_a_configuration_without_hypergradient():
    X, y = load_digits(n_class=2, return_X_y=True)
    search = HypergradientSearchCV(
        LogisticRegression(class_weight="balanced"),
        {"C": Real(1e-2, 1e2, prior="log-uniform")}, max_iter=4, cv=3,
        fallback="bayes", random_state=0,
    )
    with pytest.warns(UserWarning, match="class_weight.*falls back to BayesSearchCV"):
        search.fit(X[:200] / 16, y[:200])
    assert len(search.cv_results_["params"]) == 4


def test_a_target_encoder_step_is_refused():
    from sklearn.preprocessing import TargetEncoder

    X, y = _diabetes()
    pipe = make_pipeline(TargetEncoder(target_type="continuous"), Ridge())
    with pytest.raises(ValueError, match="TargetEncoder"):
        HypergradientSearchCV(pipe, {"ridge__alpha": ALPHA}).fit(X[:, :2].round(), y)


def test_rows_a_descent_does_not_use_go_to_the_next():
    X, y = _diabetes()
    space = [{"alpha": [1.0]}, {"alpha": ALPHA}]
    search = HypergradientSearchCV(Ridge(), space, max_iter=20, tol=0, cv=3)
    with pytest.warns(UserWarning, match=r"search_spaces\[0\] has no continuous range"):
        search.fit(X, y)
    assert len(search.cv_results_["params"]) == 20


def test_a_search_metric_that_is_not_a_scorer_name_is_an_error():
    X, y = _diabetes()
    search = HypergradientSearchCV(
        _RidgeThatMustNotFit(), {"alpha": ALPHA}, scoring=["r2", "neg_mean_squared_error"],
        refit=False, search_metric="recall",
    )
    with pytest.raises(ValueError, match="search_metric='recall' is not one of"):
        search.fit(X, y)


# -- a search stopped by a callback ----------------------------------------------------
@pytest.mark.parametrize("fallback", [False, True], ids=["descent", "bayes-fallback"])
def test_a_stopped_search_counts_the_rows_of_its_own_fit_in_n_iter_(fallback):
    from skhyper.callbacks import DeadlineStopper

    X, y = _diabetes()
    if fallback:  # a Lasso with positive=True has no hypergradient: BayesSearchCV's loop
        estimator, kwargs = ElasticNet(positive=True), {"fallback": "bayes"}
    else:
        estimator, kwargs = Ridge(), {}
    search = HypergradientSearchCV(
        estimator, {"alpha": ALPHA}, max_iter=6, tol=0, cv=3, random_state=0, **kwargs
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the fallback's warning
        fresh = clone(search).set_callbacks(DeadlineStopper(1e-6)).fit(X, y)
        # a stopped fresh search has n_iter_, the rows it evaluated
        assert len(fresh.cv_results_["params"]) == 1
        assert fresh.n_iter_ == 1
        # and a stopped refit does not keep the previous fit's count
        search.fit(X, y)
        assert search.n_iter_ == len(search.cv_results_["params"]) == 6
        search.set_callbacks(DeadlineStopper(1e-6)).fit(X, y)
    assert search.n_iter_ == len(search.cv_results_["params"]) == 1


# -- nothing to descend: an error; something not descended: a warning ---------------
class _ForestThatMustNotFit(RandomForestRegressor):
    def fit(self, X, y, sample_weight=None):
        raise AssertionError("fitted before the input was checked")


@pytest.mark.parametrize(
    "estimator, space, match",
    [
        (_ForestThatMustNotFit(n_estimators=5), {"max_depth": Integer(2, 5)},
         r"nothing to descend: .*_ForestThatMustNotFit has no hypergradient.*its 4 "
         r"settings.*Supported: .*Ridge \(alpha\).*fallback='bayes'"),
        (_RidgeThatMustNotFit(), {"alpha": [0.1, 1, 10]},
         r"nothing to descend: search_spaces\['alpha'\] = \[0.1, 1, 10\].*"
         r"Real\(0.1, 10, prior='log-uniform'\).*fallback='bayes'"),
        (_RidgeThatMustNotFit(), {"alpha": Integer(1, 10), "fit_intercept": [True, False]},
         r"nothing to descend: search_spaces\['alpha'\] = Integer\(1, 10\)"),
        (make_pipeline(StandardScaler(), _RidgeThatMustNotFit()),
         [{"_ridgethatmustnotfit__alpha": [1.0, 2.0]},
          {"standardscaler": ["passthrough"]}],
         r"nothing to descend: search_spaces\['_ridgethatmustnotfit__alpha'\]"),
    ],
    ids=["forest-integer", "ridge-list", "ridge-integer", "pipeline-union"],
)
def test_a_space_with_nothing_to_descend_is_an_error_before_any_fit(estimator, space, match):
    X, y = _diabetes()
    with pytest.raises(ValueError, match=match):
        HypergradientSearchCV(estimator, space, cv=3).fit(X, y)


@pytest.mark.slow
def test_nothing_to_descend_with_fallback_bayes_warns_and_runs_bayes_search():
    X, y = make_regression(n_samples=60, n_features=4, random_state=0)
    search = HypergradientSearchCV(
        RandomForestRegressor(n_estimators=5, random_state=0), {"max_depth": Integer(2, 5)},
        max_iter=10, cv=3, fallback="bayes", random_state=0,
    )
    with pytest.warns(UserWarning, match="nothing to descend.*falls back to BayesSearchCV"):
        search.fit(X, y)
    # the finite space, each setting once
    assert sorted(p["max_depth"] for p in search.cv_results_["params"]) == [2, 3, 4, 5]


def _fit_recording_warnings(search, X, y):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        search.fit(X, y)
    return [str(w.message) for w in caught if issubclass(w.category, UserWarning)]


def test_a_differentiable_parameter_given_as_values_is_named_in_one_warning():
    X, y = make_regression(n_samples=80, n_features=6, noise=5.0, random_state=0)
    search = HypergradientSearchCV(
        ElasticNet(tol=1e-8, max_iter=10000),
        {"alpha": Real(1e-3, 10.0, prior="log-uniform"), "l1_ratio": [0.2, 0.8]},
        max_iter=8, cv=3,
    )
    messages = _fit_recording_warnings(search, X, y)
    named = [m for m in messages if "not descended" in m]
    assert len(named) == 1
    assert "search_spaces['l1_ratio']" in named[0] and "Real(0.2, 0.8)" in named[0]
    assert "'alpha'" not in named[0]
    # alpha is descended all the same, in each of the two descents
    assert {p["l1_ratio"] for p in search.cv_results_["params"]} == {0.2, 0.8}
    assert np.all(np.isfinite(search.cv_results_["hypergrad_norm"]))


def test_a_subspace_with_no_range_beside_one_that_descends_is_named_in_one_warning():
    X, y = _diabetes()
    pipe = Pipeline([("scale", StandardScaler()), ("model", Ridge())])
    space = [{"model__alpha": ALPHA},
             {"model": [RandomForestRegressor(n_estimators=5, random_state=0)],
              "model__max_depth": [2, 4]}]
    search = HypergradientSearchCV(pipe, space, max_iter=8, cv=3)
    messages = _fit_recording_warnings(search, X, y)
    named = [m for m in messages if "not descended" in m]
    assert len(named) == 1 and "search_spaces[1]" in named[0]
    assert "2 settings" in named[0]
    models = [type(p.get("model", Ridge())).__name__ for p in search.cv_results_["params"]]
    assert models.count("RandomForestRegressor") == 2


def test_an_outer_loop_over_parameters_without_hypergradient_does_not_warn():
    X, y = _diabetes()
    search = HypergradientSearchCV(
        Ridge(), {"alpha": ALPHA, "fit_intercept": [True, False]}, max_iter=6, cv=3
    )
    assert _fit_recording_warnings(search, X, y) == []


# -- one-vs-rest logistic regression ------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("form", ["multi_class='ovr'", "OneVsRestClassifier"])
def test_a_one_vs_rest_logistic_descends_the_log_loss_of_predict_proba(form):
    from sklearn.datasets import load_iris
    from sklearn.multiclass import OneVsRestClassifier

    from .test_hypergradient_formulas import HAS_MULTI_CLASS

    exact = {"solver": "newton-cholesky", "tol": 1e-10}
    if form == "OneVsRestClassifier":  # on every version
        estimator, key = OneVsRestClassifier(LogisticRegression(**exact)), "estimator__C"
    elif HAS_MULTI_CLASS:
        estimator, key = LogisticRegression(multi_class="ovr", **exact), "C"
    else:
        pytest.skip("LogisticRegression has no multi_class on scikit-learn >= 1.8")
    X, y = load_iris(return_X_y=True)
    pipe = make_pipeline(StandardScaler(), estimator)
    key = f"{pipe.steps[-1][0]}__{key}"
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    search = HypergradientSearchCV(
        pipe, {key: Real(1e-3, 1e3, prior="log-uniform")}, max_iter=10, cv=cv,
        scoring="neg_log_loss",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # multi_class on 1.6/1.7
        search.fit(X, y)
        grid = GridSearchCV(
            pipe, {key: np.geomspace(1e-3, 1e3, 13)}, cv=cv, scoring="neg_log_loss"
        ).fit(X, y)
    results = search.cv_results_
    # the differentiated loss is the log-loss of predict_proba the scorer reports
    np.testing.assert_allclose(results["hyper_loss"], -results["mean_test_score"], rtol=1e-6)
    # and the descent finds its minimum: no worse than a grid's
    assert results["hyper_loss"].min() <= -grid.best_score_


# -- Lasso at the solver's default tol ------------------------------------------------
# the user's own fits at small alpha stop at max_iter, as in GridSearchCV
@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("seed, noise", [(1, 1.0), (3, 0.5)])
def test_a_lasso_at_the_default_tol_descends_as_far_as_an_exactly_solved_one(seed, noise):
    # more features than samples and little noise: the optimum is at a small
    # alpha, where coordinate descent at tol=1e-4 stops on a wrong support;
    # differentiated there, the descent ended 8-9% above the optimum
    from sklearn.linear_model import Lasso

    X, y = make_regression(100, 200, n_informative=10, noise=noise, random_state=seed)
    cv = KFold(3, shuffle=True, random_state=0)
    alpha_max = np.max(np.abs((X - X.mean(0)).T @ (y - y.mean()))) / len(X)
    space = {"alpha": Real(alpha_max * 1e-4, alpha_max, prior="log-uniform")}

    def exact_cv_loss(search):
        results = search.cv_results_
        alpha = results["params"][int(np.nanargmin(results["hyper_loss"]))]["alpha"]
        exact = Lasso(alpha=alpha, tol=1e-12, max_iter=100_000)
        return np.mean([
            mean_squared_error(y[te], clone(exact).fit(X[tr], y[tr]).predict(X[te]))
            for tr, te in cv.split(X)
        ])

    default, exact = (
        HypergradientSearchCV(estimator, space, max_iter=20, cv=cv, random_state=0).fit(X, y)
        for estimator in (Lasso(), Lasso(tol=1e-10, max_iter=100_000))
    )
    assert exact_cv_loss(default) <= 1.01 * exact_cv_loss(exact)


# -- fallback='bayes' takes what BayesSearchCV takes (scikit-learn's own tests) -------
def test_the_estimators_in_the_space_are_not_changed():
    """{"clf": [est], "clf__C": [...]}: the descent's estimator is built from
    clones (scikit-learn's test_search_estimator_param; it set C on the
    user's own object)."""
    X, y = load_digits(n_class=2, return_X_y=True)
    inner = LogisticRegression()
    pipe = Pipeline([("scale", StandardScaler()), ("clf", Ridge())])
    space = {"clf": [inner], "clf__C": [0.01]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search = HypergradientSearchCV(pipe, space, max_iter=3, cv=2, fallback="bayes",
                                       random_state=0).fit(X[:100], y[:100])
    assert inner.C == 1.0
    assert search.best_estimator_.named_steps["clf"].C == 0.01


@pytest.mark.parametrize("case", ["unbounded", "infinitely many", "log range from 0"])
def test_a_range_it_cannot_descend_falls_back(case):
    """An unbounded distribution, infinitely many values, a log-scaled range
    reaching 0: an error naming it, or with fallback='bayes' BayesSearchCV's
    loop (scikit-learn's test_random_search_cv_results searches SVC's C in
    expon(scale=10))."""
    from scipy.stats import expon

    X, y = _diabetes()
    space = {
        "unbounded": {"alpha": expon(scale=10)},
        "infinitely many": {"alpha": ALPHA, "max_iter": poisson(500)},
        "log range from 0": {"alpha": Real(0.0, 10.0)},
    }[case]
    with pytest.raises(ValueError, match="unbounded|infinitely many values|<= 0"):
        HypergradientSearchCV(Ridge(), space, max_iter=4, cv=3).fit(X, y)
    with pytest.warns(UserWarning, match="falls back to BayesSearchCV"):
        search = HypergradientSearchCV(Ridge(), space, max_iter=4, cv=3, fallback="bayes",
                                       random_state=0).fit(X, y)
    assert len(search.cv_results_["params"]) == 4


def test_weighted_fits_fall_back_or_are_refused():
    X, y = _diabetes()
    weight = np.random.RandomState(0).uniform(0.5, 2.0, len(y))
    space = {"alpha": ALPHA}
    with pytest.raises(ValueError, match="sample_weight.*fallback='bayes'"):
        HypergradientSearchCV(Ridge(), space, max_iter=4, cv=3).fit(X, y, sample_weight=weight)
    from skhyper import BayesSearchCV

    with pytest.warns(UserWarning, match="unweighted loss.*falls back"):
        ours = HypergradientSearchCV(Ridge(), space, max_iter=4, cv=3, fallback="bayes",
                                     random_state=0).fit(X, y, sample_weight=weight)
    bayes = BayesSearchCV(Ridge(), space, n_iter=4, cv=3, random_state=0).fit(
        X, y, sample_weight=weight
    )
    assert len(ours.cv_results_["params"]) == 4
    # the weights reach the fits: a row scores as the same setting fitted so
    refit = clone(Ridge()).set_params(**ours.cv_results_["params"][0])
    expected = GridSearchCV(refit, {}, cv=3).fit(X, y, sample_weight=weight)
    assert ours.cv_results_["split0_test_score"][0] == expected.cv_results_[
        "split0_test_score"][0]
    assert np.isfinite(bayes.best_score_)


def test_a_finite_space_falls_back_to_each_point_once_in_order():
    """As BayesSearchCV (and GridSearchCV's order): scikit-learn's
    test_search_cv_results_rank_tie_breaking reads rows 0 and 1."""
    from sklearn.model_selection import ParameterGrid

    X, y = load_digits(n_class=2, return_X_y=True)
    space = {"C": [1, 1.001, 0.001], "kernel": ["rbf", "linear"]}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        search = HypergradientSearchCV(SVC(), space, max_iter=6, cv=2, fallback="bayes",
                                       random_state=0).fit(X[:100], y[:100])
    assert search.cv_results_["params"] == list(ParameterGrid(space))
    assert not any("fewer than" in str(w.message) for w in caught)


def test_weighted_fits_fall_back_before_the_descents_own_checks():
    """With sample_weight and fallback='bayes', what only a descent needs (a
    row for each of the outer loop's descents, the note on what is not
    descended) is not asked of the Bayes loop (a review found both)."""
    X, y = _diabetes()
    weight = np.random.RandomState(0).uniform(0.5, 2.0, len(y))
    space = {"alpha": ALPHA, "fit_intercept": [True, False], "solver": ["auto", "svd", "lsqr"]}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        search = HypergradientSearchCV(Ridge(), space, max_iter=4, cv=3, fallback="bayes",
                                       random_state=0).fit(X, y, sample_weight=weight)
    assert len(search.cv_results_["params"]) == 4
    notes = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    assert len([m for m in notes if "falls back" in m]) == 1
    assert not [m for m in notes if "descends only" in m]
