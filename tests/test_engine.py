"""The search engine both search tiers share: folds, failures, routing, progress.

Each test runs BayesSearchCV and HyperbandSearchCV (fresh fits and continued
training) through the same behaviour, since they share one evaluation path.
"""

import re
import warnings

import numpy as np
import pytest
from scipy.stats import loguniform
from sklearn import config_context
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.datasets import make_classification
from sklearn.ensemble import (
    BaggingClassifier,
    GradientBoostingClassifier,
    HistGradientBoostingClassifier,
)
from sklearn.exceptions import FitFailedWarning
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import KFold, RandomizedSearchCV, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skhyper import BayesSearchCV, HyperbandSearchCV, Real

from ._estimators import ConstantClassifier, FailingClassifier


@pytest.fixture(scope="module")
def data():
    return make_classification(n_samples=90, n_features=5, random_state=0)


def _bayes(estimator, **params):
    return BayesSearchCV(
        estimator, {"parameter": Real(0.0, 1.0)}, random_state=0,
        **{"n_iter": 6, "n_initial_points": 3, "cv": 3, **params},
    )


# -- 1. a generator cv ----------------------------------------------------------
class EpochClassifier(ConstantClassifier):
    """Trains by partial_fit; scores the number of epochs plus c / 10."""

    def __init__(self, c=0.0, max_iter=9):
        self.c = c
        self.max_iter = max_iter

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        if not hasattr(self, "epochs_"):
            self.classes_ = np.asarray(classes)
            self.epochs_ = 0
        self.epochs_ += 1
        return self

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        self.epochs_ = self.max_iter
        return self

    def score(self, X, y, sample_weight=None):
        return self.epochs_ + self.c / 10


@pytest.mark.parametrize(
    "make_search",
    [
        lambda cv: _bayes(FailingClassifier(fail_above=2.0), cv=cv),
        lambda cv: HyperbandSearchCV(
            EpochClassifier(), {"c": Real(0, 1)}, resource="max_iter", max_resources=9,
            cv=cv, random_state=0,
        ),
        lambda cv: HyperbandSearchCV(
            EpochClassifier(), {"c": Real(0, 1)}, resource="partial_fit",
            max_resources=9, cv=cv, random_state=0,
        ),
        lambda cv: HyperbandSearchCV(
            EpochClassifier(), {"c": Real(0, 1)}, resource="n_samples",
            min_resources=20, cv=cv, random_state=0,
        ),
    ],
    ids=["bayes", "hyperband-parameter", "hyperband-partial_fit", "hyperband-n_samples"],
)
def test_a_generator_cv_is_read_once_and_used_for_every_batch(data, make_search):
    X, y = data
    splits = list(KFold(3).split(X))
    expected = make_search(KFold(3)).fit(X, y).cv_results_
    search = make_search(split for split in splits).fit(X, y)
    assert search.n_splits_ == 3
    np.testing.assert_array_equal(
        search.cv_results_["mean_test_score"], expected["mean_test_score"]
    )


def test_an_empty_cv_is_a_clear_error(data):
    """scikit-learn's own message (test_empty_cv_iterator_error), then ours."""
    X, y = data
    search = _bayes(FailingClassifier(), cv=iter([]))
    with pytest.raises(
        ValueError,
        match=r"^No fits were performed\. Was the CV iterator empty\? Were there no "
              r"candidates\? cv=.* yielded no \(train, test\) splits",
    ):
        search.fit(X, y)


class CountingClassifier(ConstantClassifier):
    """Counts its fits; scores c plus the mean first feature of the test fold."""

    fits = []

    def __init__(self, c=0.0):
        self.c = c

    def fit(self, X, y):
        CountingClassifier.fits.append(len(X))
        self.train_mean_ = X[:, 1].mean()
        return super().fit(X, y)

    def score(self, X, y, sample_weight=None):
        return self.c + X[:, 0].mean() + self.train_mean_


def _c_search(estimator, **params):
    return BayesSearchCV(estimator, {"c": Real(0, 1)}, n_iter=4, n_initial_points=2,
                         random_state=0, **params)


class ShortKFold(KFold):
    """A splitter whose get_n_splits disagrees with its split."""

    def get_n_splits(self, *args, **kwargs):
        return 1


@pytest.mark.parametrize("make_search", [
    lambda cv: _c_search(CountingClassifier(), cv=cv),
    lambda cv: HyperbandSearchCV(CountingClassifier(), {"c": Real(0, 1)}, cv=cv,
                                 random_state=0),
])
def test_a_cv_whose_split_and_get_n_splits_disagree_is_refused_before_any_fit(
    data, make_search
):
    """scikit-learn's test_random_search_bad_cv, with its message."""
    X, y = data
    CountingClassifier.fits = []
    with pytest.raises(ValueError, match=r"cv\.split and cv\.get_n_splits return(ed)? "
                                         r"inconsistent results\. Expected 1 splits, got 3"):
        make_search(ShortKFold(3)).fit(X, y)
    assert CountingClassifier.fits == []


@pytest.mark.parametrize("make_search", [
    lambda cv: _c_search(CountingClassifier(), cv=cv),
    lambda cv: HyperbandSearchCV(CountingClassifier(), {"c": Real(0, 1)}, cv=cv,
                                 random_state=0, min_resources=10),
    lambda cv: HyperbandSearchCV(EpochClassifier(), {"c": Real(0, 1)}, cv=cv,
                                 resource="partial_fit", max_resources=9, random_state=0),
])
def test_folds_given_as_boolean_masks_are_the_folds_of_their_indices(data, make_search):
    """cv = [[mask, ~mask], ...], as scikit-learn's test_search_default_iid:
    every search slices and subsamples folds by index (Hyperband over
    n_samples cut a mask instead: IndexError)."""
    X, y = data
    mask = np.arange(len(X)) % 3 == 0
    masks = [(mask, ~mask), (~mask, mask)]
    indices = [(np.flatnonzero(a), np.flatnonzero(b)) for a, b in masks]
    expected = make_search(indices).fit(X, y).cv_results_
    results = make_search(masks).fit(X, y).cv_results_
    for key in ("split0_test_score", "split1_test_score", "params"):
        np.testing.assert_array_equal(results[key], expected[key])


def test_an_empty_dict_is_one_setting_the_estimator_s_own(data):
    """GridSearchCV(est, {}) fits the estimator as it is, once per fold
    (scikit-learn's test_predict_proba_disabled); so does every search."""
    from sklearn.model_selection import GridSearchCV

    X, y = data
    CountingClassifier.fits = []
    search = BayesSearchCV(CountingClassifier(c=0.25), {}, n_iter=5, cv=3).fit(X, y)
    assert search.cv_results_["params"] == [{}]
    assert len(CountingClassifier.fits) == 3 + 1  # three folds and the refit
    grid = GridSearchCV(CountingClassifier(c=0.25), {}, cv=3).fit(X, y)
    assert search.best_score_ == grid.best_score_
    with pytest.raises(ValueError, match="an empty list has no settings"):
        BayesSearchCV(CountingClassifier(), [], cv=3).fit(X, y)


def test_failed_fits_are_reported_once_per_fit_in_scikit_learn_s_words(data):
    """One FitFailedWarning for the whole search, counting every fit (not one
    per batch), as GridSearchCV words it; each batch's progress line says
    how many of its fits failed."""
    X, y = data
    search = _bayes(FailingClassifier(fail_above=0.5), n_iter=8, error_score=-1.0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        search.fit(X, y)
    failed = [w for w in caught if issubclass(w.category, FitFailedWarning)]
    n_failed = int(np.sum(search.cv_results_["mean_test_score"] == -1.0)) * 3
    assert n_failed and len(failed) == 1
    assert re.search(
        rf"{n_failed} fits failed out of a total of 24\.\nThe score on these "
        rf"train-test partitions for these parameters will be set to -1\.0",
        str(failed[0].message),
    )


# -- 2. and 8. failures are fitted once, kept, and told as the worst score ----------
class CountingFailer(FailingClassifier):
    """FailingClassifier counting its fits in a class-level list (n_jobs=1)."""

    calls = []

    def fit(self, X, y):
        CountingFailer.calls.append(self.parameter)
        return super().fit(X, y)


def test_failed_settings_are_fitted_once_kept_and_told_as_failed(data):
    X, y = data
    CountingFailer.calls = []
    search = _bayes(CountingFailer(fail_above=0.5), n_iter=12, error_score=-1.0,
                    refit=False)
    with pytest.warns(FitFailedWarning):
        search.fit(X, y)
    res = search.cv_results_
    params = [p["parameter"] for p in res["params"]]
    assert len(params) == len(set(params)) == 12
    # every setting fitted once per fold, the failed ones too
    assert sorted(CountingFailer.calls) == sorted(params * 3)
    failed = np.array(params) > 0.5
    assert failed.any() and (~failed).any()
    # cv_results_ shows error_score, as GridSearchCV ...
    np.testing.assert_array_equal(res["mean_test_score"][failed], -1.0)
    # ... but the strategy is told a failure (NaN: the worst), not -1.0
    told = dict(zip(
        [p["parameter"] for p in search.optimizer_.observed_params],
        search.optimizer_.observed_scores,
    ))
    assert np.isnan([told[p] for p in np.array(params)[failed]]).all()
    np.testing.assert_allclose(
        [told[p] for p in np.array(params)[~failed]], res["mean_test_score"][~failed]
    )


class FailsOnOneFold(FailingClassifier):
    """Fails when ``parameter > fail_above`` on the first fold of KFold(3) over
    ``_indexed_data()`` (the only training part without a row below 30);
    scores 1 - parameter."""

    def fit(self, X, y):
        if self.parameter > self.fail_above and np.min(X) >= 30:
            raise ValueError("fails on one fold")
        self.classes_ = np.unique(y)
        return self

    def partial_fit(self, X, y, classes=None):
        return self.fit(X, y)


def _indexed_data():
    return np.arange(90.0).reshape(-1, 1), np.tile([0, 1], 45)


def _told_by(search_class):
    """A subclass of ``search_class`` recording what its strategy is told."""

    class Spy(search_class):
        def _tell(self, candidates, scores):
            self.told_ = getattr(self, "told_", []) + list(
                zip([dict(c) for c in candidates], np.asarray(scores, dtype=float))
            )
            return super()._tell(candidates, scores)

    Spy.__name__ = search_class.__name__
    return Spy


@pytest.mark.parametrize("error_score", [-1.0, 0.0, 5.0, np.nan])
@pytest.mark.parametrize("search", ["bayes", "hyperband-n_samples", "hyperband-partial_fit"])
def test_a_candidate_with_any_failed_fold_is_told_as_failed_whatever_error_score(
    search, error_score
):
    X, y = _indexed_data()
    common = dict(cv=KFold(3), random_state=0, error_score=error_score, refit=False)
    if search == "bayes":
        search = _told_by(BayesSearchCV)(
            FailsOnOneFold(), {"parameter": Real(0.0, 1.0)}, n_iter=8,
            n_initial_points=4, **common,
        )
    elif search == "hyperband-n_samples":
        search = _told_by(HyperbandSearchCV)(
            FailsOnOneFold(), {"parameter": Real(0.0, 1.0)}, resource="n_samples",
            min_resources=20, **common,
        )
    else:
        search = _told_by(HyperbandSearchCV)(
            FailsOnOneFold(), {"parameter": Real(0.0, 1.0)}, resource="partial_fit",
            max_resources=9, **common,
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search.fit(X, y)
    res = search.cv_results_
    partly = np.array([p["parameter"] > 0.5 for p in res["params"]])
    assert partly.any() and (~partly).any()
    # the row shows error_score on one fold and real scores on the others
    if np.isnan(error_score):
        assert np.isnan(res["split0_test_score"][partly]).all()
    else:
        np.testing.assert_array_equal(res["split0_test_score"][partly], error_score)
    assert np.isfinite(res["split1_test_score"][partly]).all()
    told_failed = np.array([p["parameter"] > 0.5 for p, _ in search.told_])
    told = np.array([score for _, score in search.told_])
    assert len(told) == len(res["params"])
    assert np.isnan(told[told_failed]).all()
    assert np.isfinite(told[~told_failed]).all()


def test_a_search_whose_every_fit_fails_stops_after_its_first_design(data):
    X, y = data
    CountingFailer.calls = []
    search = _bayes(CountingFailer(fail_above=-1.0), n_iter=20)
    with pytest.raises(ValueError, match="failing on purpose"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            search.fit(X, y)
    # the initial design (3 settings x 3 folds), each fitted once, then it stops
    assert len(CountingFailer.calls) == 9
    assert len(set(CountingFailer.calls)) == 3


class AlwaysFailsPartialFit(EpochClassifier):
    calls = []

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        AlwaysFailsPartialFit.calls.append(self.c)
        raise RuntimeError("diverged on purpose")


def test_continued_search_whose_every_fit_fails_stops_with_the_causes(data):
    X, y = data
    AlwaysFailsPartialFit.calls = []
    search = HyperbandSearchCV(
        AlwaysFailsPartialFit(), {"c": Real(0, 1)}, resource="partial_fit",
        max_resources=9, cv=3, random_state=0, hyperband_iterations=2,
    )
    with pytest.raises(ValueError, match="diverged on purpose"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            search.fit(X, y)
    # Only the first iteration ran, up to its last wave where every bracket
    # reaches max_resources: each bracket's first rung was trained (9, 5 and
    # 3 configurations x 3 folds; a failed member is not trained again), and
    # the second iteration never started.
    assert len(AlwaysFailsPartialFit.calls) == (9 + 5 + 3) * 3


def test_user_classes_reach_partial_fit(data):
    X, y = data
    search = HyperbandSearchCV(
        SGDClassifier(random_state=0), {"alpha": loguniform(1e-5, 1e-1)},
        resource="partial_fit", max_resources=3, cv=3, random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FitFailedWarning)
        search.fit(X, y, classes=np.unique(y))
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()


# -- 3. every evaluated row is kept, whatever failed ------------------------------
class FailsOnFewSamples(ConstantClassifier):
    def __init__(self, c=0.0):
        self.c = c

    def fit(self, X, y):
        if len(X) < 30:
            raise ValueError("too few samples")
        return super().fit(X, y)

    def score(self, X, y, sample_weight=None):
        return self.c


def test_a_wholly_failed_rung_stays_in_cv_results(data):
    X, y = data
    search = HyperbandSearchCV(
        FailsOnFewSamples(), {"c": Real(0, 1)}, resource="n_samples",
        min_resources=10, max_resources=60, cv=3, random_state=0, error_score=-1.0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search.fit(X, y)
    res = search.cv_results_
    assert len(res["params"]) == search.metadata_["n_evaluations"]
    small = res["n_resources"] < 30
    assert small.any()
    np.testing.assert_array_equal(res["mean_test_score"][small], -1.0)
    c = np.array([p["c"] for p in res["params"]])
    np.testing.assert_allclose(res["mean_test_score"][~small], c[~small])


# -- 4. and 5. the resource that continues, found through the MRO -----------------
@pytest.mark.slow
def test_a_nested_resource_is_set_on_the_estimator_that_owns_it():
    X, y = make_classification(n_samples=60, n_features=4, random_state=0)
    bagged = BaggingClassifier(
        GradientBoostingClassifier(max_depth=1, random_state=0), n_estimators=2,
        random_state=0,
    )
    search = HyperbandSearchCV(
        bagged, {"estimator__learning_rate": Real(0.05, 0.5)},
        resource="estimator__n_estimators", max_resources=9, cv=KFold(2),
        random_state=0,
    ).fit(X, y)
    res = search.cv_results_
    for row in range(len(res["params"])):
        scratch = cross_val_score(
            clone(bagged).set_params(**res["params"][row]), X, y, cv=KFold(2)
        )
        np.testing.assert_allclose(
            [res[f"split{k}_test_score"][row] for k in range(2)], scratch
        )
    assert len(search.best_estimator_.estimators_) == 2
    assert {len(gb.estimators_) for gb in search.best_estimator_.estimators_} == {9}


class RecordingHGB(HistGradientBoostingClassifier):
    """A user's subclass: records whether each fit continued an earlier one."""

    fits = []

    def fit(self, X, y, sample_weight=None):
        RecordingHGB.fits.append(getattr(self, "n_iter_", 0))
        return super().fit(X, y, sample_weight=sample_weight)


def test_the_warm_start_registry_knows_subclasses():
    X, y = make_classification(n_samples=60, n_features=4, random_state=0)
    RecordingHGB.fits = []
    HyperbandSearchCV(
        RecordingHGB(max_depth=2, early_stopping=False), {"learning_rate": Real(0.05, 0.5)},
        resource="max_iter", max_resources=9, cv=2, random_state=0, refit=False,
    ).fit(X, y)
    # promoted configurations continue from the iterations they had
    assert set(RecordingHGB.fits) > {0}


class RoundsClassifier(ConstantClassifier):
    """A user's estimator that adds n_rounds under warm_start; unknown to the registry."""

    fits = []

    def __init__(self, c=0.0, n_rounds=9, warm_start=False):
        self.c = c
        self.n_rounds = n_rounds
        self.warm_start = warm_start

    def fit(self, X, y):
        done = getattr(self, "rounds_", 0) if self.warm_start else 0
        RoundsClassifier.fits.append(done)
        self.rounds_ = self.n_rounds
        return super().fit(X, y)

    def score(self, X, y, sample_weight=None):
        return self.rounds_ + self.c / 10


@pytest.mark.parametrize("continue_training, continued", [("auto", False), (True, True)])
def test_a_user_names_the_warm_start_parameter(continue_training, continued):
    X, y = make_classification(n_samples=60, n_features=4, random_state=0)
    RoundsClassifier.fits = []
    search = HyperbandSearchCV(
        RoundsClassifier(), {"c": Real(0, 1)}, resource="n_rounds", max_resources=9,
        continue_training=continue_training, cv=2, random_state=0,
    ).fit(X, y)
    assert (max(RoundsClassifier.fits) > 0) == continued
    np.testing.assert_allclose(
        np.floor(search.cv_results_["mean_test_score"]), search.cv_results_["n_resources"]
    )
    assert search.best_estimator_.warm_start is False


def test_continue_training_needs_a_warm_start_parameter():
    X, y = make_classification(n_samples=60, n_features=4, random_state=0)
    search = HyperbandSearchCV(
        EpochClassifier(), {"c": Real(0, 1)}, resource="max_iter", max_resources=9,
        continue_training=True, cv=2,
    )
    with pytest.raises(ValueError, match="warm_start"):
        search.fit(X, y)


# -- 6. a Pipeline's steps are fitted as Pipeline.fit fits them -------------------
class FitTransformDiffers(TransformerMixin, BaseEstimator):
    """fit_transform gives ones (as cross-fitting encoders differ); transform gives X."""

    def fit(self, X, y=None):
        self.n_features_in_ = np.asarray(X).shape[1]
        return self

    def transform(self, X):
        return np.asarray(X, dtype=float)

    def fit_transform(self, X, y=None):
        self.fit(X, y)
        return np.ones_like(np.asarray(X, dtype=float))


class SeenMean(ConstantClassifier):
    """Scores the mean of the training data it was given."""

    def __init__(self, c=0.0):
        self.c = c

    def partial_fit(self, X, y, classes=None):
        self.classes_ = np.unique(y) if classes is None else np.asarray(classes)
        self.seen_ = float(np.mean(X))
        return self

    def fit(self, X, y):
        return self.partial_fit(X, y)

    def score(self, X, y, sample_weight=None):
        return self.seen_


def test_continued_training_fits_the_pipeline_head_with_fit_transform(data):
    X, y = data
    pipe = Pipeline([("head", FitTransformDiffers()), ("clf", SeenMean())])
    search = HyperbandSearchCV(
        pipe, {"clf__c": Real(0, 1)}, resource="partial_fit", max_resources=3, cv=3,
        random_state=0,
    ).fit(X + 5.0, y)
    np.testing.assert_array_equal(search.cv_results_["mean_test_score"], 1.0)
    assert search.best_estimator_.named_steps["clf"].seen_ == 1.0


# -- 7. sample_weight through partial_fit, with and without metadata routing --------
class WeightRecorder(EpochClassifier):
    def fit(self, X, y, sample_weight=None):
        return super().fit(X, y)

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        super().partial_fit(X, y, classes)
        self.weight_sum_ = None if sample_weight is None else float(np.sum(sample_weight))
        return self

    def score(self, X, y, sample_weight=None):
        return -1.0 if self.weight_sum_ is None else self.weight_sum_


@pytest.mark.parametrize("routing", [False, True])
@pytest.mark.parametrize("in_pipeline", [False, True])
def test_sample_weight_reaches_partial_fit(data, routing, in_pipeline):
    X, y = data
    weight = np.where(np.arange(len(y)) < 45, 1.0, 3.0)
    with config_context(enable_metadata_routing=routing):
        est = WeightRecorder()
        if routing:
            est = est.set_fit_request(sample_weight=True).set_score_request(
                sample_weight=False
            )
        space, key = {"c": Real(0, 1)}, "sample_weight"
        if in_pipeline:
            scale = StandardScaler()
            if routing:
                scale = scale.set_fit_request(sample_weight=False)
            est = Pipeline([("scale", scale), ("clf", est)])
            if routing:  # scikit-learn < 1.9 asks the Pipeline's own score request
                est = est.set_score_request(sample_weight=False)
            space = {"clf__c": Real(0, 1)}
            key = "sample_weight" if routing else "clf__sample_weight"
        search = HyperbandSearchCV(
            est, space, resource="partial_fit", max_resources=3, cv=KFold(3),
            random_state=0,
        ).fit(X, y, **{key: weight})
    folds = list(KFold(3).split(X))
    for k, (train, _) in enumerate(folds):
        np.testing.assert_array_equal(
            search.cv_results_[f"split{k}_test_score"], weight[train].sum()
        )


# -- verbose: one line per batch that says where the search is ---------------------
def test_verbose_reports_each_batch_of_bayes(data, capsys):
    X, y = data
    _bayes(FailingClassifier(fail_above=2.0), n_iter=5, verbose=1).fit(X, y)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 5
    assert lines[0].startswith("[BayesSearchCV] batch 1/5: 1 candidate x 3 folds")
    assert "initial design" in lines[0] and "model" in lines[-1]
    assert "best so far" in lines[-1]


def test_verbose_reports_each_wave_of_hyperband(data, capsys):
    X, y = data
    search = HyperbandSearchCV(
        EpochClassifier(), {"c": Real(0, 1)}, resource="partial_fit", max_resources=9,
        cv=3, random_state=0, verbose=1,
    ).fit(X, y)
    lines = capsys.readouterr().out.strip().splitlines()
    # one wave per rung of the first bracket, the others running beside it
    assert len(lines) == len(search.metadata_["brackets"][0]) == 3
    assert lines[0].startswith(
        "[HyperbandSearchCV] wave 0: bracket s=2 rung 0 (9 at n_resources=1): "
        "9 candidates x 3 folds"
    )
    assert lines[2].startswith(
        "[HyperbandSearchCV] wave 2: bracket s=2 rung 2 (1 at n_resources=9), "
        "s=1 rung 1 (1 at n_resources=9), s=0 rung 0 (3 at n_resources=9): "
        "5 candidates x 3 folds"
    )
    assert "best so far" in lines[-1]


# -- a sanity anchor: the engine matches RandomizedSearchCV on the same draws ------
def test_fresh_fits_match_randomized_search_cv(data):
    X, y = data
    space = {"C": loguniform(1e-2, 1e2)}
    from sklearn.linear_model import LogisticRegression

    bayes = BayesSearchCV(
        LogisticRegression(), space, n_iter=4, n_initial_points=4, cv=3,
        random_state=0, return_train_score=True,
    ).fit(X, y)
    grid = RandomizedSearchCV(
        LogisticRegression(), {"C": [p["C"] for p in bayes.cv_results_["params"]]},
        n_iter=4, cv=3, random_state=0, return_train_score=True,
    ).fit(X, y)
    order = np.argsort([p["C"] for p in grid.cv_results_["params"]])
    mine = np.argsort([p["C"] for p in bayes.cv_results_["params"]])
    for key in ("mean_test_score", "split2_test_score", "mean_train_score", "rank_test_score"):
        np.testing.assert_allclose(
            bayes.cv_results_[key][mine], grid.cv_results_[key][order]
        )
    assert bayes.best_params_ == grid.best_params_


# -- scikit-learn >= 1.9's ProgressBar, as the README shows it ---------------------
@pytest.mark.parametrize("resource", [None, "partial_fit"])
def test_scikit_learns_progress_bar_runs_cleanly(data, resource):
    callback = pytest.importorskip("sklearn.callback")  # scikit-learn >= 1.9
    X, y = data
    if resource is None:
        search = _bayes(FailingClassifier(fail_above=2.0), n_iter=3)
    else:
        search = HyperbandSearchCV(
            EpochClassifier(), {"c": Real(0, 1)}, resource=resource, max_resources=3,
            cv=3, random_state=0,
        )
    search.set_callbacks(callback.ProgressBar(max_propagation_depth=0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        search.fit(X, y)
    assert len(search.cv_results_["params"]) > 0


# -- found in review: sparse data, a failing Pipeline head, callable refit ---------
def test_continued_training_on_sparse_data_without_a_target():
    import scipy.sparse as sp
    from sklearn.cluster import MiniBatchKMeans

    from skhyper import Integer

    X, _ = make_classification(n_samples=90, n_features=5, random_state=0)
    search = HyperbandSearchCV(
        MiniBatchKMeans(n_clusters=3, n_init=1, random_state=0),
        {"batch_size": Integer(10, 100)}, resource="partial_fit", max_resources=3,
        cv=3, random_state=0,
    ).fit(sp.csr_matrix(X))
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()


class FailsOnFirstFold(TransformerMixin, BaseEstimator):
    """Fails to fit on the training data of KFold(3)'s first fold."""

    def fit(self, X, y=None):
        if len(X) and X[0, 0] != self.first_:
            raise ValueError("head fails on this fold")
        self.n_features_in_ = X.shape[1]
        return self

    first_ = None

    def transform(self, X):
        return X


def test_a_pipeline_head_failing_on_one_fold_scores_error_score(data):
    X, y = data
    head = FailsOnFirstFold()
    FailsOnFirstFold.first_ = X[0, 0]  # folds 2 and 3 start with the first row
    pipe = Pipeline([("head", head), ("clf", EpochClassifier())])
    search = HyperbandSearchCV(
        pipe, {"clf__c": Real(0, 1)}, resource="partial_fit", max_resources=3,
        cv=KFold(3), random_state=0, error_score=-1.0,
    )
    with pytest.warns(FitFailedWarning, match="head fails on this fold"):
        search.fit(X, y)
    res = search.cv_results_
    np.testing.assert_array_equal(res["split0_test_score"], -1.0)
    assert (res["split1_test_score"] > 0).all()


def test_a_callable_refit_refits_the_chosen_rows_resource(data):
    X, y = data

    def smallest(results):
        return int(np.argmin(results["n_resources"]))

    search = HyperbandSearchCV(
        EpochClassifier(), {"c": Real(0, 1)}, resource="partial_fit", max_resources=9,
        refit=smallest, cv=3, random_state=0,
    ).fit(X, y)
    assert search.cv_results_["n_resources"][search.best_index_] == 1
    assert search.best_estimator_.epochs_ == 1


def test_multimetric_refit_true_gets_scikit_learns_error_first(data):
    X, y = data
    search = _bayes(FailingClassifier(fail_above=2.0), scoring=["accuracy", "f1"])
    with pytest.raises(ValueError, match="refit must be set to a scorer key"):
        search.fit(X, y)


def test_non_finite_scores_are_warned_about_once(data):
    X, y = data
    search = _bayes(FailingClassifier(fail_above=0.5), n_iter=8)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        search.fit(X, y)
    non_finite = [w for w in caught if "non-finite" in str(w.message)]
    assert len(non_finite) == 1


@pytest.mark.parametrize("search", ["bayes", "hyperband"])
def test_non_finite_test_and_train_scores_are_each_warned_about_once_per_fit(data, search):
    X, y = data
    estimator = FailingClassifier(fail_above=0.5)
    if search == "bayes":
        search = _bayes(estimator, n_iter=8, n_points=2, return_train_score=True)
    else:  # one batch per rung
        search = HyperbandSearchCV(
            estimator, {"parameter": Real(0.0, 1.0)}, resource="n_samples",
            min_resources=20, factor=2, cv=3, random_state=0, return_train_score=True,
        )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        search.fit(X, y)
    messages = [str(w.message) for w in caught if "non-finite" in str(w.message)]
    assert len([m for m in messages if "test scores" in m]) == 1
    assert len([m for m in messages if "train scores" in m]) == 1
    assert _n_batches(search) > 1


def _n_batches(search):
    """How many batches the search evaluated (more than one, or the test says little)."""
    results = search.cv_results_
    return len(set(np.asarray(results.get("iter", results.get("n_resources")))))


def test_verbose_2_prints_a_line_for_every_continued_fit(data, capsys):
    X, y = data
    HyperbandSearchCV(
        EpochClassifier(), {"c": Real(0, 1)}, resource="partial_fit", max_resources=3,
        cv=3, random_state=0, verbose=2,
    ).fit(X, y)
    ends = [line for line in capsys.readouterr().out.splitlines() if "] END c=" in line]
    # brackets [(3, 1), (1, 3)] and [(2, 3)]: 6 rows on 3 folds
    assert len(ends) == 18
    assert ends[0].startswith("[CV 1/3] END c=") and "steps 0->1; score=" in ends[0]


@pytest.mark.parametrize("failed, best", [
    ([True, False, True], 1),  # the first row whose fits succeeded
    ([True, True, True], 0),  # none did: the first at full resource
])
def test_with_no_score_at_all_the_best_is_a_row_whose_fits_succeeded(failed, best):
    """Every score NaN (RadiusNeighborsRegressor predicting NaN on the
    agreement check): a search choosing its own best picks a row it can
    refit, not a failed one (whose refit then raised)."""
    search = HyperbandSearchCV(ConstantClassifier(), {"c": Real(0, 1)})
    search._rows_failed = np.array([False, *failed])
    results = {
        "params": [{"c": 0.5}] * 4,
        "n_resources": np.array([3, 9, 9, 9]),
        "mean_test_score": np.full(4, np.nan),
    }
    assert search._select_best_index(True, "score", results) == best + 1
