"""Checkpoint and resume: interrupted then resumed equals uninterrupted, for every search."""

import json
import os
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression

from skhyper import BayesSearchCV, Real
from skhyper._checkpoint import decode, encode
from skhyper.callbacks import Checkpoint, DeadlineStopper

from ._estimators import RecordingClassifier
from ._searches import every_search


@pytest.fixture(scope="module")
def data():
    return make_classification(n_samples=120, n_features=6, random_state=0)


class InterruptAfter:
    """Raises KeyboardInterrupt at the end of batch ``n`` (as Ctrl-C would, there)."""

    def __init__(self, n):
        self.n, self.seen = n, 0

    def setup(self, estimator, context):
        self.seen = 0

    def on_fit_task_begin(self, estimator, context):
        pass

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        if getattr(context, "task_name", None) == "batch":
            self.seen += 1
            if self.seen == self.n:
                raise KeyboardInterrupt
        return False

    def teardown(self, estimator, context):
        pass


class LoggedClassifier(RecordingClassifier):
    """Logs every fit in this process (the searches here run with n_jobs=1)."""

    log = []

    def fit(self, X, y, sample_weight=None):
        LoggedClassifier.log.append(self.c)
        return super().fit(X, y, sample_weight)


def _comparable(results):
    """cv_results_ without the timings, which differ between any two runs."""
    return {
        key: value for key, value in results.items()
        if "time" not in key
    }


def _assert_same_results(a, b):
    a, b = _comparable(a), _comparable(b)
    assert sorted(a) == sorted(b)
    for key in a:
        if key == "params":
            assert a[key] == b[key]
        elif np.asarray(a[key]).dtype.kind in "fc":
            np.testing.assert_array_equal(a[key], b[key], err_msg=key)
        else:  # objects such as DAC's policies compare by what they print
            assert [repr(v) for v in a[key]] == [repr(v) for v in b[key]], key


def _quiet_fit(search, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return search.fit(X, y)


@pytest.mark.parametrize("name", list(every_search()))
def test_interrupted_then_resumed_equals_uninterrupted(data, name, tmp_path):
    X, y = data
    path = tmp_path / "search.json"
    full = _quiet_fit(every_search()[name], X, y)
    interrupted = every_search()[name].set_callbacks(Checkpoint(path), InterruptAfter(2))
    with pytest.raises(KeyboardInterrupt):
        _quiet_fit(interrupted, X, y)
    saved = json.loads(path.read_text())["payload"]
    assert len(saved["batches"]) == 2  # both finished batches are on disk
    resumed = _quiet_fit(every_search()[name].set_callbacks(Checkpoint(path)), X, y)
    _assert_same_results(resumed.cv_results_, full.cv_results_)
    assert resumed.best_params_ == full.best_params_
    assert resumed.best_index_ == full.best_index_
    np.testing.assert_array_equal(resumed.predict(X), full.predict(X))
    # the two batches on disk were not fitted again: their fit times are the
    # interrupted run's, read back from the file
    k = full.n_splits_
    first = np.array([out["fit_time"] for b in saved["batches"] for out in b["outs"]])
    n_rows = len(first) // k
    np.testing.assert_allclose(
        resumed.cv_results_["mean_fit_time"][:n_rows], first.reshape(n_rows, k).mean(axis=1)
    )
    # no temporary files are left behind, and one fold-models file at most
    leftovers = sorted(os.listdir(tmp_path))
    assert not [f for f in leftovers if f.endswith(".tmp")]
    assert len([f for f in leftovers if ".models-" in f]) <= 1


@pytest.mark.parametrize("name", ["bayes", "pbt"])
def test_stopped_by_a_deadline_then_resumed(data, name, tmp_path):
    X, y = data
    path = tmp_path / "search.json"
    full = _quiet_fit(every_search()[name], X, y)
    stopped = _quiet_fit(
        every_search()[name].set_callbacks(Checkpoint(path), DeadlineStopper(1e-9)), X, y
    )
    assert len(stopped.cv_results_["params"]) < len(full.cv_results_["params"])
    resumed = _quiet_fit(every_search()[name].set_callbacks(Checkpoint(path)), X, y)
    _assert_same_results(resumed.cv_results_, full.cv_results_)
    # resuming a finished search fits nothing again: the same results at once
    again = _quiet_fit(every_search()[name].set_callbacks(Checkpoint(path)), X, y)
    _assert_same_results(again.cv_results_, full.cv_results_)
    np.testing.assert_array_equal(
        again.cv_results_["mean_fit_time"], resumed.cv_results_["mean_fit_time"]
    )


def _bayes(**params):
    return BayesSearchCV(
        LoggedClassifier(), {"c": Real(0, 1)}, n_iter=4, n_initial_points=2, cv=3,
        random_state=0, **params,
    )


def _write_checkpoint(path, X, y):
    _bayes().set_callbacks(Checkpoint(path), DeadlineStopper(1e-9)).fit(X, y)


@pytest.mark.parametrize(
    "change, match",
    [
        (lambda s, X, y: (s.set_params(n_iter=5), X, y), "parameters: n_iter differ"),
        (lambda s, X, y: (s.set_params(cv=4), X, y), "parameters: cv differ"),
        (lambda s, X, y: (s, X + 1.0, y), "other data: X differ"),
        (lambda s, X, y: (s, X, 1 - y), "other data: y differ"),
        (lambda s, X, y: (s.set_params(search_spaces={"c": Real(0, 2)}), X, y),
         "search_spaces differ"),
    ],
)
def test_a_checkpoint_of_other_parameters_or_data_is_refused_before_any_fit(
    data, tmp_path, change, match
):
    X, y = data
    path = tmp_path / "search.json"
    _write_checkpoint(path, X, y)
    search, X2, y2 = change(_bayes(), X, y)
    search.set_callbacks(Checkpoint(path))
    LoggedClassifier.log.clear()
    with pytest.raises(ValueError, match=match):
        search.fit(X2, y2)
    assert LoggedClassifier.log == []  # refused before any fit


def test_execution_parameters_may_change_on_resume(data, tmp_path):
    X, y = data
    path = tmp_path / "search.json"
    _write_checkpoint(path, X, y)
    resumed = _bayes(n_jobs=2, verbose=0).set_callbacks(Checkpoint(path)).fit(X, y)
    _assert_same_results(resumed.cv_results_, _bayes().fit(X, y).cv_results_)


def test_a_checkpoint_of_another_search_is_refused(data, tmp_path):
    from skhyper import HyperbandSearchCV

    X, y = data
    path = tmp_path / "search.json"
    _write_checkpoint(path, X, y)
    other = HyperbandSearchCV(RecordingClassifier(), {"c": Real(0, 1)}, random_state=0)
    with pytest.raises(ValueError, match="written by BayesSearchCV, not HyperbandSearchCV"):
        other.set_callbacks(Checkpoint(path)).fit(X, y)


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[: len(text) // 2],  # truncated
        lambda text: text.replace('"fit_time":', '"fit_time":1', 1),  # edited
        lambda text: "",  # empty
        lambda text: "not json at all",
        lambda text: json.dumps({"payload": {}, "sha256": "0"}),
    ],
    ids=["truncated", "edited", "empty", "garbage", "wrong-layout"],
)
def test_a_corrupted_checkpoint_is_detected(data, tmp_path, damage):
    X, y = data
    path = tmp_path / "search.json"
    _write_checkpoint(path, X, y)
    path.write_text(damage(path.read_text()))
    with pytest.raises(ValueError, match="truncated or corrupted"):
        _bayes().set_callbacks(Checkpoint(path)).fit(X, y)


def test_a_tampered_fold_models_file_is_not_loaded(data, tmp_path):
    X, y = data
    path = tmp_path / "search.json"
    search = every_search()["pbt"].set_callbacks(Checkpoint(path), InterruptAfter(1))
    with pytest.raises(KeyboardInterrupt):
        _quiet_fit(search, X, y)
    (models,) = [f for f in os.listdir(tmp_path) if ".models-" in f]
    with open(tmp_path / models, "ab") as f:
        f.write(b"\0")
    with pytest.raises(ValueError, match="fold-models file .* does not match"):
        _quiet_fit(every_search()["pbt"].set_callbacks(Checkpoint(path)), X, y)


def test_resume_false_starts_afresh(data, tmp_path):
    X, y = data
    path = tmp_path / "search.json"
    path.write_text("an old file, not a checkpoint")
    search = _bayes().set_callbacks(Checkpoint(path, resume=False)).fit(X, y)
    saved = json.loads(path.read_text())["payload"]
    assert len(saved["batches"]) == len(search.cv_results_["params"]) == 4


def test_a_checkpoint_needs_a_seed(data, tmp_path):
    X, y = data
    search = _bayes().set_params(random_state=None).set_callbacks(
        Checkpoint(tmp_path / "search.json")
    )
    LoggedClassifier.log.clear()
    with pytest.raises(ValueError, match="random_state"):
        search.fit(X, y)
    assert LoggedClassifier.log == [] and not (tmp_path / "search.json").exists()


def test_a_checkpoint_in_a_missing_directory_is_refused_before_any_fit(data, tmp_path):
    X, y = data
    search = _bayes().set_callbacks(Checkpoint(tmp_path / "no" / "such" / "dir.json"))
    LoggedClassifier.log.clear()
    with pytest.raises(ValueError, match="not in a writable directory"):
        search.fit(X, y)
    assert LoggedClassifier.log == []


def test_two_checkpoints_are_refused(data, tmp_path):
    X, y = data
    search = _bayes().set_callbacks(Checkpoint(tmp_path / "a"), Checkpoint(tmp_path / "b"))
    with pytest.raises(ValueError, match="2 Checkpoint callbacks"):
        search.fit(X, y)


@pytest.mark.parametrize(
    "args, error, match",
    [
        ((3,), TypeError, "path must be a str or os.PathLike"),
        (("x.json", "yes"), TypeError, "resume must be True or False"),
    ],
)
def test_bad_checkpoint_parameters(args, error, match):
    with pytest.raises(error, match=match):
        Checkpoint(*args)


def test_encoding_round_trips_fold_results():
    value = {
        "test_scores": {"acc": np.float64(0.5), "nll": float("nan")},
        "grad": np.arange(6, dtype=np.float32).reshape(2, 3),
        "n": np.int64(3), "ok": np.bool_(True), "fit_error": None,
        "trajectory": [[(0, {"eta0": 0.1})]], "inf": float("-inf"),
        "keys": {1: "a", (2, 3): "b"},
    }
    back = decode(json.loads(json.dumps(encode(value))))
    np.testing.assert_array_equal(back["grad"], value["grad"])
    assert back["grad"].dtype == np.float32
    assert back["test_scores"]["acc"] == 0.5 and np.isnan(back["test_scores"]["nll"])
    assert back["trajectory"] == [[(0, {"eta0": 0.1})]]
    assert back["keys"] == {1: "a", (2, 3): "b"}
    assert back["n"] == 3 and back["ok"] is True and back["inf"] == -np.inf


@pytest.mark.parametrize("value", [object(), np.array([object()]), {1, 2}])
def test_encoding_refuses_what_json_cannot_hold(value):
    with pytest.raises(TypeError, match="cannot checkpoint"):
        encode(value)


def test_decoding_builds_no_object_arrays():
    with pytest.raises(ValueError, match="dtype"):
        decode({"__ndarray__": [1], "dtype": "|O", "shape": [1]})


def test_logistic_regression_checkpoint_example_is_reproducible(tmp_path):
    # the docstring's example, with a search that fits for real
    X, y = make_classification(n_samples=80, random_state=1)
    path = tmp_path / "s.json"

    def search():
        return BayesSearchCV(
            LogisticRegression(), {"C": Real(1e-2, 1e2, prior="log-uniform")}, n_iter=5,
            n_initial_points=2, random_state=3,
        )

    with pytest.raises(KeyboardInterrupt):
        search().set_callbacks(Checkpoint(path), InterruptAfter(3)).fit(X, y)
    resumed = search().set_callbacks(Checkpoint(path)).fit(X, y)
    _assert_same_results(resumed.cv_results_, search().fit(X, y).cv_results_)


class RaisesLater(RecordingClassifier):
    """Its fits raise from setting ``fail_from`` on (three folds a setting)."""

    calls = [0]
    fail_from = 3  # the fourth setting

    def fit(self, X, y, sample_weight=None):
        RaisesLater.calls[0] += 1
        if (RaisesLater.calls[0] - 1) // 3 >= RaisesLater.fail_from:
            raise RuntimeError("the machine room is on fire")
        return super().fit(X, y, sample_weight)


def test_an_exception_mid_search_leaves_the_finished_batches_on_disk(data, tmp_path):
    X, y = data
    path = tmp_path / "search.json"
    RaisesLater.calls[0] = 0
    search = BayesSearchCV(
        RaisesLater(), {"c": Real(0, 1)}, n_iter=6, n_initial_points=2, cv=3,
        random_state=0, error_score="raise",
    ).set_callbacks(Checkpoint(path))
    with pytest.raises(RuntimeError, match="on fire"):
        search.fit(X, y)
    saved = json.loads(path.read_text())["payload"]
    assert len(saved["batches"]) == 3  # the three settings before the failing one
    # the cause is gone: resuming fits only what is left, to the full result
    RaisesLater.fail_from = 10**9
    try:
        RaisesLater.calls[0] = 0
        resumed = search.fit(X, y)
        assert RaisesLater.calls[0] == 3 * 3 + 1  # three settings of three folds, the refit
    finally:
        RaisesLater.fail_from = 3
    assert len(resumed.cv_results_["params"]) == 6
