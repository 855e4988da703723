"""
===========================================
Which hyperparameters matter, and where
===========================================

After a search, the question is often not only *which* setting won but
*which hyperparameters mattered*: a parameter the score hardly depends on
can be left at its default next time, and the range of one that matters can
be narrowed. :class:`~skhyper.plotting.ScoreDependenceDisplay` draws the
score's dependence on each searched parameter, in one of two ways:

- from any search's ``cv_results_``, grouping the evaluations by the
  parameter's value (``method="binned"``): the mean and the best score of each
  group;
- from the Gaussian-process surrogate of a Bayesian search
  (``method="surrogate"``): the *partial dependence*, the model's prediction
  averaged over the evaluated settings of the other parameters, with the
  parameter set to each value in turn.

Here an RBF support vector machine on the digits is tuned over ``C``,
``gamma`` and ``class_weight``. The digits' ten classes are balanced, so
``class_weight="balanced"`` should make no difference.
"""

# %%
# A random search, binned
# -----------------------
import matplotlib.pyplot as plt
from scipy.stats import loguniform
from sklearn.datasets import load_digits
from sklearn.model_selection import RandomizedSearchCV
from sklearn.svm import SVC

from skhyper import BayesSearchCV, Categorical, Real
from skhyper.plotting import ScoreDependenceDisplay

X, y = load_digits(return_X_y=True)
X = X / 16.0
random = RandomizedSearchCV(
    SVC(),
    {"C": loguniform(1e-2, 1e3), "gamma": loguniform(1e-4, 1e1),
     "class_weight": [None, "balanced"]},
    n_iter=30, cv=3, refit=False, random_state=0,
).fit(X, y)
binned = ScoreDependenceDisplay.from_estimator(random, n_bins=6)
binned.figure_.suptitle("RandomizedSearchCV, 30 evaluations: mean and best per bin")
for name, values, means in zip(binned.params, binned.values, binned.averages):
    print(f"{name:>12}: mean accuracy per group from {means.min():.3f} to "
          f"{means.max():.3f}")

# %%
# The grey points are the evaluations. A small ``C`` (strong regularization)
# is poor: below ``C = 1`` most evaluations score far below the best, whatever
# ``gamma`` is, and the means of those bins are low. ``gamma`` has a band of
# good values, with worse means at both ends. The two ``class_weight`` groups
# have the same best score, but their means differ by a tenth: only because
# the random draws of ``C`` and ``gamma`` that fell in each group differ. That
# is the weakness of binning: a group's mean mixes in the other parameters'
# values as they were drawn.

# %%
# A Bayesian search's partial dependence
# --------------------------------------
# The surrogate can set one parameter to each value while holding the
# evaluated settings of the others, so the comparison between values is fair.
# The model's partial dependence is mapped back to accuracy, as the other
# panels, through the inverse of its output warping (an increasing map).
bayes = BayesSearchCV(
    SVC(),
    {"C": Real(1e-2, 1e3, prior="log-uniform"),
     "gamma": Real(1e-4, 1e1, prior="log-uniform"),
     "class_weight": Categorical([None, "balanced"])},
    n_iter=25, cv=3, refit=False, random_state=0,
).fit(X, y)
surrogate = ScoreDependenceDisplay.from_estimator(bayes)
surrogate.figure_.suptitle("BayesSearchCV, 25 evaluations: partial dependence")
for name, means in zip(surrogate.params, surrogate.averages):
    print(f"{name:>12}: partial dependence spans {means.max() - means.min():.2f}")
plt.show()

# %%
# The partial dependence on ``class_weight`` is nearly flat, while ``gamma``'s
# spans most of the range of the scores: the model has learnt from 25
# evaluations that only ``C`` and ``gamma`` are worth tuning here.
