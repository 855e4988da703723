"""A fold's data: large arrays go to loky workers as files, made once."""

import os
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import SGDClassifier


class MemmapOnlySGD(SGDClassifier):
    """Trains only on a memory-mapped X: proof that a task got its fold by file."""

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        if not isinstance(X, np.memmap):
            raise TypeError(f"X is a {type(X).__name__}, not a memmap")
        return super().partial_fit(X, y, classes=classes, sample_weight=sample_weight)


def _big_pbt(estimator, **params):
    from skhyper import PBTSearchCV, Real

    return PBTSearchCV(
        estimator, {"alpha": Real(1e-4, 1e-1, prior="log-uniform")},
        population_size=2, n_steps=2, interval=1, cv=3, random_state=0, **params,
    )


@pytest.mark.slow
def test_large_folds_go_to_loky_workers_as_files_made_once(monkeypatch):
    # a training fold of 1 MiB or more is written to a file when it is made
    # and mapped read-only; joblib sends it by name, and the files go when
    # the search is over
    import skhyper._folds as folds_module

    X, y = make_classification(n_samples=4000, n_features=50, random_state=0)
    folders = []

    class Recorded(folds_module.tempfile.TemporaryDirectory):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            folders.append(self.name)

    monkeypatch.setattr(folds_module.tempfile, "TemporaryDirectory", Recorded)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search = _big_pbt(MemmapOnlySGD(random_state=0), n_jobs=2, refit=False,
                          error_score="raise").fit(X, y)
        assert len(search.cv_results_["params"]) == 4
        assert len(folders) == 1 and not os.path.exists(folders[0])
        with pytest.raises(TypeError, match="not a memmap"):  # n_jobs=1 keeps them
            _big_pbt(MemmapOnlySGD(random_state=0), n_jobs=1, refit=False,
                     error_score="raise").fit(X, y)
        assert len(folders) == 1
        one = _big_pbt(SGDClassifier(random_state=0), n_jobs=1).fit(X, y)
        two = _big_pbt(SGDClassifier(random_state=0), n_jobs=2).fit(X, y)
    for key in ("mean_test_score", "split0_test_score", "param_alpha"):
        np.testing.assert_array_equal(two.cv_results_[key], one.cv_results_[key])


def test_shared_folds_keep_small_and_object_arrays_in_memory():
    from skhyper._folds import _Fold, _SharedFolds

    big = np.arange(2**18, dtype=float).reshape(-1, 4)  # 2 MiB
    labels = np.array(["a", "b"] * (2**17), dtype=object)
    fold = _Fold(big, labels, big[:10], labels[:10], {}, {}, {})
    shared = _SharedFolds(True)
    shared.share(0, fold)
    assert isinstance(fold.X_train, np.memmap) and not fold.X_train.flags.writeable
    np.testing.assert_array_equal(fold.X_train, big)
    assert fold.y_train is labels and type(fold.X_test) is np.ndarray
    folder = shared.folder.name
    shared.close()
    assert not os.path.exists(folder)
    off = _Fold(big, labels, big, labels, {}, {}, {})
    _SharedFolds(False).share(0, off)
    assert off.X_train is big
