"""Checkpoint and resume: interrupted then resumed equals uninterrupted, for every search."""

import functools
import json
import os
import pickle
import stat
import sys
import threading
import types
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.metrics import make_scorer

from skhyper import BayesSearchCV, PBTSearchCV, Real
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


def _records(path):
    """The batches a checkpoint holds, as saved (fold results ``outs``, ...)."""
    return [json.loads(line)["record"] for line in open(path).read().splitlines()[1:]]


def _interrupt(search, path, n, X, y, **checkpoint):
    """Fit ``search`` with a Checkpoint at ``path`` until Ctrl-C after batch ``n``."""
    with pytest.raises(KeyboardInterrupt):
        _quiet_fit(search.set_callbacks(Checkpoint(path, **checkpoint), InterruptAfter(n)),
                   X, y)


def _quiet_fit(search, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return search.fit(X, y)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(every_search()))
def test_interrupted_then_resumed_equals_uninterrupted(data, name, tmp_path):
    X, y = data
    path = tmp_path / "search.json"
    full = _quiet_fit(every_search()[name], X, y)
    interrupted = every_search()[name].set_callbacks(Checkpoint(path), InterruptAfter(2))
    with pytest.raises(KeyboardInterrupt):
        _quiet_fit(interrupted, X, y)
    saved = _records(path)
    assert len(saved) == 2  # both finished batches are on disk
    resumed = _quiet_fit(every_search()[name].set_callbacks(Checkpoint(path)), X, y)
    _assert_same_results(resumed.cv_results_, full.cv_results_)
    assert resumed.best_params_ == full.best_params_
    assert resumed.best_index_ == full.best_index_
    np.testing.assert_array_equal(resumed.predict(X), full.predict(X))
    # the two batches on disk were not fitted again: their fit times are the
    # interrupted run's, read back from the file
    k = full.n_splits_
    first = np.array([out["fit_time"] for b in saved for out in b["outs"]])
    n_rows = len(first) // k
    np.testing.assert_allclose(
        resumed.cv_results_["mean_fit_time"][:n_rows], first.reshape(n_rows, k).mean(axis=1)
    )
    # no temporary files are left behind, and two fold-models files at most
    leftovers = sorted(os.listdir(tmp_path))
    assert not [f for f in leftovers if f.endswith(".tmp")]
    assert len([f for f in leftovers if f != "search.json"]) <= 2


@pytest.mark.slow
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
        LoggedClassifier(), {"c": Real(0, 1)}, n_iter=4, n_initial_points=2,
        **{"cv": 3, "random_state": 0, **params},
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


@pytest.mark.slow
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
        lambda text: _line({"format": "skhyper-checkpoint", "version": 2}),
    ],
    ids=["truncated", "edited", "empty", "garbage", "wrong-layout", "no-fingerprint"],
)
def test_a_corrupted_checkpoint_is_detected(data, tmp_path, damage):
    X, y = data
    path = tmp_path / "search.json"
    _write_checkpoint(path, X, y)
    path.write_text(damage(path.read_text()))
    with pytest.raises(ValueError, match="truncated or corrupted"):
        _bayes().set_callbacks(Checkpoint(path)).fit(X, y)


@pytest.mark.slow
def test_a_tampered_fold_models_file_is_not_loaded(data, tmp_path):
    X, y = data
    path = tmp_path / "search.json"
    search = every_search()["pbt"].set_callbacks(Checkpoint(path), InterruptAfter(1))
    with pytest.raises(KeyboardInterrupt):
        _quiet_fit(search, X, y)
    (models,) = [f for f in os.listdir(tmp_path) if ".models." in f]
    with open(tmp_path / models, "ab") as f:
        f.write(b"\0")
    with pytest.raises(ValueError, match="fold-models file .* does not match"):
        _quiet_fit(every_search()["pbt"].set_callbacks(Checkpoint(path)), X, y)


def test_resume_false_starts_afresh(data, tmp_path):
    X, y = data
    path = tmp_path / "search.json"
    path.write_text("an old file, not a checkpoint")
    search = _bayes().set_callbacks(Checkpoint(path, resume=False)).fit(X, y)
    assert len(_records(path)) == len(search.cv_results_["params"]) == 4


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


@pytest.mark.slow
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
    assert len(_records(path)) == 3  # the three settings before the failing one
    # the cause is gone: resuming fits only what is left, to the full result
    RaisesLater.fail_from = 10**9
    try:
        RaisesLater.calls[0] = 0
        resumed = search.fit(X, y)
        assert RaisesLater.calls[0] == 3 * 3 + 1  # three settings of three folds, the refit
    finally:
        RaisesLater.fail_from = 3
    assert len(resumed.cv_results_["params"]) == 6


# -- loading a checkpoint runs no code unless the user allows it (issue 25) ----------
class _RunsCode:
    """Unpickling it creates ``marker``: proof that a file ran code."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (exec, (f"open({self.marker!r}, 'w').close()",))


def _sha256(data):
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _line(record):
    text = json.dumps(record, sort_keys=True, separators=(",", ":"))
    return f'{{"record":{text},"sha256":"{_sha256(text.encode())}"}}\n'


def _plant_pickle(path, marker, codec="pickle"):
    """Do what someone with write access to the folder can: put a pickle that
    runs code at every file name skhyper could derive from ``path`` and over
    every other file beside it, and edit the checkpoint (its checksums
    recomputed) so that it names that pickle as the fold-models to load."""
    data = pickle.dumps(_RunsCode(marker))
    folder, name = os.path.split(str(path))
    targets = {os.path.join(folder, f) for f in os.listdir(folder) if f != name}
    targets |= {f"{path}.models.0", f"{path}.models.1", f"{path}.models-1",
                f"{path}.models-2", os.path.join(folder, "innocent.pkl")}
    for target in targets:
        with open(target, "wb") as f:
            f.write(data)
    text = open(path).read()
    if text.startswith('{"payload":'):  # version 1
        payload = json.loads(text)["payload"]
        payload["models"] = ["innocent.pkl", _sha256(data), len(payload["batches"])]
        body = json.dumps(payload, sort_keys=True, separators=(",", ":"))
        document = {"payload": payload, "sha256": _sha256(body.encode())}
        with open(path, "w") as f:
            f.write(json.dumps(document))
        return
    lines = text.splitlines()
    last = json.loads(lines[-1])["record"]
    last["models"] = {"slot": 0, "codec": codec, "sha256": _sha256(data), "members": [0]}
    with open(path, "w") as f:
        f.write("\n".join(lines[:-1]) + "\n" + _line(last))


def _opened_files(monkeypatch, folder):
    """The files under ``folder`` that ``open`` reads from now on."""
    import builtins

    opened, real_open = [], builtins.open

    def spy(file, mode="r", *args, **kwargs):
        if isinstance(file, (str, os.PathLike)) and "r" in mode:
            if os.path.abspath(file).startswith(str(folder)):
                opened.append(os.path.basename(file))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy)
    return opened


@pytest.mark.slow
def test_an_edited_checkpoint_of_a_fresh_search_opens_no_other_file(
    data, tmp_path, monkeypatch
):
    # BayesSearchCV (and every search that fits from scratch) reads its JSON
    # file and nothing else, whatever the file says
    X, y = data
    path, marker = tmp_path / "search.json", tmp_path / "CODE_RAN"
    _interrupt(every_search()["bayes"], path, 1, X, y)
    _plant_pickle(path, marker)
    opened = _opened_files(monkeypatch, tmp_path)
    resumed = _quiet_fit(every_search()["bayes"].set_callbacks(Checkpoint(path)), X, y)
    monkeypatch.undo()
    assert not marker.exists()
    assert set(opened) == {"search.json"}
    _assert_same_results(resumed.cv_results_, _quiet_fit(every_search()["bayes"], X, y)
                         .cv_results_)


@pytest.mark.parametrize("codec", ["pickle", "skops"])
@pytest.mark.parametrize("name", ["pbt", "hyperband-partial_fit"])
def test_an_edited_checkpoint_naming_a_pickle_runs_nothing(data, tmp_path, name, codec):
    X, y = data
    path, marker = tmp_path / "search.json", tmp_path / "CODE_RAN"
    _interrupt(every_search()[name], path, 1, X, y)
    _plant_pickle(path, marker, codec)
    with pytest.raises(ValueError, match="fold-models") as error:
        _quiet_fit(every_search()[name].set_callbacks(Checkpoint(path)), X, y)
    assert not marker.exists()
    if codec == "pickle":  # the message says how to allow it, and what that means
        assert "allow_pickle=True" in str(error.value)
        assert "code" in str(error.value)


class UserSGD(SGDClassifier):
    """A user's own estimator class: a type skops does not trust by default."""

    fits = []

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        UserSGD.fits.append(len(X))
        return super().partial_fit(X, y, classes=classes, sample_weight=sample_weight)

    def fit(self, X, y, coef_init=None, intercept_init=None, sample_weight=None):
        UserSGD.fits.append(len(X))
        return super().fit(X, y, coef_init, intercept_init, sample_weight)


def _user_pbt():
    return PBTSearchCV(
        UserSGD(random_state=0), {"alpha": Real(1e-4, 1e-1, prior="log-uniform")},
        population_size=3, n_steps=6, interval=2, cv=3, random_state=0,
    )


USER_SGD = f"{__name__}.UserSGD"


def test_an_untrusted_model_type_is_refused_before_any_fit(data, tmp_path):
    X, y = data
    UserSGD.fits.clear()
    with pytest.raises(ValueError, match="trusted=") as error:
        _quiet_fit(_user_pbt().set_callbacks(Checkpoint(tmp_path / "s.json")), X, y)
    assert USER_SGD in str(error.value) and "allow_pickle" in str(error.value)
    assert UserSGD.fits == []


@pytest.mark.slow
@pytest.mark.parametrize(
    "opt_in", [{"trusted": [USER_SGD]}, {"allow_pickle": True}], ids=["trusted", "pickle"]
)
def test_an_untrusted_model_type_checkpoints_with_an_opt_in(data, tmp_path, opt_in):
    X, y = data
    path = tmp_path / "search.json"
    full = _quiet_fit(_user_pbt(), X, y)
    _interrupt(_user_pbt(), path, 2, X, y, **opt_in)
    if "allow_pickle" in opt_in:  # a pickle is loaded only when allowed again
        with pytest.raises(ValueError, match="allow_pickle=True"):
            _quiet_fit(_user_pbt().set_callbacks(Checkpoint(path)), X, y)
    resumed = _quiet_fit(_user_pbt().set_callbacks(Checkpoint(path, **opt_in)), X, y)
    _assert_same_results(resumed.cv_results_, full.cv_results_)


class _History:
    """A user's own type, which a fitted UserSGDWithHistory holds."""

    def __init__(self):
        self.sizes = []


class UserSGDWithHistory(UserSGD):
    """Its fitted state holds a type of the user's own (as a fitted
    MLPClassifier holds its solver, which skops does not trust either)."""

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        self.history_ = getattr(self, "history_", _History())
        self.history_.sizes.append(len(X))
        return super().partial_fit(X, y, classes=classes, sample_weight=sample_weight)


def test_fitted_models_holding_untrusted_types_need_an_opt_in(data, tmp_path):
    # only the fitted models show the type: refused at the first batch's end,
    # with the type named, then accepted once trusted
    X, y = data
    own = f"{__name__}.UserSGDWithHistory"

    def search():
        return PBTSearchCV(
            UserSGDWithHistory(random_state=0),
            {"alpha": Real(1e-4, 1e-1, prior="log-uniform")},
            population_size=2, n_steps=4, interval=2, cv=2, random_state=0,
        )

    path = tmp_path / "search.json"
    with pytest.raises(ValueError, match="trusted=") as error:
        _quiet_fit(search().set_callbacks(Checkpoint(path, trusted=[own])), X, y)
    assert f"{__name__}._History" in str(error.value)
    trusted = [own, f"{__name__}._History"]
    _interrupt(search(), path, 1, X, y, resume=False, trusted=trusted)
    resumed = _quiet_fit(search().set_callbacks(Checkpoint(path, trusted=trusted)), X, y)
    _assert_same_results(resumed.cv_results_, _quiet_fit(search(), X, y).cv_results_)


@pytest.mark.parametrize(
    "params",
    [{"path": 3}, {"path": "x.json", "resume": "yes"}, {"path": "x.json", "trusted": "a.B"},
     {"path": "x.json", "trusted": [3]}, {"path": "x.json", "allow_pickle": "no"}],
    ids=["path", "resume", "trusted-str", "trusted-item", "allow_pickle"],
)
def test_checkpoint_parameters_are_validated(params):
    # scikit-learn's InvalidParameterError is a TypeError (and a ValueError)
    bad = [name for name in params if name != "path"] or ["path"]
    with pytest.raises(TypeError, match=bad[-1]):
        Checkpoint(**params)


# -- fingerprints of callables (issue 25) ---------------------------------------------
def _returning(value):
    return lambda est, X, y: value


def _with_default(value):
    def score(est, X, y, value=value):
        return value

    return score


SCALE = 1.0


def _scaled(est, X, y):
    return SCALE * est.score(X, y)


def _metric(offset):
    def metric(y_true, y_pred):
        return float(np.mean(y_true == y_pred)) + offset

    return metric


def _shift(offset):
    def shift(X):
        return X + offset

    return shift


def _another_scorer(monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "SCALE", 2.0)
    return {"scoring": _scaled}


class Settings:
    """A user's class whose attribute a scorer reads."""

    scale = 1.0


def _scaled_by_class(est, X, y):
    return Settings.scale * est.score(X, y)


def _scaled_by_module(est, X, y):
    return _settings_module.scale * est.score(X, y)


# a module of the user's, as `import settings` would give
_settings_module = types.ModuleType("user_settings")
_settings_module.__file__ = __file__
_settings_module.scale = 1.0


def _another_class_attribute(monkeypatch):
    monkeypatch.setattr(Settings, "scale", 2.0)
    return {"scoring": _scaled_by_class}


def _another_module_attribute(monkeypatch):
    monkeypatch.setattr(_settings_module, "scale", 2.0)
    return {"scoring": _scaled_by_module}


@pytest.mark.parametrize(
    "before, after",
    [
        ({"scoring": lambda e, X, y: e.score(X, y)}, {"scoring": lambda e, X, y: -e.score(X, y)}),
        ({"scoring": _returning(1.0)}, {"scoring": _returning(2.0)}),
        ({"scoring": _with_default(1.0)}, {"scoring": _with_default(2.0)}),
        ({"scoring": _scaled}, _another_scorer),
        ({"scoring": make_scorer(_metric(0.0))}, {"scoring": make_scorer(_metric(1.0))}),
        ({"scoring": functools.partial(_with_default(0), value=1.0)},
         {"scoring": functools.partial(_with_default(0), value=2.0)}),
        ({"refit": lambda results: 0}, {"refit": lambda results: 1}),
        ({"scoring": _scaled_by_class}, _another_class_attribute),
        ({"scoring": _scaled_by_module}, _another_module_attribute),
    ],
    ids=["code", "closure", "defaults", "global", "make_scorer", "partial", "refit",
         "class attribute", "module attribute"],
)
def test_resume_refuses_another_callable_of_the_same_name(
    data, tmp_path, monkeypatch, before, after
):
    X, y = data
    path = tmp_path / "search.json"
    _bayes(**before).set_callbacks(Checkpoint(path), DeadlineStopper(1e-9)).fit(X, y)
    after = after(monkeypatch) if callable(after) else after
    LoggedClassifier.log.clear()
    with pytest.raises(ValueError, match=f"parameters: {next(iter(after))} differ"):
        _bayes(**after).set_callbacks(Checkpoint(path)).fit(X, y)
    assert LoggedClassifier.log == []


def test_resume_refuses_an_estimator_holding_another_function(data, tmp_path):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    def search(offset):
        pipe = make_pipeline(FunctionTransformer(_shift(offset)), LoggedClassifier())
        return BayesSearchCV(pipe, {"loggedclassifier__c": Real(0, 1)}, n_iter=3, cv=3,
                             random_state=0)

    X, y = data
    path = tmp_path / "search.json"
    search(0.0).set_callbacks(Checkpoint(path), DeadlineStopper(1e-9)).fit(X, y)
    with pytest.raises(ValueError, match="parameters: estimator differ"):
        search(1.0).set_callbacks(Checkpoint(path)).fit(X, y)
    search(0.0).set_callbacks(Checkpoint(path)).fit(X, y)  # the same function, rebuilt


@pytest.mark.parametrize(
    "make",
    [lambda: _returning(1.0), lambda: make_scorer(_metric(0.0)),
     lambda: functools.partial(_with_default(0), value=1.0)],
    ids=["closure", "make_scorer", "partial"],
)
def test_resume_accepts_the_same_callable_made_again(data, tmp_path, make):
    X, y = data
    path = tmp_path / "search.json"
    _bayes(scoring=make()).set_callbacks(Checkpoint(path), DeadlineStopper(1e-9)).fit(X, y)
    resumed = _bayes(scoring=make()).set_callbacks(Checkpoint(path)).fit(X, y)
    _assert_same_results(resumed.cv_results_, _bayes(scoring=make()).fit(X, y).cv_results_)


class _Opaque:
    """A callable skhyper cannot see into: slots, and a lock that does not pickle."""

    __slots__ = ("lock",)

    def __init__(self):
        self.lock = threading.Lock()

    def __call__(self, est, X, y):
        return est.score(X, y)


def test_a_callable_that_cannot_be_fingerprinted_cannot_resume(data, tmp_path):
    X, y = data
    path = tmp_path / "search.json"
    scorer = _Opaque()
    with pytest.warns(UserWarning, match="scoring"):
        _bayes(scoring=scorer).set_callbacks(Checkpoint(path), DeadlineStopper(1e-9)).fit(X, y)
    LoggedClassifier.log.clear()
    with pytest.raises(ValueError, match="scoring.*cannot be fingerprinted"):
        _bayes(scoring=scorer).set_callbacks(Checkpoint(path)).fit(X, y)
    assert LoggedClassifier.log == []


# -- the files (issue 25) -------------------------------------------------------------
@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_checkpoint_files_follow_the_umask(data, tmp_path, umask):
    X, y = data
    path = tmp_path / "search.json"
    old = os.umask(umask)
    try:
        _quiet_fit(every_search()["pbt"].set_callbacks(Checkpoint(path)), X, y)
    finally:
        os.umask(old)
    files = sorted(os.listdir(tmp_path))
    assert len(files) >= 2  # the checkpoint and a fold-models file
    for name in files:
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == 0o666 & ~umask, name


def test_each_batch_appends_to_the_file(data, tmp_path):
    # the batches already written are not written again: a batch costs what
    # it adds, not the size of the whole file
    X, y = data
    path = tmp_path / "search.json"
    _interrupt(every_search()["bayes"], path, 2, X, y)
    first = path.read_bytes()
    _quiet_fit(every_search()["bayes"].set_callbacks(Checkpoint(path)), X, y)
    assert path.read_bytes().startswith(first)
    assert len(_records(path)) == 6


@pytest.mark.slow
@pytest.mark.parametrize("torn", [1, 10, 100])
def test_a_torn_last_record_is_dropped_on_resume(data, tmp_path, torn):
    # a kill during an append leaves part of the last batch's record: that
    # batch is fitted again, the others are read
    X, y = data
    path = tmp_path / "search.json"
    _interrupt(every_search()["pbt"], path, 2, X, y)
    text = path.read_bytes()
    path.write_bytes(text[:-torn])
    resumed = _quiet_fit(every_search()["pbt"].set_callbacks(Checkpoint(path)), X, y)
    _assert_same_results(resumed.cv_results_, _quiet_fit(every_search()["pbt"], X, y)
                         .cv_results_)


@pytest.mark.slow
def test_a_kill_between_the_models_and_their_record_resumes(data, tmp_path, monkeypatch):
    # the third batch's fold-models are written, and the process dies before
    # its record is: the second record and the slot it names are intact
    from skhyper import _checkpoint

    X, y = data
    path = tmp_path / "search.json"
    real_line, records = _checkpoint._line, []

    def dies_at_the_third_record(record):
        if "key" in record:
            if len(records) == 2:
                raise KeyboardInterrupt
            records.append(record)
        return real_line(record)

    monkeypatch.setattr(_checkpoint, "_line", dies_at_the_third_record)
    with pytest.raises(KeyboardInterrupt):
        _quiet_fit(every_search()["pbt"].set_callbacks(Checkpoint(path)), X, y)
    monkeypatch.undo()
    assert len(_records(path)) == 2
    assert {"search.json.models.0", "search.json.models.1"} <= set(os.listdir(tmp_path))
    resumed = _quiet_fit(every_search()["pbt"].set_callbacks(Checkpoint(path)), X, y)
    _assert_same_results(resumed.cv_results_, _quiet_fit(every_search()["pbt"], X, y)
                         .cv_results_)


def test_an_edited_middle_record_is_corruption(data, tmp_path):
    X, y = data
    path = tmp_path / "search.json"
    _interrupt(every_search()["bayes"], path, 3, X, y)
    text = path.read_text().replace('"fit_time":', '"fit_time":1', 1)
    path.write_text(text)
    with pytest.raises(ValueError, match="corrupted"):
        _quiet_fit(every_search()["bayes"].set_callbacks(Checkpoint(path)), X, y)


def test_the_folder_is_synced_after_the_file_is_made(data, tmp_path, monkeypatch):
    X, y = data
    synced, real_fsync = [], os.fsync

    def spy(fd):
        synced.append(stat.S_ISDIR(os.fstat(fd).st_mode))
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", spy)
    _bayes().set_callbacks(Checkpoint(tmp_path / "search.json")).fit(X, y)
    assert any(synced)


def test_a_generator_cv_can_resume(data, tmp_path):
    # the folds are fingerprinted; the generator object itself cannot be
    from sklearn.model_selection import StratifiedKFold

    X, y = data

    def search():
        folds = StratifiedKFold(3, shuffle=True, random_state=0).split(X, y)
        return _bayes(cv=(fold for fold in folds))

    path = tmp_path / "search.json"
    with pytest.raises(KeyboardInterrupt):
        search().set_callbacks(Checkpoint(path), InterruptAfter(2)).fit(X, y)
    resumed = search().set_callbacks(Checkpoint(path)).fit(X, y)
    _assert_same_results(resumed.cv_results_, search().fit(X, y).cv_results_)
    # other folds are still refused
    other = _bayes(cv=(f for f in StratifiedKFold(3, shuffle=True, random_state=1).split(X, y)))
    with pytest.raises(ValueError, match="folds differ"):
        other.set_callbacks(Checkpoint(path)).fit(X, y)


@pytest.mark.parametrize("resume", [True, False])
def test_a_directory_path_is_refused_before_any_fit(data, tmp_path, resume):
    X, y = data
    LoggedClassifier.log.clear()
    with pytest.raises(ValueError, match="is a directory") as error:
        _bayes().set_callbacks(Checkpoint(tmp_path, resume=resume)).fit(X, y)
    assert str(tmp_path) in str(error.value) and "corrupted" not in str(error.value)
    assert LoggedClassifier.log == []


def test_our_stray_temporaries_are_removed_at_the_next_start(data, tmp_path):
    X, y = data
    ours = ["search.json.ab12cd_9.tmp", "search.json.models-2.pub_y7hd.tmp",
            "search.json.models.1.x1y2z3w4.tmp"]
    theirs = ["other.json.ab12cd_9.tmp", "search.json.notes.tmp", "search.json.bak"]
    for name in ours + theirs:
        (tmp_path / name).write_text("left by a kill")
    _bayes().set_callbacks(Checkpoint(tmp_path / "search.json")).fit(X, y)
    assert sorted(os.listdir(tmp_path)) == sorted(theirs + ["search.json"])


def test_a_version_1_checkpoint_is_refused_clearly(data, tmp_path):
    # written by skhyper before issue 25: its fold-models file is a pickle it
    # names itself; it is not read, and nothing it names runs
    X, y = data
    path, marker = tmp_path / "search.json", tmp_path / "CODE_RAN"
    payload = {"format": "skhyper-checkpoint", "version": 1, "fingerprint": {},
               "batches": [], "models": None}
    body = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    path.write_text(json.dumps({"payload": payload, "sha256": _sha256(body.encode())}))
    _plant_pickle(path, marker)
    with pytest.raises(ValueError, match="version 1.*resume=False"):
        _bayes().set_callbacks(Checkpoint(path)).fit(X, y)
    assert not marker.exists()
    search = _bayes().set_callbacks(Checkpoint(path, resume=False)).fit(X, y)
    assert len(_records(path)) == len(search.cv_results_["params"])


_IN_ANOTHER_PROCESS = """
import sys
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer
from skhyper import BayesSearchCV, Real
from skhyper.callbacks import Checkpoint, DeadlineStopper

def score(est, X, y):  # a set constant: its order follows the hash seed
    return est.score(X, y) if type(est).__name__ not in {"A", "B", "C"} else 0.0

X, y = make_classification(n_samples=80, random_state=0)
search = BayesSearchCV(
    make_pipeline(FunctionTransformer(lambda X: 2 * X), LogisticRegression()),
    {"logisticregression__C": Real(1e-2, 1e2, prior="log-uniform")}, n_iter=3, cv=2,
    random_state=0, scoring={"s": score, "a": "accuracy"}, refit="s",
)
callbacks = [Checkpoint(sys.argv[1])] + [DeadlineStopper(1e-9)] * (sys.argv[2] == "stop")
print(len(search.set_callbacks(*callbacks).fit(X, y).cv_results_["params"]))
"""


@pytest.mark.slow
def test_a_checkpoint_resumes_in_another_process(tmp_path):
    # what the fingerprints hold does not depend on the process (its hash
    # seed, the addresses of its objects)
    import subprocess

    path = str(tmp_path / "search.json")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

    def run(seed, how):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": root}
        return subprocess.run(
            [sys.executable, "-c", _IN_ANOTHER_PROCESS, path, how], env=env,
            capture_output=True, text=True, check=True,
        ).stdout.split()[-1]

    assert run("1", "stop") == "1"
    assert run("2", "resume") == "3"
    assert len(_records(path)) == 3
