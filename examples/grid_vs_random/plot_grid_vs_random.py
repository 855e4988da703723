"""
=====================================================
Grid search versus random search at the same budget
=====================================================

Bergstra and Bengio (2012) argued that, for the same number of trials,
random search usually beats grid search, for a simple reason: of the
hyperparameters being tuned, only a few matter much for a given model and
dataset, and nobody knows in advance which. A grid spends its trials on
every combination of a few values per parameter, so it tries few distinct
values of each one. Random search draws every trial anew, so each trial
tries a new value of *every* parameter, the important ones included.

With 9 trials in two dimensions, a 3 x 3 grid tries only 3 values of each
parameter; 9 random trials try 9 of each. This example shows the argument
first on a function of two variables where only one matters, then on a
real estimator, an RBF support vector classifier on the digits, with
:class:`~sklearn.model_selection.GridSearchCV` and
:class:`~sklearn.model_selection.RandomizedSearchCV` at 9 trials each.

.. rubric:: Reference

J. Bergstra and Y. Bengio, "Random search for hyper-parameter
optimization", Journal of Machine Learning Research 13, 2012.
"""

# %%
# A function where one variable matters
# -------------------------------------
# The score to maximize is ``f(x, y) = g(x) + h(y)`` on the unit square:
# ``g``, a narrow bump, varies from 0 to 1 along the *important* variable
# ``x``; ``h`` varies by only 0.1 along the *unimportant* ``y``. The grid is
# the fairest 3 x 3 grid there is: each value stands at the centre of a
# third of the range. The random layout is 9 uniform draws.
import matplotlib.pyplot as plt
import numpy as np
from scipy.stats import loguniform
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV
from sklearn.svm import SVC


def g(x):
    return np.exp(-(((x - 0.65) / 0.1) ** 2))


def h(y):
    return 0.1 * np.exp(-(((y - 0.3) / 0.3) ** 2))


def f(x, y):
    return g(x) + h(y)


n_trials = 9
centres = (np.arange(3) + 0.5) / 3  # 1/6, 1/2, 5/6
grid_x, grid_y = (a.ravel() for a in np.meshgrid(centres, centres))
rng = np.random.RandomState(0)
random_x, random_y = rng.uniform(size=(2, n_trials))

layouts = {"grid": (grid_x, grid_y), "random": (random_x, random_y)}
for name, (x, y) in layouts.items():
    best = np.argmax(f(x, y))
    print(f"{name:>6}: {len(np.unique(x))} distinct values of x, best f = "
          f"{f(x, y)[best]:.3f} at x = {x[best]:.3f}, y = {y[best]:.3f}")

# %%
# The classic picture
# -------------------
# Each panel is the unit square, shaded by ``f``, with the 9 trials as
# dots. Above it is ``g``, the score along the important variable, with a
# mark at every value of ``x`` a trial tried; to its left is ``h``, along the
# unimportant one. The grid's 9 trials stack up on 3 vertical lines: three
# trials share each value of ``x`` and differ only in ``y``, which hardly
# changes the score, so six of the nine teach nothing new about ``g``. The
# random trials fall on 9 different values of ``x``.
xs = np.linspace(0, 1, 201)
fig = plt.figure(figsize=(10, 5.2), layout="constrained")
panels = fig.subfigures(1, 2)
for panel, (name, (x, y)) in zip(panels, layouts.items()):
    axes = panel.subplot_mosaic(
        [[".", "top"], ["left", "main"]],
        width_ratios=[1, 4], height_ratios=[1, 4],
    )
    main, top, left = axes["main"], axes["top"], axes["left"]
    main.imshow(
        f(xs[None, :], xs[:, None]), origin="lower", extent=(0, 1, 0, 1),
        cmap="Greens", vmin=0, vmax=1.3, aspect="auto",
    )
    main.scatter(x, y, s=60, color="k", zorder=3)
    main.set(xlim=(0, 1), ylim=(0, 1), xlabel="x (important)")
    main.set_yticklabels([])

    top.plot(xs, g(xs), color="tab:green")
    top.plot(x, g(x), "o", color="k")
    top.vlines(x, 0, g(x), color="k", lw=0.8)
    top.set(xlim=(0, 1), ylim=(0, 1.1), xticklabels=[], ylabel="g(x)")
    top.set_title(f"{name}: {len(np.unique(x))} values of x, best f = "
                  f"{f(x, y).max():.2f}")

    left.plot(h(xs), xs, color="tab:green")
    left.plot(h(y), y, "o", color="k")
    left.set(ylim=(0, 1), xlim=(1.1 * 0.1, 0), ylabel="y (unimportant)",
             xlabel="h(y)")
plt.show()

# %%
# The grid's best value of ``x``, 1/2, lies 0.15 from the bump's peak and
# picks up little of it; the random layout happened to put a trial nearer
# the peak (the printed numbers above say how near). That is one layout and
# one bump: a bump centred on 1/2 would favour the grid. What does not
# depend on luck is how closely each layout covers the important axis. For a
# peak anywhere in [0, 1], the nearest of the grid's three values is on
# average 1/12 away. Averaging over 10,000 peaks and 10,000 random
# layouts gives random search's distance:
peaks = rng.uniform(size=10_000)
draws = rng.uniform(size=(10_000, n_trials))
grid_distance = np.abs(centres[None, :] - peaks[:, None]).min(axis=1)
random_distance = np.abs(draws - peaks[:, None]).min(axis=1)
print(f"mean distance from the peak to the nearest x tried: grid "
      f"{grid_distance.mean():.3f}, random {random_distance.mean():.3f}")
print(f"share of peaks where the random layout came closer: "
      f"{np.mean(random_distance < grid_distance):.2f}")

# %%
# A real estimator: an RBF SVC on the digits
# ------------------------------------------
# The two hyperparameters of an RBF support vector classifier are ``C``, how
# heavily misclassified training points are penalized, and ``gamma``, how
# far the influence of one training point reaches. Both are searched on a
# log scale, ``C`` from 1 to 1000 and ``gamma`` from 1e-4 to 10. The grid is
# again built from the centres of thirds of each range (on the log scale);
# the random search draws 9 settings log-uniformly from the same ranges. To
# keep this page fast, the data is every other image of the digits dataset,
# 899 of them.
#
# A grid is a fixed set of settings, so one run of GridSearchCV says all
# there is to say about it. A random search depends on its seed, so it runs
# 10 times, with seeds 0 to 9. All the searches use the same 3 folds.
X, y = load_digits(return_X_y=True)
X, y = X[::2] / 16.0, y[::2]

C_range, gamma_range = (1e0, 1e3), (1e-4, 1e1)


def log_centres(low, high, n=3):
    """The centres of ``n`` equal thirds of [low, high] on a log scale."""
    edges = np.linspace(np.log10(low), np.log10(high), n + 1)
    return 10 ** ((edges[:-1] + edges[1:]) / 2)


grid = GridSearchCV(
    SVC(),
    {"C": log_centres(*C_range), "gamma": log_centres(*gamma_range)},
    cv=3,
    refit=False,
).fit(X, y)
print("grid values of gamma:", np.round(log_centres(*gamma_range), 5))
print(f"GridSearchCV: best CV accuracy {grid.best_score_:.4f} with "
      f"C={grid.best_params_['C']:.3g}, gamma={grid.best_params_['gamma']:.3g}")

random_searches = [
    RandomizedSearchCV(
        SVC(),
        {"C": loguniform(*C_range), "gamma": loguniform(*gamma_range)},
        n_iter=n_trials,
        cv=3,
        refit=False,
        random_state=seed,
    ).fit(X, y)
    for seed in range(10)
]
random_best = np.array([search.best_score_ for search in random_searches])
print("RandomizedSearchCV, best CV accuracy by seed:")
for seed, search in enumerate(random_searches):
    params = search.best_params_
    print(f"  seed {seed}: {search.best_score_:.4f} with C={params['C']:.3g}, "
          f"gamma={params['gamma']:.3g}")
q1, median, q3 = np.percentile(random_best, [25, 50, 75])
print(f"{'search':>18}  {'best CV accuracy':>33}")
print(f"{'GridSearchCV':>18}  {grid.best_score_:>33.4f}")
print(f"{'RandomizedSearchCV':>18}  median {median:.4f}, quartiles "
      f"{q1:.4f} to {q3:.4f}")
print(f"seeds where random search beat the grid: "
      f"{np.sum(random_best > grid.best_score_)} of {len(random_best)}")

# %%
# The grid was unlucky, not wrong
# -------------------------------
# The figure below explains the grid's loss by where its values of
# ``gamma`` fell. To check that this is all there is to it, here are the
# grid's three values of ``C`` with ``gamma=0.15``, a value chosen in
# hindsight, from the random searches' results:
lucky = GridSearchCV(
    SVC(), {"C": log_centres(*C_range), "gamma": [0.15]}, cv=3, refit=False
).fit(X, y)
for params, score in zip(
    lucky.cv_results_["params"], lucky.cv_results_["mean_test_score"]
):
    print(f"C={params['C']:.3g}, gamma=0.15: {score:.4f}")
lucky_best = lucky.best_score_

# %%
# What each search found, and why
# -------------------------------
# On the left, the best CV accuracy of the grid, of each of the 10 random
# searches, and of the grid's values of ``C`` with the hindsight
# ``gamma=0.15`` (hollow). In the middle and on the right, every setting
# evaluated, by its ``gamma`` and by its ``C``: the 90 random trials of the
# 10 searches in grey, the grid's 9 in red, and the grid's three values of
# ``gamma`` as dotted lines. A quarter of the trials score below 0.9 (the count is
# printed below) and lie below the panels: most have a ``gamma`` above 1,
# where each training point's influence barely reaches its neighbours and
# accuracy falls towards chance, and the others a very small ``gamma`` with
# a small ``C``, a model too smooth to tell the digits apart.
#
# Against ``gamma`` the scores rise to a peak, a band from about 0.07 to 0.4
# where the best trials score about 0.975, and fall on either side. Against
# ``C`` they show no such shape: at any ``C`` there are good and poor
# trials, depending on their ``gamma``. That is the situation Bergstra and
# Bengio describe, on a real problem: ``gamma`` is the parameter that
# matters here, and the grid's three values of it all miss the band (its
# best trials, at 0.961, are the middle ``gamma`` with the smallest ``C``
# and the smallest ``gamma`` with the largest ``C``). Each random search
# tried 9 values of ``gamma``, and the best trial of every one of the 10
# fell in the band.
random_results = [search.cv_results_ for search in random_searches]
floor, top = 0.9, 0.98  # the trials below 0.9 are left out of the picture
all_scores = np.concatenate(
    [r["mean_test_score"] for r in random_results + [grid.cv_results_]]
)
print(f"trials scoring below {floor}: {np.sum(all_scores < floor)} of "
      f"{len(all_scores)}")

fig, (ax_best, ax_gamma, ax_C) = plt.subplots(
    1, 3, figsize=(12, 4), layout="constrained", width_ratios=[1.2, 1.4, 1.4],
    sharey=True,
)
jitter = np.random.RandomState(0).uniform(-0.08, 0.08, size=len(random_best))
ax_best.boxplot(random_best, positions=[1], widths=0.4, showfliers=False)
ax_best.scatter(1 + jitter, random_best, color="0.3", zorder=3, s=20)
ax_best.scatter([0], [grid.best_score_], color="tab:red", marker="s", s=50, zorder=3)
ax_best.scatter(
    [2], [lucky_best], facecolor="none", edgecolor="tab:red", marker="s", s=50
)
ax_best.set_xticks(
    [0, 1, 2], labels=["grid", "random\n(10 seeds)", "grid with\ngamma=0.15"]
)
ax_best.set_xlim(-0.6, 2.6)
ax_best.set_ylabel("CV accuracy")
ax_best.set_ylim(floor, top)
ax_best.set_title("best trial of each search")

for ax, name in [(ax_gamma, "gamma"), (ax_C, "C")]:
    values = np.concatenate([r[f"param_{name}"].astype(float) for r in random_results])
    scores = np.concatenate([r["mean_test_score"] for r in random_results])
    ax.scatter(values, scores, color="0.5", s=15, alpha=0.7, label="random trials")
    ax.scatter(
        grid.cv_results_[f"param_{name}"].astype(float),
        grid.cv_results_["mean_test_score"],
        color="tab:red", marker="s", s=40, label="grid trials",
    )
    ax.set_xscale("log")
    ax.set_ylim(floor, top)
    ax.set_xlabel(name)
    ax.set_title(f"every trial, by {name}")
for value in log_centres(*gamma_range):
    ax_gamma.axvline(value, color="tab:red", lw=0.8, ls=":")
ax_gamma.legend(loc="lower left")
fig.suptitle("RBF SVC on digits: GridSearchCV against RandomizedSearchCV, 9 trials")
plt.show()

# %%
# What to take away
# -----------------
# With ``gamma`` in the band, every ``C`` of the grid scores about as well
# as the best random trials: what the grid got wrong was only where its
# three values of ``gamma`` fell, and nobody knows where the band is before
# searching. At a budget of a few trials per parameter, a grid is a poor
# use of the budget whenever some parameters matter less than others: it
# repeats the values of the important parameter while varying the
# unimportant ones. Random search gives every trial a new value of each
# parameter, and keeps that property at any budget, where a grid can only
# grow by whole rows and columns. It is no guarantee for one run: the
# spread of the random searches above is what luck does with 9 trials.
# Searches that learn from the trials so far, such as
# :class:`~skhyper.BayesSearchCV`, go further by spending later trials near
# the band once it is found; see
# :ref:`sphx_glr_auto_examples_bayes_plot_bayes_vs_random.py`.
