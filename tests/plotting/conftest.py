"""The searches every plotting test draws, fitted once for the package."""

import warnings

import pytest
from sklearn.datasets import make_classification

from .._searches import every_search
from ._searches import sklearn_searches


@pytest.fixture(scope="package")
def data():
    return make_classification(n_samples=120, n_features=6, random_state=0)


@pytest.fixture(scope="package")
def fitted(data):
    X, y = data
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, search in {**every_search(), **sklearn_searches()}.items():
            out[name] = search.fit(X, y)
    return out
