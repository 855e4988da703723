"""Tiny stand-in estimators and problems for fast, exact tests."""

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin


class QuadraticScore(RegressorMixin, BaseEstimator):
    """Ignores the data; its score is -(x - 0.3)^2 - (y - 0.7)^2."""

    def __init__(self, x=0.0, y=0.0):
        self.x = x
        self.y = y

    def fit(self, X, y=None):
        self.n_features_in_ = np.asarray(X).shape[1]
        return self

    def predict(self, X):
        return np.zeros(len(X))

    def score(self, X, y=None, sample_weight=None):
        return -((self.x - 0.3) ** 2) - (self.y - 0.7) ** 2


class FailingClassifier(ClassifierMixin, BaseEstimator):
    """A constant classifier whose fit fails when ``parameter`` is above ``fail_above``."""

    def __init__(self, parameter=0.0, fail_above=0.5):
        self.parameter = parameter
        self.fail_above = fail_above

    def fit(self, X, y):
        if self.parameter > self.fail_above:
            raise ValueError("failing on purpose")
        self.classes_ = np.unique(y)
        self.n_features_in_ = np.asarray(X).shape[1]
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])

    def score(self, X, y, sample_weight=None):
        return 1.0 - self.parameter


class RecordingClassifier(ClassifierMixin, BaseEstimator):
    """Records the sample_weight it was fitted with; predicts the majority class."""

    def __init__(self, c=1.0):
        self.c = c

    def fit(self, X, y, sample_weight=None):
        self.classes_ = np.unique(y)
        self.n_features_in_ = np.asarray(X).shape[1]
        self.seen_weight_ = None if sample_weight is None else np.asarray(sample_weight)
        self.n_fit_samples_ = len(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])


class ConstantClassifier(ClassifierMixin, BaseEstimator):
    """Predicts the first class; subclasses give it parameters and a score."""

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])


class DivergesAbove(ConstantClassifier):
    """Trains by partial_fit, which fails when ``eta0 > 0.5`` (as a diverging
    model raising on overflow would); scores ``-|eta0 - best|``, below zero."""

    def __init__(self, eta0=0.1, best=0.4):
        self.eta0 = eta0
        self.best = best

    def partial_fit(self, X, y, classes=None):
        if self.eta0 > 0.5:
            raise RuntimeError("diverged")
        self.classes_ = np.asarray(classes if classes is not None else np.unique(y))
        return self

    def score(self, X, y, sample_weight=None):
        return -abs(self.eta0 - self.best)


class CallbackRecorder:
    """A scikit-learn (>= 1.9) callback that records the names of the tasks begun."""

    def __init__(self):
        self.names = []

    def setup(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context, **kwargs):
        self.names.append(context.task_name)

    def on_fit_task_end(self, estimator, context, **kwargs):
        pass

    def teardown(self, estimator, context):
        pass


def block_problem(seed, d=4, a=2.0, b=1.0):
    """DESIGN's block-scaled problem: rows a*e_j for the first d coordinates and
    b*e_j for the last d, each twice (KFold(2) trains on one copy, so an epoch
    updates each coordinate once); y = X w*. A step size 1/a^2 solves the first
    block in one epoch and 1/b^2 the second: no fixed eta0 does both."""
    rows = np.diag(np.r_[np.full(d, a), np.full(d, b)])
    X = np.vstack([rows, rows])
    return X, X @ np.random.RandomState(seed).normal(size=2 * d)
