"""
============================================================
Population Based Training: who copied whom, and what it paid
============================================================

:class:`~skhyper.PBTSearchCV` trains a population of models side by side.
Every ``interval`` steps, the worst quarter of the members copy the fold
models and hyperparameters of a member of the best quarter (*exploit*), then
perturb the copied hyperparameters (*explore*) and train on. The winner's
hyperparameters are therefore not one setting but a schedule, handed down
through copies.

Here a population of 8 linear classifiers, trained by stochastic gradient
descent (one ``partial_fit`` epoch a step) on the digits, tunes its
regularization ``alpha`` and its initial learning rate ``eta0`` over 24
epochs. :class:`~skhyper.plotting.LineageDisplay` draws each member's
cross-validated accuracy round by round; a dashed segment is an exploit, a
member starting the round from the score of the member it copied.
"""

# %%
# The search
# ----------
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.linear_model import SGDClassifier

from skhyper import PBTSearchCV, Real
from skhyper.plotting import LineageDisplay, ScheduleDisplay

X, y = load_digits(return_X_y=True)
X = X / 16.0

search = PBTSearchCV(
    SGDClassifier(learning_rate="invscaling", random_state=0),
    {
        "alpha": Real(1e-6, 1e-1, prior="log-uniform"),
        "eta0": Real(1e-3, 1.0, prior="log-uniform"),
    },
    population_size=8, n_steps=24, interval=3, cv=3, random_state=0,
)
search.fit(X, y)
print(f"best accuracy {search.best_score_:.4f} after {search.n_steps_} epochs")
print("the winner's schedule, (epoch, hyperparameters from then on):")
for step, params in search.best_schedule_:
    print(f"  {step:>2}: " + ", ".join(f"{k}={v:.3g}" for k, v in sorted(params.items())))

# %%
# The population, round by round
# ------------------------------
# Each round the two worst members (the bottom quarter) are replaced by
# copies of leaders, so the poor starts drop out a pair at a time: after
# four rounds every member descends from the leading group, and the
# population crowds around the winner's lineage, drawn in black back
# through every copy it went through. The price of that focus is
# diversity: once all members share an ancestor, the search explores only
# by perturbing (or now and then redrawing) its hyperparameters, which is
# how the winner's schedule above changes along the way.
display = LineageDisplay.from_estimator(search)
display.ax_.set_title("PBT on digits: 8 members, an exploit every 3 epochs")
plt.show()

# %%
# The schedules
# -------------
# :class:`~skhyper.plotting.ScheduleDisplay` draws the hyperparameters
# themselves: every member's ``alpha`` and ``eta0`` round by round (a jump at
# a round's start is a copy, a perturbation or both), and in black the
# winner's schedule through its lineage, ``best_schedule_``. Its ``alpha``
# barely moves; its ``eta0`` stays high for most of training and drops by
# more than a factor of 100 for the last rounds, a decay of the step size
# that no single setting of ``eta0`` could give.
schedules = ScheduleDisplay.from_estimator(search)
schedules.figure_.suptitle("The winner's schedule (black) among the population's")
plt.show()
