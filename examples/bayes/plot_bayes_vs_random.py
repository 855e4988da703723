"""
==================================================
Bayesian optimization versus random search
==================================================

Random search draws every setting from the prior, whatever the settings
before it scored. :class:`~skhyper.BayesSearchCV` fits a model of the
cross-validated score to the settings evaluated so far and proposes the next
one where that model expects an improvement, so it spends most of a fixed
budget of evaluations near the best region it has found.

Here both searches tune the ``C`` and ``gamma`` of an RBF support vector
classifier on the digits dataset, over wide log-uniform ranges, with 25
evaluations each. One run of either search is partly luck, so each is
repeated with a few seeds.
"""

# %%
# The data, the estimator and the two search spaces
# -------------------------------------------------
# Both searches sample ``C`` and ``gamma`` log-uniformly over the same ranges:
# :class:`~skhyper.Real` with ``prior="log-uniform"`` for BayesSearchCV and
# :func:`scipy.stats.loguniform` for RandomizedSearchCV. BayesSearchCV would
# accept the scipy.stats distributions too; they are written differently here
# only to show both forms. Most of this space is poor: with ``gamma`` too large
# the classifier is no better than chance, and with ``C`` too small it
# underfits.
import matplotlib.pyplot as plt
import numpy as np
from scipy.stats import loguniform
from sklearn.datasets import load_digits
from sklearn.model_selection import RandomizedSearchCV
from sklearn.svm import SVC

from skhyper import BayesSearchCV, Real

X, y = load_digits(return_X_y=True)
X, y = X[::2], y[::2]  # every other image: 899 of them, to keep the example quick

C_range = (1e-2, 1e3)
gamma_range = (1e-6, 1e0)
bayes_space = {
    "C": Real(*C_range, prior="log-uniform"),
    "gamma": Real(*gamma_range, prior="log-uniform"),
}
random_space = {"C": loguniform(*C_range), "gamma": loguniform(*gamma_range)}

n_iter = 25
n_repeats = 3
rng = np.random.RandomState(0)
seeds = rng.randint(np.iinfo(np.int32).max, size=n_repeats)

# %%
# Running both searches with the same budget
# ------------------------------------------
# Both searches use the same 3-fold cross-validation (stratified, not
# shuffled), so a setting gets the same score in either. ``cv_results_`` lists
# the settings in the order they were evaluated; the running maximum of
# ``mean_test_score`` is the best score found after each evaluation.
searches = {"BayesSearchCV": [], "RandomizedSearchCV": []}
for seed in seeds:
    bayes = BayesSearchCV(
        SVC(), bayes_space, n_iter=n_iter, cv=3, refit=False, random_state=seed
    )
    searches["BayesSearchCV"].append(bayes.fit(X, y))
    random = RandomizedSearchCV(
        SVC(), random_space, n_iter=n_iter, cv=3, refit=False, random_state=seed
    )
    searches["RandomizedSearchCV"].append(random.fit(X, y))

n_initial = searches["BayesSearchCV"][0].optimizer_.n_initial_points_
colors = {"BayesSearchCV": "tab:blue", "RandomizedSearchCV": "tab:orange"}


def best_so_far(search):
    return np.maximum.accumulate(search.cv_results_["mean_test_score"])


good = 0.95
print(f"one line per search, one value per run; {n_iter} evaluations each")
for name, runs in searches.items():
    final = [round(float(best_so_far(run)[-1]), 4) for run in runs]
    n_good = [int(np.sum(run.cv_results_["mean_test_score"] >= good)) for run in runs]
    print(f"{name:>18}: best accuracy {final}, settings scoring >= {good}: {n_good}")

# %%
# Best score so far
# -----------------
# The curves show the misclassification rate of the best setting found so far
# (one minus its cross-validated accuracy) on a log scale, so that the
# differences near the top stay visible; lower is better. Thin lines are the
# single runs, thick lines their median. The first
# ``n_initial_points`` settings of BayesSearchCV (left of the dotted line)
# come from a scrambled Sobol sequence and are no better informed than random
# draws; after them every evaluation is chosen by the model.
evaluations = np.arange(1, n_iter + 1)
fig, ax = plt.subplots(figsize=(6.4, 4.2), layout="constrained")
for name, runs in searches.items():
    errors = np.array([1 - best_so_far(run) for run in runs])
    for run_errors in errors:
        ax.plot(evaluations, run_errors, color=colors[name], alpha=0.35, lw=1)
    ax.plot(
        evaluations,
        np.median(errors, axis=0),
        color=colors[name],
        lw=2.5,
        label=f"{name} (median of {n_repeats})",
    )
ax.axvline(n_initial + 0.5, color="gray", ls=":", lw=1)
ax.text(
    n_initial + 0.8,
    0.97,
    "model-based proposals",
    color="gray",
    va="top",
    transform=ax.get_xaxis_transform(),
)
ax.set_yscale("log")
ax.set_xlabel("number of evaluations")
ax.set_ylabel("1 - best CV accuracy so far")
ax.set_title("SVC on digits: best setting found so far")
ax.legend()
plt.show()

# %%
# Where each search evaluated
# ---------------------------
# The first run of each search, in the plane of ``log10(C)`` and
# ``log10(gamma)``. Settings scoring below 0.9 are grey crosses; the others are
# coloured by their cross-validated accuracy, and the star is the best.
# Random search spreads its evaluations over the whole square, and most land
# where ``gamma`` is too large or ``C`` too small. BayesSearchCV, once past its
# initial design, keeps to the band of good ``gamma`` values and larger ``C``.
fig, axes = plt.subplots(
    1, 2, figsize=(9, 4.2), sharex=True, sharey=True, layout="constrained"
)
# sphinx_gallery_thumbnail_number = 2
top = max(runs[0].cv_results_["mean_test_score"].max() for runs in searches.values())
for ax, (name, runs) in zip(axes, searches.items()):
    results = runs[0].cv_results_
    log_C = np.log10(results["param_C"].astype(float))
    log_gamma = np.log10(results["param_gamma"].astype(float))
    score = results["mean_test_score"]
    poor = score < 0.9
    ax.scatter(
        log_C[poor], log_gamma[poor], marker="x", color="0.6", label="accuracy < 0.9"
    )
    points = ax.scatter(
        log_C[~poor],
        log_gamma[~poor],
        c=score[~poor],
        cmap="viridis",
        vmin=0.9,
        vmax=top,
        edgecolors="k",
        linewidths=0.4,
        s=50,
    )
    best = np.argmax(score)
    ax.scatter(
        log_C[best],
        log_gamma[best],
        marker="*",
        s=300,
        color="red",
        edgecolors="k",
        label=f"best: {score[best]:.3f}",
    )
    ax.set_title(f"{name}\n{np.sum(~poor)} of {n_iter} settings at 0.9 or more")
    ax.set_xlabel("log10(C)")
    ax.set_xlim(np.log10(C_range) + [-0.2, 0.2])
    ax.set_ylim(np.log10(gamma_range) + [-0.2, 0.2])
    ax.legend(loc="lower left")
axes[0].set_ylabel("log10(gamma)")
fig.colorbar(points, ax=axes, label="CV accuracy")
plt.show()

# %%
# What to take away
# -----------------
# With two hyperparameters, random search is a strong baseline: 25 draws are
# enough for it to land in the good region, and the best settings the two
# searches find differ by a fraction of a percent of accuracy (compare the
# printed numbers). What differs is how the budget is spent: after its initial
# design, BayesSearchCV evaluates almost only plausible settings, while most
# random draws go to poor ones. The more hyperparameters there are, the smaller
# the share of random draws that land anywhere good, and the more this matters.
