"""The Bayesmark batch protocol: optimizers on scikit-learn models, 16 rounds of 8.

Bayesmark (Uber, the benchmark of the NeurIPS 2020 black-box optimisation
challenge) tunes scikit-learn models on small datasets. This script follows its
published facts (``bayesmark/sklearn_funcs.py``, ``experiment_analysis.py``,
``experiment_baseline.py``); the code is ours:

- **models and spaces**: kNN, SVM, decision tree, random forest, MLP with adam
  and with SGD, AdaBoost, lasso and linear models, each with Bayesmark's
  hyperparameters, ranges and scale (linear, log, or logit for fractions) and
  its fixed settings; ``normalize``, which scikit-learn removed in 1.2, is
  left out of the regression spaces, and the logistic models are one-vs-rest
  around ``liblinear`` (Bayesmark's ``multi_class="ovr"``, which scikit-learn
  removed);
- **datasets**: those scikit-learn ships (iris, wine, digits, breast cancer;
  diabetes for regression), each with both of its metrics (log-loss and
  accuracy; mean absolute and squared error);
- **the loss** of a setting: its 5-fold cross-validated loss on the 80 %
  training part of a split that the seed fixes (``train_test_split(...,
  test_size=0.2, random_state=seed)``, as Bayesmark's ``shuffle_seed``); a
  setting whose fit fails or whose loss is not finite is told to the tool as
  failed (NaN, which each tool takes as its worst) and counts as no progress;
- **the protocol**: ``--rounds`` rounds (16) of ``--batch`` suggestions (8):
  the tool suggests a whole batch, every setting of it is evaluated, and only
  then does the tool hear its losses. ``--rounds 128 --batch 1`` is the
  sequential leg;
- **the score** (the leaderboard's): per task, ``best`` is the lowest loss any
  tool found for any seed in the runs given to ``--table`` and ``clip`` the
  median loss of one random setting (every evaluation of the ``random``
  tool); a run scores ``100 * (1 - n)`` with ``n = (its best loss - best) /
  (clip - best)`` clipped to ``[-1, 1]``: 100 is the best loss found, 0 the
  median random setting. A tool's overall score is the mean over tasks; the
  tables show it per seed (median and quartiles over seeds) and per task,
  and skhyper's lead over each tool at the end and after each quarter of
  the rounds (where a lead was won or lost).

Tools: ``random`` (uniform on each hyperparameter's scale), ``skhyper``
(``BayesOptimizer``, ``ask(n_points=batch)``; a logit-scaled fraction is a
``Real(..., prior="logit-uniform")``), ``optuna-tpe`` and ``optuna-gp`` (``study.ask``
batch times, then ``study.tell``; logit is linear there) and ``skopt``
(``Optimizer.ask(n_points=batch)``; logit is linear there), ``hebo`` (HEBO 0.3.6, the challenge's
winner, with its own Bayesmark space parser and MACE batch acquisition), which
pins numpy < 1.25 and so runs in a virtual environment of its own, named by
``SKHYPER_HEBO_PYTHON`` (``benchmarks/_hebo_worker.py`` is its side; the
README says how to build it), and ``ax`` (Ax 1.3's ``Client`` with its default
generation strategy: Sobol points, then BoTorch's qLogNEI; logit is linear
there too). Each tool's seconds spent suggesting (``ask`` and ``tell``, not
the evaluations; HEBO's include the pipe) are measured.

    python benchmarks/bench_bayesmark.py --seeds 10 --out runs.jsonl
    python benchmarks/bench_bayesmark.py --table runs.jsonl
    python benchmarks/bench_bayesmark.py --rounds 128 --batch 1 --out sequential.jsonl
"""

import json
import math
import os
import subprocess
import time
import warnings
from pathlib import Path

import numpy as np
from _harness import (
    Benchmark,
    Setting,
    Tool,
    by,
    fmt,
    fmt_iqr,
    main,
    median,
    one_thread,
    paired_p,
    quartiles,
    table,
    tools_in,
    unpaired_p,
)
from scipy.special import expit, logit
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_digits,
    load_iris,
    load_wine,
)
from sklearn.ensemble import (
    AdaBoostClassifier,
    AdaBoostRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.linear_model import Lasso, LogisticRegression, Ridge
from sklearn.model_selection import cross_val_score, train_test_split
from sklearn.multiclass import OneVsRestClassifier
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.svm import SVC, SVR
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

# -- Bayesmark's spaces: name -> (type, scale, low, high) -------------------------------
_FRACTIONS = {
    "max_depth": ("int", "linear", 1, 15),
    "max_features": ("real", "logit", 0.01, 0.99),
    "min_samples_split": ("real", "logit", 0.01, 0.99),
    "min_samples_leaf": ("real", "logit", 0.01, 0.49),
    "min_weight_fraction_leaf": ("real", "logit", 0.01, 0.49),
    "min_impurity_decrease": ("real", "linear", 0.0, 0.5),
}
_MLP = {
    "hidden_layer_sizes": ("int", "linear", 50, 200),
    "alpha": ("real", "log", 1e-5, 1e1),
    "batch_size": ("int", "linear", 10, 250),
    "learning_rate_init": ("real", "log", 1e-5, 1e-1),
    "tol": ("real", "log", 1e-5, 1e-1),
    "validation_fraction": ("real", "logit", 0.1, 0.9),
}
SPACES = {
    "kNN": {"n_neighbors": ("int", "linear", 1, 25), "p": ("int", "linear", 1, 4)},
    "SVM": {
        "C": ("real", "log", 1.0, 1e3),
        "gamma": ("real", "log", 1e-4, 1e-3),
        "tol": ("real", "log", 1e-5, 1e-1),
    },
    "DT": _FRACTIONS,
    "RF": _FRACTIONS,
    "MLP-adam": {
        **_MLP,
        "beta_1": ("real", "logit", 0.5, 0.99),
        "beta_2": ("real", "logit", 0.9, 1.0 - 1e-6),
        "epsilon": ("real", "log", 1e-9, 1e-6),
    },
    "MLP-sgd": {
        **{k: v for k, v in _MLP.items() if k != "validation_fraction"},
        "power_t": ("real", "logit", 0.1, 0.9),
        "momentum": ("real", "logit", 0.001, 0.999),
        "validation_fraction": ("real", "logit", 0.1, 0.9),
    },
    "ada": {
        "n_estimators": ("int", "linear", 10, 100),
        "learning_rate": ("real", "log", 1e-4, 1e1),
    },
    "lasso": {
        "C": ("real", "log", 1e-2, 1e2),
        "intercept_scaling": ("real", "log", 1e-2, 1e2),
    },
    "linear": {
        "C": ("real", "log", 1e-2, 1e2),
        "intercept_scaling": ("real", "log", 1e-2, 1e2),
    },
}
SPACES_REG = {
    **SPACES,
    "lasso": {
        "alpha": ("real", "log", 1e-2, 1e2),
        "fit_intercept": ("bool",),
        "max_iter": ("int", "log", 10, 5000),
        "tol": ("real", "log", 1e-5, 1e-1),
        "positive": ("bool",),
    },
    "linear": {
        "alpha": ("real", "log", 1e-2, 1e2),
        "fit_intercept": ("bool",),
        "max_iter": ("int", "log", 10, 5000),
        "tol": ("real", "log", 1e-4, 1e-1),
    },
}


def _logistic(penalty):
    def make(C, intercept_scaling):
        return OneVsRestClassifier(LogisticRegression(
            penalty=penalty, C=C, intercept_scaling=intercept_scaling, solver="liblinear",
        ))

    return make


def _with(cls, **fixed):
    return lambda **params: cls(**params, **fixed)


_MLP_SGD = {"solver": "sgd", "early_stopping": True, "learning_rate": "invscaling",
            "nesterovs_momentum": True}
MODELS = {
    "clf": {
        "kNN": _with(KNeighborsClassifier),
        "SVM": _with(SVC, kernel="rbf", probability=True),
        "DT": _with(DecisionTreeClassifier, max_leaf_nodes=None),
        "RF": _with(RandomForestClassifier, n_estimators=10, max_leaf_nodes=None),
        "MLP-adam": _with(MLPClassifier, solver="adam", early_stopping=True),
        "MLP-sgd": _with(MLPClassifier, **_MLP_SGD),
        "ada": _with(AdaBoostClassifier),
        "lasso": _logistic("l1"),
        "linear": _logistic("l2"),
    },
    "reg": {
        "kNN": _with(KNeighborsRegressor),
        "SVM": _with(SVR, kernel="rbf"),
        "DT": _with(DecisionTreeRegressor, max_leaf_nodes=None),
        "RF": _with(RandomForestRegressor, n_estimators=10, max_leaf_nodes=None),
        "MLP-adam": _with(MLPRegressor, solver="adam", early_stopping=True),
        "MLP-sgd": _with(MLPRegressor, activation="tanh", **_MLP_SGD),
        "ada": _with(AdaBoostRegressor),
        "lasso": _with(Lasso),
        "linear": _with(Ridge, solver="auto"),
    },
}
DATASETS = {
    "iris": ("clf", load_iris),
    "wine": ("clf", load_wine),
    "digits": ("clf", load_digits),
    "breast": ("clf", load_breast_cancer),
    "diabetes": ("reg", load_diabetes),
}
METRICS = {
    "nll": "neg_log_loss", "acc": "accuracy",
    "mae": "neg_mean_absolute_error", "mse": "neg_mean_squared_error",
}
_KIND_METRICS = {"clf": ("nll", "acc"), "reg": ("mae", "mse")}
TASKS = {
    f"{model}-{dataset}-{metric}": (model, dataset, metric)
    for dataset, (kind, _) in DATASETS.items()
    for model in MODELS[kind]
    for metric in _KIND_METRICS[kind]
}


def space_of(task):
    model, dataset, _ = TASKS[task]
    return (SPACES if DATASETS[dataset][0] == "clf" else SPACES_REG)[model]


class Objective:
    """A task's loss for one seed: 5-fold CV loss on the seed's 80 % split."""

    def __init__(self, task, seed):
        model, dataset, metric = TASKS[task]
        kind, load = DATASETS[dataset]
        X, y = load(return_X_y=True)
        self.X, _, self.y, _ = train_test_split(X, y, test_size=0.2, random_state=seed)
        self.make, self.scoring = MODELS[kind][model], METRICS[metric]

    def __call__(self, params):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                scores = cross_val_score(self.make(**params), self.X, self.y,
                                         scoring=self.scoring, cv=5, error_score="raise")
            except Exception:  # noqa: BLE001 - a failed setting is a failed evaluation
                return math.nan
        loss = -float(np.mean(scores))
        return loss if math.isfinite(loss) else math.nan


# -- the tools: ask(n) -> settings, tell(settings, losses) ------------------------------
def _cast(kind, value):
    if kind == "int":
        return int(round(value))
    if kind == "bool":
        return bool(value)
    return float(value)


class RandomTool:
    """Uniform on each hyperparameter's scale (Bayesmark's random search)."""

    def __init__(self, space, seed):
        self.space, self.rng = space, np.random.RandomState(seed)

    def _draw(self, kind, scale=None, low=None, high=None):
        if kind == "bool":
            return bool(self.rng.randint(2))
        if scale == "log":
            value = math.exp(self.rng.uniform(math.log(low), math.log(high)))
        elif scale == "logit":
            value = float(expit(self.rng.uniform(logit(low), logit(high))))
        elif kind == "int":
            return int(self.rng.randint(low, high + 1))
        else:
            value = self.rng.uniform(low, high)
        return _cast(kind, min(max(value, low), high))

    def ask(self, n):
        return [{k: self._draw(*spec) for k, spec in self.space.items()} for _ in range(n)]

    def tell(self, params, losses):
        pass


def _dimensions(space, module, logit="uniform"):
    """A Bayesmark space as ``{name: dimension}`` of ``module``'s
    ``Categorical``, ``Integer`` and ``Real`` (skhyper's and scikit-optimize's
    take the same arguments); a fraction on a logit scale gets the prior
    ``logit`` (skhyper's ``"logit-uniform"``; scikit-optimize has none, so
    uniform)."""
    dims = {}
    for name, (kind, *rest) in space.items():
        if kind == "bool":
            dims[name] = module.Categorical([False, True])
        else:
            scale, low, high = rest
            prior = {"log": "log-uniform", "logit": logit}.get(scale, "uniform")
            dims[name] = (module.Integer if kind == "int" else module.Real)(
                low, high, prior=prior
            )
    return dims


class SkhyperTool:
    """skhyper's BayesOptimizer, asked for a whole batch at once."""

    def __init__(self, space, seed):
        import skhyper

        self.opt = skhyper.BayesOptimizer(
            _dimensions(space, skhyper, logit="logit-uniform"), random_state=seed
        )

    def ask(self, n):
        return self.opt.ask(n)

    def tell(self, params, losses):
        self.opt.tell(params, [-loss for loss in losses])


class OptunaTool:
    """Optuna's sampler: ``study.ask`` a batch, then ``study.tell`` each."""

    def __init__(self, space, seed, sampler):
        import optuna
        from optuna.distributions import (
            CategoricalDistribution,
            FloatDistribution,
            IntDistribution,
        )

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        self.study = optuna.create_study(sampler=getattr(optuna.samplers, sampler)(seed=seed))
        self.distributions = {}
        for name, (kind, *rest) in space.items():
            if kind == "bool":
                self.distributions[name] = CategoricalDistribution([False, True])
            else:
                scale, low, high = rest
                cls = IntDistribution if kind == "int" else FloatDistribution
                self.distributions[name] = cls(low, high, log=scale == "log")
        self.trials = []

    def ask(self, n):
        self.trials = [self.study.ask(self.distributions) for _ in range(n)]
        return [dict(trial.params) for trial in self.trials]

    def tell(self, params, losses):
        import optuna

        for trial, loss in zip(self.trials, losses):
            if math.isnan(loss):
                self.study.tell(trial, state=optuna.trial.TrialState.FAIL)
            else:
                self.study.tell(trial, loss)


class SkoptTool:
    """scikit-optimize's GP optimizer, asked for a batch (its constant liar)."""

    def __init__(self, space, seed):
        import skopt.space
        from skopt import Optimizer

        self.names = list(space)
        dims = list(_dimensions(space, skopt.space).values())
        self.opt = Optimizer(dims, base_estimator="GP", random_state=seed)
        self.worst = None

    def ask(self, n):
        points = self.opt.ask(n_points=n)
        return [dict(zip(self.names, (_plain(v) for v in p))) for p in points]

    def tell(self, params, losses):
        finite = [v for v in losses if math.isfinite(v)]
        if finite:
            self.worst = max(finite + ([self.worst] if self.worst is not None else []))
        points = [[p[k] for k in self.names] for p in params]
        told = [v if math.isfinite(v) else (self.worst if self.worst is not None else 1e6)
                for v in losses]
        self.opt.tell(points, told)


def _plain(value):
    return value.item() if hasattr(value, "item") else value


# HEBO's own environment (its pins clash with ours): the Python to run
# _hebo_worker.py with, from this variable.
HEBO_PYTHON = "SKHYPER_HEBO_PYTHON"


class HeboTool:
    """HEBO (the challenge's winner) in its own virtual environment, over a pipe."""

    def __init__(self, space, seed):
        api_config = {}
        for name, (kind, *rest) in space.items():
            api_config[name] = {"type": kind}
            if kind != "bool":
                api_config[name].update(space=rest[0], range=rest[1:])
        worker = Path(__file__).resolve().parent / "_hebo_worker.py"
        self.process = subprocess.Popen(
            [os.environ[HEBO_PYTHON], str(worker)], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
        self.types = {name: spec[0] for name, spec in space.items()}
        self._send({"space": api_config, "seed": seed}, answer=False)

    def _send(self, message, answer=True):
        self.process.stdin.write(json.dumps(message) + "\n")
        self.process.stdin.flush()
        if answer:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError("the HEBO worker stopped")
            return json.loads(line)

    def ask(self, n):
        return [{k: _cast(self.types[k], v) for k, v in p.items()}
                for p in self._send({"ask": n})]

    def tell(self, params, losses):
        self._send({"tell": params,
                    "losses": [None if math.isnan(v) else v for v in losses]})

    def __del__(self):
        process = getattr(self, "process", None)
        if process is not None and process.poll() is None:
            process.stdin.close()
            process.wait(timeout=30)


def ax_parameters(space):
    """Ax's parameters for a Bayesmark space: ``(config, keywords)`` pairs, where
    ``config`` is ``"range"`` (Ax's ``RangeParameterConfig``) or ``"choice"``
    (``ChoiceParameterConfig``) and ``keywords`` its arguments.

    Reals and integers are ranges on their scale; Ax has no logit scale, so a
    fraction is a linear range (as in Optuna). A boolean is a choice of
    ``[False, True]`` of Ax's ``bool`` type. Ax refuses a range narrower than
    1.5e-5 (MLP-adam's ``epsilon``, 1e-9 to 1e-6) and asks for it to be
    rescaled: a real narrower than 1e-3 is given to Ax in units of
    :func:`ax_unit` of it (a power of ten), which the tool multiplies back.
    """
    out = []
    for name, (kind, *rest) in space.items():
        if kind == "bool":
            out.append(("choice", {"name": name, "values": [False, True],
                                   "parameter_type": "bool"}))
        else:
            scale, low, high = rest
            unit = ax_unit((kind, *rest))
            out.append(("range", {
                "name": name, "bounds": (low / unit, high / unit),
                "parameter_type": "int" if kind == "int" else "float",
                "scaling": "log" if scale == "log" else "linear",
            }))
    return out


def ax_unit(spec):
    """The unit Ax is given a real in: 1, or the power of ten of a narrow
    range's upper bound (Ax refuses ranges narrower than 1.5e-5)."""
    kind, *rest = spec
    if kind != "real" or rest[2] - rest[1] >= 1e-3:
        return 1.0
    return 10.0 ** math.floor(math.log10(rest[2]))


class AxTool:
    """Ax's ``Client`` (BoTorch underneath) with its default generation
    strategy: the centre of the space, then Sobol points, then BoTorch's
    modular model with qLogNEI, which builds a batch point by point, each
    maximising the Monte Carlo qLogNEI of itself and the points already chosen.

    ``get_next_trials`` may give fewer trials than asked (Ax limits how many
    initial trials await data): the tool asks again until it has the batch,
    and fails if Ax gives none. Ax suggests no setting twice: when it says a
    discrete space (kNN's 100 settings) has fewer settings left than asked
    for, the tool asks one at a time, and once none is left it fills the
    batch with the best setting found (which cannot change the best loss).
    A failed evaluation is marked failed. Ax's logging is turned down to
    warnings.
    """

    def __init__(self, space, seed):
        import logging

        import torch
        from ax import ChoiceParameterConfig, Client, RangeParameterConfig
        from ax.exceptions.core import SearchSpaceExhausted
        from ax.utils.common.logger import set_ax_logger_levels

        torch.set_num_threads(1)
        set_ax_logger_levels(logging.WARNING)
        configs = {"range": RangeParameterConfig, "choice": ChoiceParameterConfig}
        self.client = Client(random_seed=seed)
        self.client.configure_experiment(
            parameters=[configs[config](**kw) for config, kw in ax_parameters(space)]
        )
        self.client.configure_optimization(objective="-loss")  # minimise the loss
        self.exhausted_error = SearchSpaceExhausted
        self.types = {name: spec[0] for name, spec in space.items()}
        self.units = {name: ax_unit(spec) for name, spec in space.items()}
        self.trials, self.best = [], None
        self.step, self.exhausted = None, False  # asks of at most step trials

    def ask(self, n):
        trials = {}
        while len(trials) < n and not self.exhausted:
            want = min(n - len(trials), self.step or n)
            try:
                more = self.client.get_next_trials(max_trials=want)
            except self.exhausted_error:
                self.exhausted = want == 1
                self.step = 1
                continue
            if not more:
                raise RuntimeError(f"Ax gave {len(trials)} of the {n} trials asked for")
            trials.update(more)
        params = [{k: _cast(self.types[k], v * self.units[k]) for k, v in trials[i].items()}
                  for i in trials]
        if len(trials) < n and self.best is None:
            raise RuntimeError("Ax's space is exhausted and no setting has a loss")
        self.trials = list(trials) + [None] * (n - len(trials))
        return params + [dict(self.best[1]) for _ in range(n - len(trials))]

    def tell(self, params, losses):
        for index, setting, loss in zip(self.trials, params, losses):
            if index is None:  # a repeat of the best setting, outside Ax
                continue
            if math.isnan(loss):
                self.client.mark_trial_failed(index)
                continue
            self.client.complete_trial(index, {"loss": loss})
            if self.best is None or loss < self.best[0]:
                self.best = (loss, setting)


class _VenvTool(Tool):
    """A tool that runs in the environment an environment variable names."""

    def __init__(self, run, variable):
        super().__init__(run=run)
        self.variable = variable

    def missing(self):
        return [] if os.environ.get(self.variable) else [f"{self.variable} (unset)"]


TOOLS = {
    "random": Tool(run=RandomTool),
    "skhyper": Tool(run=SkhyperTool),
    "optuna-tpe": Tool(run=lambda space, seed: OptunaTool(space, seed, "TPESampler"),
                       requires=("optuna",)),
    "optuna-gp": Tool(run=lambda space, seed: OptunaTool(space, seed, "GPSampler"),
                      requires=("optuna", "torch")),
    "skopt": Tool(run=SkoptTool, requires=("skopt",)),
    "hebo": _VenvTool(HeboTool, HEBO_PYTHON),
    "ax": Tool(run=AxTool, requires=("ax", "botorch")),
}


def run(task, tool, seed, settings):
    space = space_of(task)
    objective = Objective(task, seed)
    optimizer = BENCHMARK.tool(tool).run(space, seed)
    losses, suggesting = [], 0.0
    for _ in range(settings["rounds"]):
        start = time.perf_counter()
        batch = optimizer.ask(settings["batch"])
        suggesting += time.perf_counter() - start
        batch_losses = [objective(params) for params in batch]
        start = time.perf_counter()
        optimizer.tell(batch, batch_losses)
        suggesting += time.perf_counter() - start
        losses.extend(batch_losses)
    return {"losses": losses, "suggest_seconds": suggesting,
            "failed": int(sum(math.isnan(v) for v in losses))}


# -- the score ----------------------------------------------------------------------------
def _finite(losses):
    return [v for v in losses if v is not None and math.isfinite(v)]


def baselines(runs):
    """Per task, ``(best, clip)``: the lowest loss of any run, and the median
    loss of one random setting (every evaluation of the random tool)."""
    out = {}
    for task, task_runs in by(runs, "task").items():
        every = _finite([v for r in task_runs for v in r["losses"]])
        randoms = _finite([v for r in task_runs if r["tool"] == "random" for v in r["losses"]])
        if every and randoms:
            out[task] = (min(every), float(np.median(randoms)))
    return out


def score(losses, best, clip):
    """Bayesmark's normalised score of a run: 100 at the best loss found, 0 at
    the median random setting or worse (the normalised loss is clipped to
    [-1, 1]; a run that finds nothing finite scores 0)."""
    finite = _finite(losses)
    if not finite:
        return 0.0
    if clip <= best:  # every setting as good as the best: nothing to tell apart
        return 100.0
    normed = (min(finite) - best) / (clip - best)
    return 100.0 * (1.0 - float(np.clip(normed, -1.0, 1.0)))


def lead(scores, ours, theirs, tasks, seeds, resamples=5000):
    """How far ``ours`` leads ``theirs`` on the runs both made.

    The tasks are those both ran on every seed where both ran anything; per
    seed, the lead is the mean over those tasks of the difference of scores.
    Returns ``(tasks, seeds, leads, (low, high))``, the last the 95 %
    bootstrap interval of the leads' mean over the seeds (resampled with a
    fixed seed), or ``None`` when the two share no complete task.
    """
    def ran(tool, task, seed):
        return (task, tool, seed) in scores

    common = [s for s in seeds if any(ran(ours, t, s) and ran(theirs, t, s) for t in tasks)]
    full = [t for t in tasks if common and all(ran(ours, t, s) and ran(theirs, t, s)
                                               for s in common)]
    if not full:
        return None
    leads = np.array([np.mean([scores[t, ours, s] - scores[t, theirs, s] for t in full])
                      for s in common])
    draws = np.random.RandomState(0).randint(0, len(leads), (resamples, len(leads)))
    low, high = np.percentile(leads[draws].mean(axis=1), [2.5, 97.5])
    return full, common, leads, (float(low), float(high))


def scores_after(runs, base, n_evaluations=None):
    """Each run's score after its first ``n_evaluations`` evaluations (None:
    all), keyed ``(task, tool, seed)``; the baselines ``base`` stay those of
    whole runs."""
    return {(r["task"], r["tool"], r["seed"]): score(r["losses"][:n_evaluations], *base[r["task"]])
            for r in runs if r["task"] in base}


def leads_by_round(runs, base, tools, tasks, seeds, settings):
    """skhyper's mean lead over each other tool after each quarter of the
    rounds: ``(rounds, {tool: [lead after each, ...]})``, on the tasks and seeds
    :func:`lead` pairs. Where the final lead was won or lost: early, with the
    first models, or late, refining."""
    n_rounds, batch = settings["rounds"], settings["batch"]
    rounds = sorted({max(1, round(n_rounds * q / 4)) for q in range(1, 5)})
    after = [scores_after(runs, base, r * batch) for r in rounds]
    out = {}
    for tool in tools:
        if tool == "skhyper":
            continue
        leads = [lead(scores, "skhyper", tool, tasks, seeds) for scores in after]
        if leads[0] is not None:
            out[tool] = [float(found[2].mean()) for found in leads]
    return rounds, out


def best_per_seed(scores):
    """Per (task, seed), the best score of any tool's run: the most a run of
    that task and seed reached."""
    best = {}
    for (task, _, seed), value in scores.items():
        best[task, seed] = max(best.get((task, seed), -math.inf), value)
    return best


def report(runs, settings):
    runs = [r for r in runs if "losses" in r]  # a failed run records its error only
    base = baselines(runs)
    missing = sorted({r["task"] for r in runs} - set(base))
    if missing:
        print(f"No random runs (the score's 0) for {', '.join(missing)}: left out.\n")
    # the tools in the benchmark's order, then any --label's names
    tools = tools_in((r["tool"] for r in runs), TOOLS)
    tasks = [t for t in TASKS if t in base]
    scores = scores_after(runs, base)
    seeds = sorted({r["seed"] for r in runs})
    print(f"Protocol: {settings['rounds']} rounds of {settings['batch']} suggestions; "
          f"{len(tasks)} tasks; seeds {seeds[0]}..{seeds[-1]}.\n")
    rows = []
    seed_best = best_per_seed(scores)
    for tool in tools:
        per_seed = [
            np.mean([scores[t, tool, s] for t in tasks]) for s in seeds
            if all((t, tool, s) in scores for t in tasks)
        ]
        mine = [k for k in scores if k[1] == tool]
        mean_all = np.mean([scores[k] for k in mine])
        gap = np.mean([seed_best[k[0], k[2]] - scores[k] for k in mine])
        seconds = [r["suggest_seconds"] for r in runs if r["tool"] == tool]
        rows.append([tool, f"{mean_all:.1f}", fmt_iqr(per_seed), len(per_seed),
                     f"{gap:.2f}", fmt(median(seconds), 3)])
    print(table(["tool", "mean score", "per seed: median [q1, q3]", "complete seeds",
                 "gap to the seed's best", "suggest s per run (median)"], rows))
    print()
    print("(The gap: the mean over a tool's runs of the best score any tool reached on "
          "the same task and seed, less its own. On the same runs no tool leads another "
          "by more than the other's gap.)\n")
    task_rows = []
    for task in tasks:
        cells = []
        for tool in tools:
            got = [scores[k] for k in scores if k[0] == task and k[1] == tool]
            q1, mid, q3 = quartiles(got)
            cells.append(f"{mid:.0f} [{q1:.0f}, {q3:.0f}]" if got else "—")
        task_rows.append([task, *cells])
    print(table(["task (median [q1, q3] over seeds)", *tools], task_rows))
    print()
    if "skhyper" not in tools:
        return
    # The target's second half: no task where another tool is significantly
    # better, paired over the seeds both ran.
    pair_rows, lead_rows = [], []
    for tool in tools:
        if tool == "skhyper":
            continue
        both = lead(scores, "skhyper", tool, tasks, seeds)
        if both is not None:
            full, common, leads, (low, high) = both
            ours = np.mean([scores[t, "skhyper", s] for t in full for s in common])
            lead_rows.append([tool, len(full), len(common), f"{ours:.2f}",
                              f"{ours - leads.mean():.2f}", f"{leads.mean():.2f}",
                              f"[{low:.2f}, {high:.2f}]",
                              f"{int((leads > 0).sum())}/{len(leads)}"])
        better, worse, unpaired_worse = [], [], []
        for task in tasks:
            seeds_both = [s for s in seeds if (task, "skhyper", s) in scores
                          and (task, tool, s) in scores]
            ours = [scores[task, "skhyper", s] for s in seeds_both]
            theirs = [scores[task, tool, s] for s in seeds_both]
            if paired_p(ours, theirs) < 0.05:
                (better if np.median(np.subtract(ours, theirs)) > 0 else worse).append(task)
            if unpaired_p(ours, theirs) < 0.05 and np.median(ours) < np.median(theirs):
                unpaired_worse.append(task)
        pair_rows.append([tool, len(better), len(worse), ", ".join(worse) or "—",
                          ", ".join(unpaired_worse) or "—"])
    # A seed pairs two tools' runs only until they diverge, and the models'
    # losses are noisy besides: the unpaired test is the sober second view.
    print("Paired over seeds (Wilcoxon signed-rank, two-sided, p < 0.05), per task; the last "
          "column unpaired (Mann-Whitney U, p < 0.05, skhyper's median lower):\n")
    print(table(["tool", "tasks skhyper is better on", "tasks skhyper is worse on",
                 "which (worse)", "worse, unpaired"], pair_rows))
    print()
    # The target's first half: skhyper's lead in mean score, on the tasks and
    # seeds both tools ran (the tools' means above cover different runs).
    print("skhyper's lead over each tool: the mean over the tasks both ran on every seed "
          "both ran, per seed; its mean over the seeds and 95 % bootstrap interval:\n")
    print(table(["tool", "tasks", "seeds", "skhyper's mean", "tool's mean", "lead",
                 "95 % interval", "seeds skhyper leads"], lead_rows))
    print()
    rounds, by_round = leads_by_round(runs, base, tools, tasks, seeds, settings)
    print("skhyper's lead after a part of the rounds (the same tasks and seeds; the score's "
          "0 and 100 those of the whole runs):\n")
    print(table(["tool", *(f"after {r} rounds" for r in rounds)],
                [[tool, *(f"{v:.2f}" for v in values)] for tool, values in by_round.items()]))
    print()


BENCHMARK = Benchmark(
    title="Bayesmark's batch protocol on scikit-learn's datasets",
    tasks=TASKS,
    tools=TOOLS,
    run=run,
    report=report,
    settings={
        "rounds": Setting(16, 2, "rounds of suggestions", int),
        "batch": Setting(8, 2, "suggestions per round, evaluated before the tool hears them",
                         int),
    },
    seeds=10,
    smoke_tasks=["kNN-iris-acc", "lasso-diabetes-mse"],
    smoke_tools=["random", "skhyper"],
    setup=one_thread,
    versions=("skhyper", "sklearn", "numpy", "scipy", "optuna", "skopt", "ax",
              "botorch"),
)

if __name__ == "__main__":
    main(BENCHMARK)
