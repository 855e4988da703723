"""
============================================
Two snippets from a tutorial, made correct
============================================

Two snippets turn up in many tutorials on hyperparameter tuning. The first
is a grid search over a random forest:

.. code-block:: python

   param_grid = {
       "n_estimators": [100, 200, 300],
       "max_depth": [None, 10, 20],
       "learning_rate": [0.01, 0.1, 0.2],
   }
   grid_search = GridSearchCV(RandomForestClassifier(), param_grid, cv=5)
   grid_search.fit(X, y)

The second is a randomized search over the same model:

.. code-block:: python

   param_dist = {"n_estimators": randint(100, 500), "max_depth": randint(5, 50)}
   random_search = RandomizedSearchCV(
       RandomForestClassifier(), param_dist, n_iter=100, cv=5
   )
   random_search.fit(X, y)

The first does not run at all. The second runs, but it is slow, different at
every run, searches ranges that mostly mean the same thing, and leaves no
data to say how good its winner really is. This example runs the first to
see its error, then fixes both, on the breast cancer dataset (569 tumours, 30
measurements each, benign or malignant).
"""

# %%
# The data, and a test set put aside
# ----------------------------------
# A search picks the setting with the best cross-validated score among many,
# so that score is the best of many noisy estimates and tends to flatter the
# winner. To know how good the winner is, keep a test set apart *before*
# searching, and score the final model on it once, at the very end. Neither
# snippet did.
from time import perf_counter

import matplotlib.pyplot as plt
import numpy as np
from scipy.stats import randint
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV, train_test_split

from skhyper import BayesSearchCV, Real

X, y = load_breast_cancer(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.25, stratify=y, random_state=0
)
print(f"{len(y_train)} samples to search on, {len(y_test)} kept for the end")

# %%
# Snippet one, as written
# -----------------------
# A grid names parameters of the estimator, and a random forest has no
# parameter called ``learning_rate``: ``get_params()`` lists all the
# parameters an estimator has.
print("learning_rate" in RandomForestClassifier().get_params())

param_grid = {
    "n_estimators": [100, 200, 300],
    "max_depth": [None, 10, 20],
    "learning_rate": [0.01, 0.1, 0.2],
}
try:
    GridSearchCV(RandomForestClassifier(), param_grid, cv=3).fit(X_train, y_train)
except ValueError as error:
    print(f"GridSearchCV raised ValueError: {error}")

# %%
# GridSearchCV sets each candidate's parameters on a copy of the estimator
# just before fitting it, and ``set_params`` refuses a name the estimator
# does not have. Here every candidate has the bad name, so the very first
# one fails. skhyper's searches check the whole search space at the start
# of ``fit``, before any model is trained, and say which name is wrong:
try:
    BayesSearchCV(
        RandomForestClassifier(), {"learning_rate": Real(0.01, 0.2)},
        n_iter=5, cv=3, random_state=0,
    ).fit(X_train, y_train)
except ValueError as error:
    print(f"BayesSearchCV raised ValueError: {error}")

# %%
# Fix one: a forest has no learning rate, so drop it
# --------------------------------------------------
# A random forest grows many deep trees, each on a bootstrap sample of the
# data, and *averages* their votes. No tree corrects another, so there is no
# step size to set. Without ``learning_rate`` the grid is valid. To keep this
# page fast the forests here have 25 to 100 trees instead of 100 to 300,
# and the folds are three; ``random_state=0`` fixes the forests' bootstraps.
forest_grid = {"n_estimators": [25, 50, 100], "max_depth": [None, 10, 20]}
start = perf_counter()
forest_search = GridSearchCV(
    RandomForestClassifier(random_state=0), forest_grid, cv=3
).fit(X_train, y_train)
print(f"forest grid: {perf_counter() - start:.1f} s")
for params, score in zip(
    forest_search.cv_results_["params"], forest_search.cv_results_["mean_test_score"]
):
    print(f"  {params}: {score:.4f}")

unlimited = RandomForestClassifier(random_state=0).fit(X_train, y_train)
depths = [tree.get_depth() for tree in unlimited.estimators_]
print(f"depth of the trees of a forest with no limit: {min(depths)} to {max(depths)}")

# %%
# Look at the scores: each ``max_depth`` gives exactly the same score as the
# other two for the same ``n_estimators``. Trees grown with no limit on this
# data are at most as deep as printed above, below 10, so a limit of 10 or
# 20 never stops them, and the three settings are one and the same forest. Two thirds of
# this grid is wasted: it is worth looking at what a parameter does on *your*
# data before putting values of it in a grid.
#
# Fix two: a model that has a learning rate
# -----------------------------------------
# If the tutorial meant to tune a learning rate, it meant *boosting*: trees
# fitted one after another, each to the errors of the sum of those before
# it, and added with a step size, the ``learning_rate``. A smaller step
# needs more trees to get as far, so the learning rate and the number of
# trees (``max_iter`` for
# :class:`~sklearn.ensemble.HistGradientBoostingClassifier`, the counterpart
# of the forest's ``n_estimators``) must be tuned together. Boosted trees are
# usually shallow, so the depths tried are small ones, and None (no limit
# other than the default 31 leaves).
boosting_grid = {
    "learning_rate": [0.01, 0.1, 0.2],
    "max_depth": [2, 4, None],
    "max_iter": [50, 200],
}
start = perf_counter()
boosting_search = GridSearchCV(
    HistGradientBoostingClassifier(random_state=0), boosting_grid, cv=3
).fit(X_train, y_train)
print(f"boosting grid: {perf_counter() - start:.1f} s")
print(f"best: {boosting_search.best_params_}, CV accuracy "
      f"{boosting_search.best_score_:.4f}")

# %%
# Each panel is one number of boosting iterations; each line one
# ``max_depth`` (at 50 iterations, depths 2 and 4 score the same and their
# lines coincide). With ``learning_rate=0.01`` and 50 iterations the model
# has not got far from its starting point, and all three depths score the
# worst of the grid; four times the iterations at the same rate make up
# more than half of the gap. At the larger rates all the settings score
# within about one hundredth of each other: on the 142 validation samples
# of a fold, that is one or two tumours, too little to rank the depths with
# confidence.
results = boosting_search.cv_results_
fig, axes = plt.subplots(1, 2, figsize=(9, 3.8), sharey=True, layout="constrained")
for ax, max_iter in zip(axes, boosting_grid["max_iter"]):
    for max_depth in boosting_grid["max_depth"]:
        rows = [
            i for i, p in enumerate(results["params"])
            if p["max_iter"] == max_iter and p["max_depth"] == max_depth
        ]
        ax.plot(
            [results["params"][i]["learning_rate"] for i in rows],
            results["mean_test_score"][rows],
            "o-", label=f"max_depth={max_depth}",
        )
    ax.set_xscale("log")
    ax.set_xticks(boosting_grid["learning_rate"], labels=["0.01", "0.1", "0.2"])
    ax.set_xlabel("learning_rate")
    ax.set_title(f"max_iter={max_iter}")
axes[0].set_ylabel("mean CV accuracy")
axes[0].legend()
fig.suptitle("HistGradientBoostingClassifier: the grid snippet one meant")
plt.show()

# %%
# Snippet two: what it would cost
# -------------------------------
# ``n_iter=100`` with ``cv=5`` is 500 fits, plus the refit, of forests of 100
# to 499 trees, about 300 on average. Timing one forest of 300 trees on a
# training fold gives the bill without paying it:
start = perf_counter()
RandomForestClassifier(n_estimators=300, random_state=0).fit(
    X_train[: len(X_train) * 4 // 5], y_train[: len(y_train) * 4 // 5]
)
one_fit = perf_counter() - start
print(f"one forest of 300 trees: {one_fit:.2f} s; "
      f"501 of them: about {501 * one_fit / 60:.0f} minutes")

# %%
# Snippet two, made correct and affordable
# ----------------------------------------
# What changes, and why:
#
# - **A seed.** Without ``random_state``, both the draws of the search and
#   the forests' bootstraps change at every run, and so does the winner.
#   ``random_state=0`` on both makes the run repeatable.
# - **No search over** ``n_estimators``. More trees make the average
#   steadier; past a point they hardly change the accuracy, only the cost
#   (in the forest grid above, 50 and 100 trees scored the same). Fix it at
#   what you can afford, 100 here, instead of paying to rediscover it.
# - **Ranges that mean something.** The trees here stop growing before depth
#   10 (see above), so most of ``randint(5, 50)`` is the same forest, and the
#   unlimited depth, None, is not in it at all. A list of depths, None
#   included, covers what matters. Searched instead: ``max_features``, the
#   share of the features each split may look at, which scikit-learn's user
#   guide names with ``n_estimators`` as the forest's main parameters, and
#   ``min_samples_leaf``, drawn from a distribution.
# - **A budget to match.** 12 settings, three folds: 36 fits.
# - **The test set**, scored once at the end.
random_space = {
    "max_depth": [2, 3, 4, 6, 8, None],
    "max_features": ["sqrt", 0.3, 0.6],
    "min_samples_leaf": randint(1, 11),
}
start = perf_counter()
random_search = RandomizedSearchCV(
    RandomForestClassifier(n_estimators=100, random_state=0),
    random_space,
    n_iter=12,
    cv=3,
    random_state=0,
).fit(X_train, y_train)
print(f"random search: {perf_counter() - start:.1f} s")
print(f"best: {random_search.best_params_}, CV accuracy "
      f"{random_search.best_score_:.4f}")

# %%
# The test score, once
# --------------------
# ``refit=True`` (the default) retrains the best setting on the whole
# training set, and ``score`` evaluates that model on the samples it has
# never seen. The three searches are scored side by side only to report
# them: choosing among them by these test scores would make the test set
# one more validation set, and its score would flatter the winner in turn.
for name, search in [
    ("forest grid", forest_search),
    ("boosting grid", boosting_search),
    ("forest random search", random_search),
]:
    print(f"{name:>20}: CV {search.best_score_:.4f}, "
          f"test {search.score(X_test, y_test):.4f}")

# %%
# All three test scores came out below the CV scores that chose their
# winners, as the best of many noisy estimates leads one to expect; with 143
# test samples, each tumour is 0.007 of accuracy, so the three final models
# are one tumour apart.
#
# The figure shows every setting the random search tried, with its mean CV
# accuracy and the spread over the three folds (one standard deviation). The
# spreads overlap far more than the means differ: on a dataset this small,
# the ranking of the settings is mostly noise, and the best CV score is
# partly luck: four settings tie for the best mean, and the search keeps
# the first of them it evaluated, the star. The test accuracy of the
# refitted winner, the dashed line, is the number to report. One setting
# appears twice: when any parameter is a distribution, RandomizedSearchCV
# draws with replacement, and in a space of 6 x 3 x 10 = 180 settings, 12
# draws repeat one about a third of the time. (skhyper's
# :class:`~skhyper.BayesSearchCV` never evaluates a setting twice.)
results = random_search.cv_results_
n_settings = len(results["params"])
# lowest score first; ties in evaluation order, so that the top row is the
# setting the search chose (the first of its best, best_index_)
order = np.lexsort((-np.arange(n_settings), results["mean_test_score"]))
labels = [
    f"depth={p['max_depth']}, feat={p['max_features']}, leaf={p['min_samples_leaf']}"
    for p in np.asarray(results["params"])[order]
]
fig, ax = plt.subplots(figsize=(7.5, 4.5), layout="constrained")
ax.errorbar(
    results["mean_test_score"][order], np.arange(n_settings),
    xerr=results["std_test_score"][order], fmt="o", capsize=3,
    label="mean CV accuracy ± 1 std over folds",
)
ax.plot(
    results["mean_test_score"][random_search.best_index_], n_settings - 1, "*",
    color="tab:red", markersize=14, label="the chosen setting, best_index_",
)
ax.axvline(
    random_search.score(X_test, y_test), color="k", ls="--",
    label="test accuracy of the refitted best",
)
ax.set_yticks(np.arange(n_settings), labels=labels, fontsize=8)
ax.set_ylim(-3, n_settings - 0.5)  # room for the legend below the points
ax.set_xlabel("accuracy")
ax.set_title("RandomizedSearchCV over a random forest: 12 settings")
ax.legend(loc="lower left", fontsize=8)
plt.show()
