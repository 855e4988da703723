import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.exceptions import FitFailedWarning
from sklearn.linear_model import SGDClassifier, SGDRegressor
from sklearn.model_selection import KFold
from sklearn.svm import SVC

from skhyper import Categorical, DACSearchCV, Real
from skhyper._dac import FeedbackPolicy, PolicyState, SchedulePolicy

from ._estimators import ConstantClassifier, DivergesAbove, block_problem


def _sgd():
    return SGDClassifier(learning_rate="constant", shuffle=False, random_state=0)


@pytest.fixture(scope="module")
def data():
    return make_classification(n_samples=120, n_features=6, random_state=0)


ETA = {"eta0": Real(1e-4, 1e-1, prior="log-uniform")}


def test_schedule_policy_is_log_linear_between_knots():
    dims = {"eta0": ETA["eta0"].check("eta0")}
    policy = SchedulePolicy(dims, {"eta0": [0.0, 1.0]})
    values = [policy(PolicyState(t, 5))["eta0"] for t in range(5)]
    np.testing.assert_allclose(values, np.geomspace(1e-4, 1e-1, 5))
    assert "1e-04 -> 0.1" in repr(policy) or "0.0001 -> 0.1" in repr(policy)


def test_zero_feedback_weights_reproduce_the_static_run_exactly(data):
    X, y = data
    search = DACSearchCV(
        _sgd(), ETA, policy="feedback", n_steps=5, n_iter=4, cv=KFold(3), random_state=0,
    ).fit(X, y)
    dims = {"eta0": ETA["eta0"].check("eta0")}
    policy = FeedbackPolicy(dims, {"eta0": 0.5}, {"eta0": np.zeros(4)})
    values = [policy(PolicyState(t, 5, [0.1 * t] * t))["eta0"] for t in range(5)]
    assert len(set(values)) == 1
    # the same policy through the search's own stepper, against fixed eta0
    static = values[0]
    from skhyper._dac import PolicyStepper
    from skhyper._training import Stepper

    base = Stepper("partial_fit", classes=np.unique(y))
    a = PolicyStepper(base, policy, 5).train(clone(_sgd()), X, y, 0, 5, {})
    b = base.train(clone(_sgd()).set_params(eta0=static), X, y, 0, 5, {})
    np.testing.assert_array_equal(a.coef_, b.coef_)
    assert len(search.cv_results_["params"]) == 4


def _feedback_policy():
    dims = {
        "eta0": ETA["eta0"].check("eta0"),
        "alpha": Real(1e-6, 1e-2, prior="log-uniform").check("alpha"),
    }
    rng = np.random.RandomState(0)
    return FeedbackPolicy(
        dims, {"eta0": 0.5, "alpha": 0.3},
        {"eta0": rng.uniform(-1, 1, 4), "alpha": rng.uniform(-1, 1, 4)},
    )


@pytest.mark.slow
def test_a_feedback_policy_costs_one_update_per_training_step(monkeypatch):
    # as PolicyStepper calls it: once per step, the training score appended
    # after each; it used to replay the loop from step 0 at every step
    # (n_steps^2 / 2 updates, 14 s of policy alone at 1000 steps)
    policy, n_steps = _feedback_policy(), 200
    scores = np.random.RandomState(1).uniform(0.2, 1.0, n_steps)
    fresh = [
        policy(PolicyState(t, n_steps, list(scores[:t]))) for t in range(n_steps)
    ]
    calls = []
    features = FeedbackPolicy.features
    monkeypatch.setattr(
        FeedbackPolicy, "features",
        staticmethod(lambda state: calls.append(state.step) or features(state)),
    )
    state, stepwise = PolicyState(0, n_steps), []
    for t in range(n_steps):
        state.step = t
        stepwise.append(policy(state))
        state.scores.append(float(scores[t]))
    assert len(calls) == n_steps - 1
    # the same values as a replay from step 0 of a fresh state
    assert stepwise == fresh
    assert len({v["eta0"] for v in stepwise}) > 10  # the policy does move


class IndexRecorder(ConstantClassifier):
    """X[:, 0] holds each row's index; score() records which rows it saw."""

    scored = []

    def __init__(self, eta0=0.1):
        self.eta0 = eta0

    def partial_fit(self, X, y, classes=None):
        self.classes_ = np.unique(y) if classes is None else np.asarray(classes)
        self.trained_ = set(X[:, 0].astype(int))
        return self

    def score(self, X, y, sample_weight=None):
        IndexRecorder.scored.append((frozenset(self.trained_), frozenset(X[:, 0].astype(int))))
        return float(np.mean(X[:, 0]))


def test_the_policy_state_never_sees_a_test_fold():
    X = np.c_[np.arange(60.0), np.zeros(60)]
    y = np.arange(60) % 2
    IndexRecorder.scored = []
    folds = list(KFold(3).split(X))
    DACSearchCV(
        IndexRecorder(), {"eta0": Real(0.01, 1.0)}, policy="feedback", n_steps=3,
        n_iter=2, safe_to_change=["eta0"], cv=KFold(3), random_state=0, refit=False,
    ).fit(X, y)
    tests = {frozenset(test) for _, test in folds}
    state_calls = [seen for trained, seen in IndexRecorder.scored if seen == trained]
    test_calls = [seen for trained, seen in IndexRecorder.scored if seen != trained]
    # every state score was on the training fold; every other score on a test fold
    assert state_calls and all(seen not in tests for seen in state_calls)
    assert all(seen in tests for seen in test_calls)
    assert len(test_calls) == 2 * 3


def test_results_and_refit(data):
    X, y = data
    search = DACSearchCV(
        _sgd(), {**ETA, "alpha": Real(1e-6, 1e-2, prior="log-uniform")},
        dynamic=["eta0"], n_steps=4, n_iter=6, generation_size=3, cv=3, random_state=0,
    ).fit(X, y)
    res = search.cv_results_
    np.testing.assert_array_equal(res["generation"], [0, 0, 0, 1, 1, 1])
    assert all(set(p) == {"alpha"} for p in res["params"])
    assert isinstance(search.best_policy_, SchedulePolicy)
    assert len(search.best_trajectory_) == 3 and len(search.best_trajectory_[0]) == 4
    assert search.best_params_["eta0"] == search.best_trajectory_[0][-1]["eta0"]
    assert search.best_estimator_.eta0 == search.best_params_["eta0"]
    assert search.best_estimator_.t_ > 1


@pytest.mark.slow
def test_same_seed_same_results_for_any_n_jobs(data):
    X, y = data
    runs = [
        DACSearchCV(_sgd(), ETA, policy=policy, n_steps=3, n_iter=6, cv=3, n_jobs=n_jobs,
                    random_state=0).fit(X, y).cv_results_
        for policy in ("schedule", "feedback") for n_jobs in (1, 2)
    ]
    for one, two in (runs[:2], runs[2:]):
        np.testing.assert_array_equal(one["mean_test_score"], two["mean_test_score"])


@pytest.mark.parametrize(
    "params, match",
    [
        ({"dynamic": ["alpha"]}, r"\['alpha'\] not in search_spaces"),
        ({"search_spaces": {"loss": ["hinge", "log_loss"]}}, "cannot safely change"),
        ({"search_spaces": {"eta0": Categorical([0.01, 0.1])}, "policy": "feedback",
          "safe_to_change": ["eta0"]}, "category"),
        ({"estimator": SVC()}, "neither"),
        ({"n_knots": 1}, "n_knots"),
        ({"policy": "bogus"}, "policy"),
        ({"learner": "bogus"}, "learner"),
    ],
)
def test_bad_input_raises_before_any_fit(params, match):
    class ForbiddenFit(SGDClassifier):
        def partial_fit(self, *args, **kwargs):
            raise AssertionError("fitted despite bad input")

    X, y = make_classification(n_samples=40, random_state=0)
    params = {"estimator": ForbiddenFit(), "search_spaces": ETA, "n_steps": 3, **params}
    with pytest.raises(ValueError, match=match):
        DACSearchCV(cv=2, **params).fit(X, y)


@pytest.mark.slow
def test_a_learned_schedule_beats_every_static_step_size_on_the_block_problem():
    # DESIGN section 7: (1/a^2, 1/b^2) reaches zero error where every fixed
    # eta0 leaves some. The schedules that come within a fifth of the best
    # static error fill 0.4 % of the knots' unit square, so the cross-entropy
    # method needs a few hundred policies (60 gave a median ratio above 1).
    est = SGDRegressor(penalty=None, fit_intercept=False, learning_rate="constant",
                       tol=None, shuffle=False, random_state=0)
    space = {"eta0": Real(1e-2, 2.0, prior="log-uniform")}
    ratios = []
    for seed in range(5):
        X, y = block_problem(seed)
        search = DACSearchCV(
            est, space, n_steps=2, n_knots=2, n_iter=400,
            scoring="neg_mean_squared_error", cv=KFold(2), random_state=seed, refit=False,
        ).fit(X, y)
        static = []
        for eta in np.geomspace(1e-2, 2.0, 200):  # the best static eta0, by grid
            mse = []
            for train, test in KFold(2).split(X):
                model = clone(est).set_params(eta0=eta)
                for _ in range(2):
                    model.partial_fit(X[train], y[train])
                mse.append(np.mean((model.predict(X[test]) - y[test]) ** 2))
            static.append(np.mean(mse))
        ratios.append(-search.best_score_ / min(static))
    # the target: at most a fifth of the best static error
    assert np.median(ratios) <= 0.2 and sum(r <= 0.2 for r in ratios) >= 3, ratios


def test_pipeline_multimetric_and_the_bayes_learner(data):
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = data
    pipe = Pipeline([("scale", StandardScaler()), ("clf", _sgd())])
    search = DACSearchCV(
        pipe, {"clf__eta0": ETA["eta0"]}, n_steps=3, n_iter=6, learner="bayes",
        scoring=["accuracy", "balanced_accuracy"], refit="accuracy", cv=3, random_state=0,
    ).fit(X, y)
    assert search.multimetric_
    assert set(search.best_params_) == {"clf__eta0"}
    assert search.best_estimator_.named_steps["clf"].eta0 == search.best_params_["clf__eta0"]
    assert search.score(X, y) > 0.5


def test_verbose_and_callbacks(data, capsys):
    pytest.importorskip("sklearn.callback")
    from ._estimators import CallbackRecorder

    X, y = data
    search = DACSearchCV(_sgd(), ETA, n_steps=3, n_iter=6, generation_size=3, cv=2,
                         random_state=0, verbose=1)
    recorder = CallbackRecorder()
    search.set_callbacks(recorder)
    search.fit(X, y)
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "[DACSearchCV] generation 1/2", "[DACSearchCV] generation 2/2"
    ]
    assert recorder.names.count("batch") == 2
    assert recorder.names.count("candidate-split-evaluation") == 12


def test_failed_policies_never_join_the_elite(data):
    # the cross-entropy update learns from finite scores only: with one
    # finite score in a generation, a failed policy must not pull the
    # sampling distribution towards itself; with none at all, there is
    # nothing to learn and the distribution stays
    size, n_folds = 4, 2
    survivor = 1  # of the first generation, the only policy that trains

    class FailsByStart(SGDClassifier):
        """Fails by the order its fits start in (one job: in member order)."""

        started = 0
        # the first generation but the survivor, and all of the second
        failing = (set(range(size * n_folds)) - {survivor * n_folds + k for k in range(n_folds)}
                   | set(range(size * n_folds, 2 * size * n_folds)))

        def partial_fit(self, X, y, classes=None, sample_weight=None):
            if not hasattr(self, "start_"):
                self.start_ = type(self).started
                type(self).started += 1
            if self.start_ in self.failing:
                raise RuntimeError("planned failure")
            return super().partial_fit(X, y, classes=classes, sample_weight=sample_weight)

    X, y = data
    search = DACSearchCV(
        FailsByStart(learning_rate="constant", shuffle=False, random_state=0), ETA,
        n_steps=3, n_knots=2, n_iter=3 * size, generation_size=size, cv=n_folds,
        random_state=0, refit=False,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FitFailedWarning)
        search.fit(X, y)
    res = search.cv_results_
    finite = np.isfinite(res["mean_test_score"])
    # the plan ran as planned: one finite score, then none, then all
    assert finite.tolist() == [i == survivor for i in range(size)] + [False] * size + [
        True] * size
    knots = np.array([p.knots["eta0"] for p in res["policy"]])
    first, later = knots[:size], knots[size:]
    # a failed policy in the elite would have moved the distribution visibly
    assert max(np.abs(k - knots[survivor]).max() for i, k in enumerate(first)
               if i != survivor) > 0.3
    # the survivor alone is the elite (the smallest spread, 0.02 in unit
    # coordinates, so within five of it), in the second generation and, as
    # nothing was learned from it, in the third
    assert np.all(np.isfinite(later))
    np.testing.assert_array_less(np.abs(later - knots[survivor]), 0.1)


@pytest.mark.parametrize("learner", ["cem", "bayes"])
def test_a_numeric_error_score_changes_nothing_the_learner_does(data, learner):
    # error_score=0 is above every score: told as a score, failed policies
    # would be the elite; they must never be, nor best_policy_
    X, y = data
    runs = {}
    for error_score in (0.0, np.nan):
        search = DACSearchCV(
            DivergesAbove(best=0.2), {"eta0": Real(0.01, 0.7)}, n_steps=3, n_iter=12,
            n_knots=2, generation_size=4, learner=learner, safe_to_change=["eta0"],
            cv=2, random_state=0, error_score=error_score, refit=False,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FitFailedWarning)
            search.fit(X, y)
        runs[error_score] = search
    res = runs[0.0].cv_results_
    failed = res["mean_test_score"] == 0.0
    assert failed.any() and (~failed).any()
    assert [repr(p) for p in res["policy"]] == [
        repr(p) for p in runs[np.nan].cv_results_["policy"]
    ]
    assert not failed[runs[0.0].best_index_]
    assert runs[0.0].best_index_ == runs[np.nan].best_index_
    assert runs[0.0].best_score_ < 0
