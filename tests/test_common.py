"""scikit-learn's estimator checks, on the estimators it uses for its own searches."""

import pytest
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression, Ridge, SGDClassifier, SGDRegressor
from sklearn.pipeline import Pipeline
from sklearn.utils import get_tags
from sklearn.utils.estimator_checks import parametrize_with_checks

from skhyper import (
    BayesSearchCV,
    DACSearchCV,
    HyperbandSearchCV,
    HypergradientSearchCV,
    PBTSearchCV,
    Real,
)

pytestmark = pytest.mark.slow  # every search through scikit-learn's estimator checks

# The checks GridSearchCV and RandomizedSearchCV are expected to fail
# (scikit-learn's utils/_test_common/instance_generator.py), for the searches
# that fail them: check_supervised_y_2d expects a DataConversionWarning for a
# 2-d y from an estimator whose tags do not say it takes several outputs (a
# search's do not); a search over a multi-output estimator (Ridge) fits it
# without one. check_requires_y_none passes for every search here. Run as
# strict xfails (setup.cfg): a check that starts to pass must leave this list.
def expected_failed_checks(search):
    """The checks ``search`` is expected to fail, with the reason."""
    if get_tags(search.estimator).target_tags.multi_output:
        return {"check_supervised_y_2d": "DataConversionWarning not caught"}
    return {}


def _cases():
    """The estimators and spaces scikit-learn uses for its own search checks."""
    return [
        (Ridge(), {"alpha": Real(0.1, 1.0)}),
        (LogisticRegression(), {"C": Real(0.1, 1.0)}),
        (Pipeline([("pca", PCA()), ("ridge", Ridge())]), {"ridge__alpha": Real(0.1, 1.0)}),
        (
            Pipeline([("pca", PCA()), ("logisticregression", LogisticRegression())]),
            {"logisticregression__C": Real(0.1, 1.0)},
        ),
    ]


def _searches():
    common = {"cv": 2, "error_score": "raise", "random_state": 0}
    bayes = {"n_iter": 3, "n_initial_points": 2}
    hyperband = {"factor": 3}  # two brackets on 100 samples: the checks, not halving, are tested
    continued = {"resource": "partial_fit", "max_resources": 4, "factor": 2}
    return (
        [BayesSearchCV(est, space, **common, **bayes) for est, space in _cases()]
        + [HyperbandSearchCV(est, space, **common, **hyperband) for est, space in _cases()]
        + [HypergradientSearchCV(est, space, max_iter=3, **common) for est, space in _cases()]
        # the continued-training engine
        + [
            HyperbandSearchCV(est(random_state=0), {"alpha": Real(1e-4, 1e-2)}, **common,
                              **continued)
            for est in (SGDClassifier, SGDRegressor)
        ]
        + [
            PBTSearchCV(est(random_state=0), {"alpha": Real(1e-4, 1e-2)}, population_size=2,
                        n_steps=2, interval=1, **common)
            for est in (SGDClassifier, SGDRegressor)
        ]
        + [
            DACSearchCV(est(random_state=0), {"alpha": Real(1e-4, 1e-2)}, n_steps=2,
                        n_iter=2, **common)
            for est in (SGDClassifier, SGDRegressor)
        ]
    )


# HyperbandSearchCV passes the checks that scikit-learn expects its halving
# searches to fail (fit2d_1sample, nan_inf, one_label_sample_weights,
# fit2d_1feature), so it is held to GridSearchCV's list too.
@parametrize_with_checks(_searches(), expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible_search(estimator, check):
    check(estimator)
