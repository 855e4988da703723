"""skhyper.callbacks: stopping every search, progress, and the hooks' contract."""

import io
import time
import warnings

import numpy as np
import pytest
from scipy.stats import loguniform
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression

from skhyper import BayesSearchCV, Real, _compat
from skhyper.callbacks import DeadlineStopper, NoImprovementStopper, TqdmProgressBar

from ._estimators import ConstantClassifier
from ._searches import every_search as _searches


@pytest.fixture(scope="module")
def data():
    return make_classification(n_samples=120, n_features=6, random_state=0)


class BatchTimes:
    """Records the time and row count at the end of every batch."""

    def __init__(self):
        self.ends = []

    def setup(self, estimator, context):
        self.ends = []

    def on_fit_task_begin(self, estimator, context):
        pass

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        if getattr(context, "task_name", None) == "batch":
            self.ends.append((time.time(), len(fitted_estimator.cv_results_["params"])))
        return False

    def teardown(self, estimator, context):
        pass


class StopAfter(BatchTimes):
    """A plain scikit-learn callback: True from a batch's end stops the search."""

    def __init__(self, n_batches):
        super().__init__()
        self.n_batches = n_batches

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        super().on_fit_task_end(estimator, context, fitted_estimator=fitted_estimator)
        return len(self.ends) >= self.n_batches


def _rows(results):
    return [(repr(sorted(p.items())), s) for p, s in zip(results["params"], results["mean_test_score"])]


@pytest.fixture(params=[True, False], ids=["native", "fallback"])
def callback_api(request, monkeypatch):
    """Both ways the engine calls the hooks: scikit-learn >= 1.9's callback
    contexts, and its own stand-in (what scikit-learn < 1.9 gets)."""
    if request.param and not _compat.HAS_CALLBACK_API:
        pytest.skip("scikit-learn < 1.9 has no callback API")  # covered by fallback
    if not request.param:
        monkeypatch.setattr(_compat, "init_callback_context", lambda search, max_subtasks: None)
    return request.param


@pytest.mark.slow
@pytest.mark.parametrize("name", list(_searches()))
def test_a_stopped_search_keeps_its_rows_and_refits_the_best(data, name, callback_api):
    X, y = data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        full = _searches()[name].fit(X, y)
        stopper = StopAfter(2)
        stopped = _searches()[name].set_callbacks(stopper).fit(X, y)
    n = len(stopped.cv_results_["params"])
    assert len(stopper.ends) == 2  # no batch ran after the one that asked to stop
    assert n == stopper.ends[-1][1] < len(full.cv_results_["params"])
    # the same rows as the uninterrupted search's first ones, scores included
    assert _rows(stopped.cv_results_) == _rows(full.cv_results_)[:n]
    assert stopped.best_index_ < n
    assert stopped.best_estimator_.predict(X).shape == (len(X),)


@pytest.mark.parametrize("name", list(_searches()))
def test_deadline_stops_at_the_first_batch_end_past_it(data, name, callback_api):
    X, y = data
    times = BatchTimes()
    search = _searches()[name]
    # past the deadline as soon as one batch has run; the structure is what is
    # asserted, not how long anything took
    deadline = DeadlineStopper(seconds=1e-6)
    search.set_callbacks(times, deadline)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search.fit(X, y)
    assert deadline.stopped_
    assert len(times.ends) == 1
    assert len(search.cv_results_["params"]) == times.ends[0][1]


@pytest.mark.slow
def test_deadline_is_checked_at_every_batch_end(data, callback_api):
    X, y = data
    times = BatchTimes()
    deadline = DeadlineStopper(seconds=0.5)
    search = BayesSearchCV(
        SleepyClassifier(), {"c": Real(0, 1)}, n_iter=40, n_initial_points=40, cv=2,
        random_state=0,
    ).set_callbacks(times, deadline)
    search.fit(X, y)
    ends = [t - deadline.start_time_ for t, _ in times.ends]
    assert deadline.stopped_ and len(ends) < 40
    # every batch but the last ended before the deadline, the last after it
    assert all(t < deadline.seconds for t in ends[:-1])
    assert deadline.elapsed_ >= deadline.seconds


class SleepyClassifier(ConstantClassifier):
    def __init__(self, c=0.0):
        self.c = c

    def fit(self, X, y):
        time.sleep(0.02)
        return super().fit(X, y)


class OrderedScoreClassifier(ConstantClassifier):
    """Scores ``slope`` times the order in which its setting was fitted
    (two folds a setting; the counter is reset before each test)."""

    calls = [0]

    def __init__(self, c=0.0, slope=1.0):
        self.c = c
        self.slope = slope

    def fit(self, X, y):
        self.order_ = OrderedScoreClassifier.calls[0] // 2
        OrderedScoreClassifier.calls[0] += 1
        return super().fit(X, y)

    def score(self, X, y):
        return self.slope * self.order_


@pytest.fixture(autouse=True)
def _reset_counter():
    OrderedScoreClassifier.calls[0] = 0


def _ordered_search(slope, n_iter=6, n_initial_points=1):
    return BayesSearchCV(
        OrderedScoreClassifier(slope=slope), {"c": Real(0, 1)}, n_iter=n_iter,
        n_initial_points=n_initial_points, cv=2, random_state=0,
    )


def test_no_improvement_counts_evaluations_since_the_best(data, callback_api):
    X, y = data
    stopper = NoImprovementStopper(patience=3)
    search = _ordered_search(slope=-1.0).set_callbacks(stopper).fit(X, y)  # the first is best
    assert stopper.stopped_
    np.testing.assert_array_equal(search.cv_results_["mean_test_score"], [0, -1, -2, -3])
    assert stopper.best_score_ == 0.0 == search.best_score_


@pytest.mark.parametrize("n_initial_points, patience", [(5, 3), (3, 1), (8, 4)])
def test_no_improvement_counts_from_the_first_model_based_proposal(
    data, callback_api, n_initial_points, patience
):
    # the first setting is the best: the initial design never counts, so the
    # search stops after its design and `patience` model-based proposals
    X, y = data
    stopper = NoImprovementStopper(patience=patience)
    search = _ordered_search(-1.0, n_iter=30, n_initial_points=n_initial_points)
    search.set_callbacks(stopper).fit(X, y)
    acquisition = search.cv_results_["acquisition"]
    assert stopper.stopped_ and len(acquisition) == n_initial_points + patience
    assert np.isnan(acquisition[:n_initial_points]).all()
    assert np.isfinite(acquisition[n_initial_points:]).all()
    assert stopper.best_score_ == 0.0 == search.best_score_


@pytest.mark.slow
def test_no_improvement_of_the_new_user_stops_after_the_model_had_its_say(callback_api):
    # the reported case: 5 design points and one proposal, of n_iter=100
    X, y = make_classification(n_samples=800, n_features=20, n_informative=6,
                               random_state=5)
    stopper = NoImprovementStopper(patience=5)
    search = BayesSearchCV(LogisticRegression(max_iter=1000), {"C": loguniform(1e-4, 1e4)},
                           n_iter=100, cv=3, random_state=0).set_callbacks(stopper)
    acquisition = search.fit(X, y).cv_results_["acquisition"]
    assert np.isfinite(acquisition).sum() >= 5
    assert stopper.stopped_ and len(acquisition) < 100


def test_no_improvement_min_delta(data, callback_api):
    X, y = data
    # every evaluation improves by 1: less than min_delta=1.5, more than 0
    stopper = NoImprovementStopper(patience=2, min_delta=1.5)
    search = _ordered_search(slope=1.0).set_callbacks(stopper).fit(X, y)
    assert stopper.stopped_ and len(search.cv_results_["params"]) == 3
    OrderedScoreClassifier.calls[0] = 0
    stopper = NoImprovementStopper(patience=2, min_delta=0.5)
    search = _ordered_search(slope=1.0).set_callbacks(stopper).fit(X, y)
    assert not stopper.stopped_ and len(search.cv_results_["params"]) == 6
    assert stopper.best_score_ == 5.0


def test_fallback_hooks_setup_and_teardown_once_even_on_error(data, monkeypatch):
    monkeypatch.setattr(_compat, "init_callback_context", lambda search, max_subtasks: None)
    X, y = data
    calls = []

    class Hooks(BatchTimes):
        def setup(self, estimator, context):
            calls.append(("setup", context.task_name))

        def teardown(self, estimator, context):
            calls.append(("teardown", context.task_name))

    search = BayesSearchCV(
        LogisticRegression(), {"C": Real(1e-2, 1e2)}, n_iter=2, random_state=0,
        scoring="not-a-scorer",
    ).set_callbacks(Hooks())
    with pytest.raises(ValueError):
        search.fit(X, y)  # fails before the hooks start
    search.set_params(scoring=None, error_score="raise")
    search.set_params(estimator=LogisticRegression(C=-1.0), search_spaces={"tol": Real(1e-4, 1e-3)})
    with pytest.raises(ValueError, match="C"):
        search.fit(X, y)
    assert calls == [("setup", "fit"), ("teardown", "fit")]


def test_callbacks_survive_clone(data):
    from sklearn.base import clone

    stopper = StopAfter(1)
    search = BayesSearchCV(
        LogisticRegression(), {"C": Real(1e-2, 1e2)}, n_iter=3, random_state=0
    ).set_callbacks(stopper)
    clone(search).fit(*data)
    assert len(stopper.ends) == 1


def test_set_callbacks_refuses_what_is_not_a_callback():
    search = BayesSearchCV(LogisticRegression(), {"C": Real(1e-2, 1e2)})
    with pytest.raises(TypeError, match="callbacks"):
        search.set_callbacks(object())
    with pytest.raises(TypeError, match="callbacks"):
        search.set_callbacks(DeadlineStopper)


@pytest.mark.parametrize(
    "make, error, match",
    [
        (lambda: DeadlineStopper(0), ValueError, "'seconds' parameter of DeadlineStopper"),
        (lambda: DeadlineStopper(-1.0), ValueError, "'seconds' parameter"),
        (lambda: DeadlineStopper("10"), TypeError, "'seconds' parameter .* must be a float"),
        (lambda: DeadlineStopper(float("nan")), ValueError, "'seconds' parameter.*Got nan"),
        (lambda: DeadlineStopper(float("inf")), ValueError, "'seconds' parameter.*Got inf"),
        (lambda: DeadlineStopper(True), TypeError, "'seconds' parameter .* not a bool"),
        (lambda: NoImprovementStopper(0), ValueError,
         r"'patience' parameter of NoImprovementStopper must be an int in the range \[1, inf\)"),
        (lambda: NoImprovementStopper(2.5), TypeError, "'patience' parameter .* must be an int"),
        (lambda: NoImprovementStopper(True), TypeError, "'patience' parameter .* not a bool"),
        (lambda: NoImprovementStopper(3, min_delta=-0.1), ValueError,
         r"'min_delta' parameter .* range \[0.0, inf\)"),
        (lambda: NoImprovementStopper(3, min_delta="x"), TypeError, "'min_delta'"),
    ],
)
def test_bad_callback_parameters_are_named(make, error, match):
    with pytest.raises(error, match=match):
        make()


@pytest.mark.slow
@pytest.mark.parametrize("n_jobs", [1, 2])
def test_tqdm_bar_shows_evaluations_best_and_time_left(data, n_jobs, callback_api):
    pytest.importorskip("tqdm")
    X, y = data
    out = io.StringIO()
    search = BayesSearchCV(
        LogisticRegression(), {"C": Real(1e-2, 1e2, prior="log-uniform")}, n_iter=4,
        random_state=0, n_jobs=n_jobs,
    ).set_callbacks(TqdmProgressBar(file=out, mininterval=0), DeadlineStopper(3600))
    search.fit(X, y)
    text = out.getvalue()
    assert "4/4" in text
    assert f"best={search.best_score_:.4g}" in text
    assert "left=" in text


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(_searches()))
def test_tqdm_bar_total_is_the_rows_the_search_evaluates(data, name):
    """Every search but the hypergradient one, whose descent ends at its
    tolerance, knows its number of rows before the first fit."""
    pytest.importorskip("tqdm")
    X, y = data
    out = io.StringIO()
    search = _searches()[name].set_callbacks(TqdmProgressBar(file=out, mininterval=0))
    search.fit(X, y)
    n_rows = len(search.cv_results_["params"])
    text = out.getvalue().replace(" ", "")
    if name == "hypergradient":
        assert f"{n_rows}eval" in text and f"/{n_rows}" not in text
    else:
        assert f"{n_rows}/{n_rows}" in text
