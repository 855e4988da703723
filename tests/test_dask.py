"""Every search on a real dask.distributed cluster (worker processes on loopback)."""

import logging
import os
import signal
import threading
import time
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import SGDClassifier

from skhyper import BayesSearchCV, PBTSearchCV, Real
from skhyper import _folds
from skhyper.callbacks import Checkpoint

from ._estimators import ConstantClassifier
from ._searches import every_search
from .test_checkpoint import InterruptAfter

pytestmark = pytest.mark.slow  # starts local dask clusters

distributed = pytest.importorskip("distributed")  # the "dask" extra
joblib = pytest.importorskip("joblib")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    with cluster, distributed.Client(cluster) as client:
        yield client


@pytest.fixture(scope="module")
def data():
    return make_classification(n_samples=120, n_features=6, random_state=0)


def _fit(search, X, y, backend=None, n_jobs=None):
    if n_jobs is not None:
        search.set_params(n_jobs=n_jobs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if backend is None:
            return search.fit(X, y)
        with joblib.parallel_backend(backend):
            return search.fit(X, y)


def _without_times(results):
    return {k: v for k, v in results.items() if "time" not in k}


def _assert_same(a, b):
    a, b = _without_times(a), _without_times(b)
    assert sorted(a) == sorted(b)
    for key in a:
        if np.asarray(a[key]).dtype.kind in "fc":
            np.testing.assert_array_equal(a[key], b[key], err_msg=key)
        else:  # params, masked param columns, DAC's policies: by what they print
            assert [repr(v) for v in a[key]] == [repr(v) for v in b[key]], key


@pytest.mark.parametrize("name", list(every_search()))
def test_same_results_for_n_jobs_1_2_and_the_dask_backend(client, data, name):
    X, y = data
    one = _fit(every_search()[name], X, y, n_jobs=1)
    two = _fit(every_search()[name], X, y, n_jobs=2)
    dask = _fit(every_search()[name], X, y, backend="dask")
    _assert_same(two.cv_results_, one.cv_results_)
    _assert_same(dask.cv_results_, one.cv_results_)
    assert dask.best_params_ == one.best_params_
    np.testing.assert_array_equal(dask.predict(X), one.predict(X))


class _ScatterCounter:
    """Counts the arrays (and continued-training folds) sent to the workers;
    fold-models, which change at every step, are not data."""

    def __init__(self, client):
        self.client, self.calls = client, 0
        self.original = client.scatter

    def __call__(self, data, *args, **kwargs):
        items = data if isinstance(data, list) else [data]
        self.calls += sum(
            isinstance(item, np.ndarray) or type(item).__name__ == "_Fold" for item in items
        )
        return self.original(data, *args, **kwargs)


@pytest.mark.parametrize("name", ["bayes", "pbt"])
def test_data_goes_to_the_workers_once_per_fit_not_per_batch(client, data, name, monkeypatch):
    # joblib's dask backend scatters large arguments once per Parallel call,
    # i.e. per batch; the searches send theirs once for the whole fit
    X, y = make_classification(n_samples=400, n_features=20, random_state=0)
    counts = []
    for n_batches in (2, 4):
        search = every_search()[name]
        if name == "bayes":
            search.set_params(n_iter=n_batches)
        else:
            search.set_params(n_steps=2 * n_batches, interval=2)
        counter = _ScatterCounter(client)
        monkeypatch.setattr(client, "scatter", counter)
        _fit(search, X, y, backend="dask")
        monkeypatch.undo()
        counts.append(counter.calls)
    assert counts[0] == counts[1] > 0


class SleepyClassifier(ConstantClassifier):
    """Sleeps in fit, long enough for a worker to be killed while it fits."""

    def __init__(self, c=0.0, seconds=0.2):
        self.c = c
        self.seconds = seconds

    def fit(self, X, y):
        time.sleep(self.seconds)
        return super().fit(X, y)

    def score(self, X, y):
        return -abs(self.c - 0.3)


class KillAWorker:
    """At the end of the first batch, kills one worker process a moment later,
    while the second batch's fits run on it."""

    def __init__(self, client, delay=0.1):
        self.client, self.delay, self.killed = client, delay, None

    def setup(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context):
        pass

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        if getattr(context, "task_name", None) == "batch" and self.killed is None:
            victim = sorted(self.client.scheduler_info()["workers"])[0]
            pid = self.client.run(os.getpid, workers=[victim])[victim]
            self.killed = victim
            threading.Timer(self.delay, os.kill, (pid, signal.SIGKILL)).start()
        return False

    def teardown(self, estimator, context):
        pass

    def __getstate__(self):
        # scikit-learn >= 1.9 sends the callbacks with every fit task; the
        # client stays here
        return {**self.__dict__, "client": None}


def _wait_for_workers(client, n, timeout=120):
    start = time.time()
    while len(client.scheduler_info()["workers"]) < n:
        if time.time() - start > timeout:
            raise RuntimeError("the cluster did not get its workers back")
        time.sleep(0.1)


def test_a_killed_worker_mid_search_loses_nothing(client, data):
    X, y = data
    _wait_for_workers(client, 2)

    def search():
        return BayesSearchCV(
            SleepyClassifier(), {"c": Real(0, 1)}, n_iter=6, n_points=2,
            n_initial_points=4, cv=2, random_state=0,
        )

    before = set(client.scheduler_info()["workers"])
    killer = KillAWorker(client)
    killed = _fit(search().set_callbacks(killer), X, y, backend="dask")
    _wait_for_workers(client, 2)
    after = set(client.scheduler_info()["workers"])
    assert killer.killed in before and killer.killed not in after  # it did die
    reference = _fit(search(), X, y, n_jobs=1)
    _assert_same(killed.cv_results_, reference.cv_results_)
    assert len(killed.cv_results_["params"]) == 6


class CountedSGD(SGDClassifier):
    """Counts the fitted copies of itself that this process unpickles: a
    fold-model coming back from a worker. (The unfitted estimators sent with
    the first tasks are unpickled here too, by the LocalCluster's scheduler,
    which runs in this process.)"""

    unpickled = 0

    def __setstate__(self, state):
        CountedSGD.unpickled += "coef_" in state
        super().__setstate__(state)


@pytest.mark.parametrize("name", ["pbt", "dac", "hyperband-partial_fit"])
def test_the_folds_and_fold_models_stay_on_the_workers(client, data, name, monkeypatch):
    # the continued-training searches keep neither the K training folds nor
    # the members' fold-models in the parent on a cluster, only futures; with
    # loky the fold-models come back after every step (which this test sees)
    X, y = data
    made = []
    subset = _folds._subset
    monkeypatch.setattr(_folds, "_subset", lambda *a: made.append(1) or subset(*a))
    seen = {}
    for mode in ("dask", 2):
        search = every_search()[name]
        search.set_params(estimator=CountedSGD(random_state=0))
        CountedSGD.unpickled, made[:] = 0, []
        if mode == "dask":
            _fit(search, X, y, backend="dask")
        else:
            _fit(search, X, y, n_jobs=2)
        seen[mode] = CountedSGD.unpickled, len(made)
    assert seen["dask"] == (0, 0)
    assert seen[2][0] > 0 and seen[2][1] > 0


class SleepySGD(SGDClassifier):
    """Sleeps in partial_fit, long enough for a worker to be killed meanwhile."""

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        time.sleep(0.05)
        return super().partial_fit(X, y, classes=classes, sample_weight=sample_weight)


def test_a_killed_worker_holding_fold_models_loses_nothing(data):
    # the fold-models of the first batch live on the workers; the one killed
    # takes its share with it, and the search trains them again from their
    # steps. A cluster of its own: no later test waits on its nanny's restart
    # (which CI saw take over 120 s).
    X, y = data

    def search():
        return PBTSearchCV(
            SleepySGD(random_state=0), {"alpha": Real(1e-4, 1e-1, prior="log-uniform")},
            population_size=4, n_steps=4, interval=1, cv=2, random_state=0,
        )

    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
        silence_logs=logging.ERROR,
    ) as cluster, distributed.Client(cluster, set_as_default=False) as own:
        before = set(own.scheduler_info()["workers"])
        killer = KillAWorker(own)
        with warnings.catch_warnings(), joblib.parallel_backend("dask", client=own):
            warnings.simplefilter("ignore")
            killed = search().set_callbacks(killer).fit(X, y)
        assert killer.killed in before
        assert killer.killed not in set(own.scheduler_info()["workers"])
    # the reference needs no sleep: SleepySGD trains as SGDClassifier does
    reference = _fit(search().set_params(estimator=SGDClassifier(random_state=0)), X, y,
                     n_jobs=1)
    _assert_same(killed.cv_results_, reference.cv_results_)
    assert len(killed.cv_results_["params"]) == 16


def test_a_checkpoint_written_on_a_cluster_resumes(client, data, tmp_path):
    # the fold-models written to the checkpoint are fetched from the workers
    X, y = data
    path = tmp_path / "pbt.json"
    full = _fit(every_search()["pbt"], X, y, n_jobs=1)
    interrupted = every_search()["pbt"].set_callbacks(Checkpoint(path), InterruptAfter(2))
    with pytest.raises(KeyboardInterrupt):
        _fit(interrupted, X, y, backend="dask")
    resumed = _fit(every_search()["pbt"].set_callbacks(Checkpoint(path)), X, y, backend="dask")
    _assert_same(resumed.cv_results_, full.cv_results_)
    assert resumed.best_params_ == full.best_params_
