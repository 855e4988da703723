"""scikit-learn's estimator checks, on the estimators it uses for its own searches."""

from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import Pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks

from skhyper import BayesSearchCV, Real

# The checks GridSearchCV and RandomizedSearchCV are expected to fail
# (scikit-learn's utils/_test_common/instance_generator.py); no others.
EXPECTED_FAILED_CHECKS = {
    "check_supervised_y_2d": "DataConversionWarning not caught",
    "check_requires_y_none": "Doesn't fail gracefully",
}


def _searches():
    common = dict(cv=2, error_score="raise", n_iter=3, n_initial_points=2, random_state=0)
    return [
        BayesSearchCV(Ridge(), {"alpha": Real(0.1, 1.0)}, **common),
        BayesSearchCV(LogisticRegression(), {"C": Real(0.1, 1.0)}, **common),
        BayesSearchCV(
            Pipeline([("pca", PCA()), ("ridge", Ridge())]),
            {"ridge__alpha": Real(0.1, 1.0)},
            **common,
        ),
        BayesSearchCV(
            Pipeline([("pca", PCA()), ("logisticregression", LogisticRegression())]),
            {"logisticregression__C": Real(0.1, 1.0)},
            **common,
        ),
    ]


@parametrize_with_checks(
    _searches(), expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS
)
def test_sklearn_compatible_search(estimator, check):
    check(estimator)
