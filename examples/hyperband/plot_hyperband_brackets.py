"""
==========================================================
Hyperband: many configurations, little training for most
==========================================================

Random search trains every configuration it draws to the end. Yet a
configuration that is far behind after a few epochs rarely wins after many.
:class:`~skhyper.HyperbandSearchCV` uses that: a *bracket* starts many
configurations on a small training budget (here, epochs of ``partial_fit``),
keeps the best third by mean cross-validated score, trains those three times
longer, and so on until the survivors reach the full budget. Since nobody
knows in advance how much a few epochs tell, Hyperband runs several brackets,
from the most aggressive (many configurations, one epoch) to plain random
search (few configurations, all epochs).

Here it tunes a linear classifier trained by stochastic gradient descent on
the digits dataset, and is compared with random search over the same space
in the number of epochs each trains.
"""

# %%
# The search and its schedule
# ---------------------------
# ``resource="partial_fit"`` makes one unit of resource one epoch: a promoted
# configuration *continues* training its fold models rather than starting
# again. The scaler before the classifier is fitted once per fold. The
# schedule depends only on ``max_resources``, ``min_resources`` and
# ``factor``, so ``metadata`` shows it before anything is fitted: each bracket
# is a list of (configurations, epochs) per rung.
import matplotlib.pyplot as plt
import numpy as np
from scipy.stats import loguniform
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import RandomizedSearchCV, StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skhyper import HyperbandSearchCV

X, y = load_digits(return_X_y=True)
pipe = Pipeline(
    [("scale", StandardScaler()), ("clf", SGDClassifier(tol=None, random_state=0))]
)
space = {
    "clf__alpha": loguniform(1e-6, 1e-1),
    "clf__eta0": loguniform(1e-4, 1e0),
    "clf__learning_rate": ["constant", "optimal", "invscaling", "adaptive"],
}
cv = StratifiedKFold(3)
max_epochs = 27

hyperband = HyperbandSearchCV(
    pipe,
    space,
    resource="partial_fit",
    max_resources=max_epochs,
    factor=3,
    cv=cv,
    random_state=0,
)
brackets = hyperband.metadata["brackets"]
for i, bracket in enumerate(brackets):
    print(f"bracket s={len(brackets) - 1 - i}: {bracket}")
print(f"{hyperband.metadata['n_configurations']} configurations in all")

# %%
# Running it
# ----------
# ``cv_results_`` has one row per (configuration, rung): ``config_id`` names
# the configuration, ``bracket`` and ``iter`` say where it was evaluated and
# ``n_resources`` after how many epochs. The best configuration is chosen
# among the rows at the full 27 epochs, then refitted on all the data.
hyperband.fit(X, y)
res = hyperband.cv_results_
print(f"best mean CV accuracy {hyperband.best_score_:.4f} with")
print(hyperband.best_params_)

# %%
# Successive halving, bracket by bracket
# --------------------------------------
# Each line follows one configuration from rung to rung. Most stop after the
# first rung; the best third of each rung goes on. The rightmost bracket is
# random search: all of its configurations train the full 27 epochs.
brackets = sorted(np.unique(res["bracket"]), reverse=True)
fig, axes = plt.subplots(1, len(brackets), figsize=(12, 3.5), sharey=True)
for ax, s in zip(axes, brackets):
    rows = res["bracket"] == s
    for config in np.unique(res["config_id"][rows]):
        mine = rows & (res["config_id"] == config)
        ax.plot(
            res["n_resources"][mine],
            res["mean_test_score"][mine],
            marker="o",
            markersize=3,
            alpha=0.6,
        )
    ax.set_xscale("log")
    ax.set_xlim(0.7, 40)
    ax.set_xticks([1, 3, 9, 27], labels=["1", "3", "9", "27"])
    ax.set_title(f"bracket s={s}: {rows.sum()} rows")
    ax.set_xlabel("epochs")
axes[0].set_ylabel("mean CV accuracy")
axes[0].set_ylim(0.7, 0.95)  # a few poor configurations score below
fig.tight_layout()

# %%
# Against random search, epoch for epoch
# --------------------------------------
# Random search draws as many configurations as Hyperband did and trains each
# for 27 epochs (``max_iter=27`` with ``tol=None`` trains exactly 27). A
# configuration promoted by Hyperband only adds epochs to the model it already
# has, so the epochs Hyperband trains per fold are, for each configuration,
# the largest ``n_resources`` it reached. Both curves show the best mean CV
# accuracy among full-budget evaluations against the epochs trained so far.
random = RandomizedSearchCV(
    clone(pipe).set_params(clf__max_iter=max_epochs),
    space,
    n_iter=hyperband.metadata["n_configurations"],
    cv=cv,
    random_state=0,
).fit(X, y)


def hyperband_curve(res):
    """Epochs trained so far, and the best full-budget score, row by row."""
    trained, reached, epochs, best = {}, [], 0, []
    for config, n, score in zip(res["config_id"], res["n_resources"], res["mean_test_score"]):
        epochs += n - trained.get(config, 0)
        trained[config] = n
        reached.append(epochs)
        best.append(score if n == max_epochs else -np.inf)
    return np.array(reached), np.maximum.accumulate(best)


epochs_hb, best_hb = hyperband_curve(res)
scores_random = random.cv_results_["mean_test_score"]
epochs_random = max_epochs * np.arange(1, len(scores_random) + 1)
best_random = np.maximum.accumulate(scores_random)

fig, ax = plt.subplots(figsize=(6, 4))
full = np.isfinite(best_hb)
ax.step(epochs_hb[full], best_hb[full], where="post", label="HyperbandSearchCV")
ax.step(epochs_random, best_random, where="post", label="RandomizedSearchCV")
ax.set_xlabel("epochs trained per fold")
ax.set_ylabel("best mean CV accuracy at 27 epochs")
ax.set_ylim(0.85, 0.96)
ax.legend(loc="lower right")
fig.tight_layout()

print(
    f"Hyperband: best {hyperband.best_score_:.4f} after {epochs_hb[-1]} epochs per fold"
)
print(
    f"random search: best {random.best_score_:.4f} after {epochs_random[-1]} epochs "
    f"per fold"
)

# %%
# Hyperband evaluated the same number of configurations with about a quarter
# of the epochs, and found a configuration about as good as random search's
# best. It is not free of risk: a configuration that starts slowly but
# ends best is dropped by the aggressive brackets, which is why the gentler
# brackets, down to plain random search, run too. (The brackets run together,
# in waves, so every bracket reaches 27 epochs in the last one: that is where
# the Hyperband curve starts.) With ``sampler="bayes"``, later brackets draw
# their configurations from a model of the scores so far (BOHB); with
# ``sampler="multifidelity"``, from one model of the scores at every number of
# epochs, asked at 27; with ``hyperband_iterations=2`` the brackets run twice,
# with new configurations. The epochs counted above are
# ``metadata_["trained_units"]``: to spend a total instead, pass it as
# ``max_budget`` and as many brackets run as it pays for.
