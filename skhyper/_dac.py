"""DACSearchCV: Dynamic Algorithm Configuration (Biedenkapp et al. 2020), with CV.

A *policy* sets dynamic hyperparameters at every training step; a learner
(the cross-entropy method, or the library's Gaussian-process optimizer)
searches the policies' parameters, and every policy is scored by
cross-validation, the folds being the instances of the DAC formulation.
"""

import math
from dataclasses import dataclass, field
from numbers import Integral

import numpy as np

from ._compat import Interval, StrOptions
from ._batch import Batch, Training
from ._engine import _SearchCV
from ._trainer import _Trainer
from ._training import Stepper, _last_step, _split_by_step, prepare_training
from .optimizer import BayesOptimizer, auto_n_initial_points
from .space import Real as RealDim
from .space import SearchSpace
from .space._dimensions import Categorical

__all__ = ["DACSearchCV", "FeedbackPolicy", "SchedulePolicy"]

# Feedback policy: the largest move per step in unit coordinates, and the
# number of state features (bias, progress, last change of the training
# score, last training score).
_FEEDBACK_DELTA = 0.25
_N_FEATURES = 4
# Cross-entropy method: elite fraction, smoothing, smallest spread.
_CEM_ELITE, _CEM_SMOOTHING, _CEM_MIN_STD = 0.2, 0.7, 0.02


def _to_value(dim, u):
    """The value of a dimension at unit coordinate ``u``."""
    u = float(np.clip(u, 0.0, 1.0))
    if isinstance(dim, Categorical):
        n = len(dim.categories)
        return dim.categories[min(int(u * n), n - 1)]
    return dim.inverse_transform(np.array([[u]]))[0]


@dataclass
class PolicyState:
    """What a policy sees before a training step.

    Attributes
    ----------
    step : int
        Steps trained so far.
    n_steps : int
        Steps in all.
    scores : list of float
        The model's training-data score after each step so far (only for
        policies that ask for it: ``needs_scores``).
    memory : dict
        What a policy keeps between the steps of one training run, which
        advances ``step`` and appends to ``scores`` (empty for a new state).
    """

    step: int
    n_steps: int
    scores: list = field(default_factory=list)
    #: what a policy carries from one step of this training run to the next
    #: (a feedback policy's current values), so that it need not replay the
    #: run from step 0 at every step
    memory: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def progress(self):
        """Training progress in [0, 1] (0 at the first step, 1 at the last)."""
        return self.step / max(self.n_steps - 1, 1)


class SchedulePolicy:
    """Piecewise-linear values over training progress, in each dimension's
    own coordinates (so piecewise log-linear for log-uniform ranges).

    Parameters
    ----------
    dimensions : dict of str -> Dimension
        The dynamic parameters and their ranges.
    knots : dict of str -> array-like of float
        Unit coordinates at ``n_knots`` evenly spaced points of progress.
        A category holds from its knot to the next.
    """

    needs_scores = False

    def __init__(self, dimensions, knots):
        self.dimensions = dimensions
        self.knots = {name: np.asarray(k, dtype=float) for name, k in knots.items()}

    def unit(self, name, progress):
        knots = self.knots[name]
        grid = np.linspace(0.0, 1.0, len(knots))
        if isinstance(self.dimensions[name], Categorical):
            return knots[min(int(progress * (len(knots) - 1) + 1e-9), len(knots) - 1)]
        return float(np.interp(progress, grid, knots))

    def __call__(self, state):
        return {
            name: _to_value(dim, self.unit(name, state.progress))
            for name, dim in self.dimensions.items()
        }

    def __repr__(self):
        parts = []
        for name, dim in self.dimensions.items():
            values = [_to_value(dim, u) for u in self.knots[name]]
            parts.append(f"{name}: " + " -> ".join(_short(v) for v in values))
        return f"SchedulePolicy({'; '.join(parts)})"


class FeedbackPolicy:
    """A closed-loop policy: ``u_t = u_{t-1} + delta * tanh(theta . phi_t)``.

    ``u`` is each dynamic parameter's unit coordinate (log scale for
    log-uniform ranges), ``phi_t`` the state features ``[1, progress, last
    change of the training score, last training score]`` (zeros before the
    first step), clipped to [0, 1]. All-zero ``theta`` keeps every value at
    its start: the static setting.

    Parameters
    ----------
    dimensions : dict of str -> Dimension
        The dynamic parameters and their (numeric) ranges.
    start : dict of str -> float
        Unit coordinates at the first step.
    theta : dict of str -> array-like of shape (4,)
        Feature weights.
    """

    needs_scores = True

    def __init__(self, dimensions, start, theta):
        self.dimensions = dimensions
        self.start = dict(start)
        self.theta = {name: np.asarray(t, dtype=float) for name, t in theta.items()}

    @staticmethod
    def features(state):
        scores = state.scores
        last = scores[-1] if scores else 0.0
        change = scores[-1] - scores[-2] if len(scores) > 1 else 0.0
        return np.array([1.0, state.progress, change, last])

    def units(self, state):
        """Unit coordinates at ``state.step``: the loop from step 0, continued
        from the step this policy last saw of the same run (``state.memory``),
        so that a run of ``n`` steps costs ``n`` updates, not ``n^2 / 2``."""
        done, u = state.memory.get(self, (0, self.start))
        if done > state.step:  # a state moved back: replay from the start
            done, u = 0, self.start
        u = dict(u)
        for t in range(done + 1, state.step + 1):
            # the features of step t see the scores before step t (of those
            # known), of which they read the last two
            known = min(t, len(state.scores))
            seen = state.scores[max(0, known - 2):known]
            phi = self.features(PolicyState(t, state.n_steps, seen))
            for name in u:
                u[name] = float(np.clip(
                    u[name] + _FEEDBACK_DELTA * np.tanh(self.theta[name] @ phi), 0, 1
                ))
        state.memory[self] = (state.step, dict(u))
        return u

    def __call__(self, state):
        u = self.units(state)
        return {name: _to_value(dim, u[name]) for name, dim in self.dimensions.items()}

    def __repr__(self):
        parts = [
            f"{name}: start {_short(_to_value(dim, self.start[name]))}, "
            f"theta {np.round(self.theta[name], 3).tolist()}"
            for name, dim in self.dimensions.items()
        ]
        return f"FeedbackPolicy({'; '.join(parts)})"


def _short(value):
    return f"{value:.4g}" if isinstance(value, float) else repr(value)


class PolicyStepper:
    """Trains step by step, setting the policy's values before every step.

    Runs inside the worker's training loop, so changing a value every step
    costs no round trip; records the values it set (the trajectory).
    """

    def __init__(self, base, policy, n_steps, step_name=None):
        self.base = base
        self.policy = policy
        self.n_steps = n_steps
        self.step_name = step_name
        self._records = {}

    def train(self, model, X, y, done, target, fit_params):
        state = PolicyState(done, self.n_steps)
        record = []
        for t in range(done, target):
            state.step = t
            values = self.policy(state)
            model.set_params(**_split_by_step(values, self.step_name)[0])
            self.base.train(model, X, y, t, t + 1, fit_params)
            record.append(values)
            if self.policy.needs_scores:  # training data only: never a test fold
                state.scores.append(float(model.score(X, y)))
        self._records[id(model)] = record
        return model

    def trajectory(self, model):
        return self._records.pop(id(model), [])


class DACSearchCV(_SearchCV):
    """Learn a policy that sets hyperparameters while the model trains.

    Dynamic Algorithm Configuration (Biedenkapp et al. 2020): each
    ``dynamic`` hyperparameter is *controlled* during training by a policy
    instead of fixed up front. A learner proposes policies (and values of the
    static parameters); each is applied online while the model trains
    ``n_steps`` steps on every training fold, and scored on the held-out
    fold. The best policy is applied again when refitting on all the data.

    Parameters
    ----------
    estimator : estimator object
        Trains by ``partial_fit`` or by ``warm_start`` (a Pipeline's last step).
    search_spaces : dict or SearchSpace
        The ranges of all searched parameters, static and dynamic (a single
        subspace).
    dynamic : list of str, default=None
        The parameters the policy sets at every step; they must be in
        ``search_spaces`` and safe to change during training (see
        :class:`PBTSearchCV`'s ``safe_to_change``). None: all of them.
    policy : {"schedule", "feedback"}, default="schedule"
        ``"schedule"``: piecewise-linear values over training progress with
        ``n_knots`` knots, in each range's own coordinates (log-linear for
        log-uniform ranges). ``"feedback"``: ``u_t = u_{t-1} + 0.25 *
        tanh(theta . phi_t)`` in unit coordinates, with state features from
        the training fold's score; ``theta = 0`` is the static setting.
    n_steps : int or "auto", default="auto"
        Training steps (``partial_fit`` epochs or warm-start units);
        ``"auto"`` is the estimator's own warm-start parameter value.
    n_iter : int, default=50
        Number of policies evaluated in all.
    learner : {"cem", "bayes"}, default="cem"
        The cross-entropy method (generations of policies; a Gaussian in the
        unit cube refitted to the best fifth, smoothed), or the library's
        Gaussian-process optimizer (:class:`BayesOptimizer`).
    n_knots : int, default=3
        Knots of a schedule policy, at least 2.
    generation_size : int or "auto", default="auto"
        Policies per generation; ``"auto"`` is ``n_iter // 5`` between 4 and 20.
    resource : str, default="auto"
        What a step is, as in :class:`PBTSearchCV`.
    safe_to_change : "auto" or list of str, default="auto"
        As in :class:`PBTSearchCV`.
    search_metric : str, default=None
        The scorer name the learner optimizes with multi-metric scoring.
        Defaults to ``refit`` when it is a string, else the first scorer named
        (the first key of a dict, the first item of a list or tuple, the
        first name a callable returns), as RandomizedSearchCV accepts it.
    scoring : str, callable, list, tuple or dict, default=None
        As in GridSearchCV.
    n_jobs : int, default=None
        Number of jobs to run in parallel; each (policy, fold) trains in one
        job, the policy running inside its training loop.
    refit : bool, str or callable, default=True
        Train on all data with the best policy applied online.
    cv : int, cross-validation generator or iterable, default=None
        As in GridSearchCV; the folds are the policy's training instances.
    verbose : int, default=0
        ``1`` prints a line per generation.
    pre_dispatch : int or str, default="2*n_jobs"
        As in GridSearchCV.
    random_state : int, RandomState instance or None, default=None
        Seeds the learner. With an int, results are identical for any
        ``n_jobs``.
    error_score : "raise" or float, default=np.nan
        Score of a failed fit in ``cv_results_``. Whatever its value, a
        policy whose training failed on any fold is told to the learner as a
        failure (never in the elite; the worst score for ``"bayes"``) and is
        never ``best_index_``.
    return_train_score : bool, default=False
        As in GridSearchCV.

    Attributes
    ----------
    cv_results_ : dict of numpy (masked) ndarrays
        One row per policy, with ``generation`` and ``policy`` columns;
        ``params`` hold the static parameters.
    best_policy_ : SchedulePolicy or FeedbackPolicy
        The best policy (callable on a :class:`PolicyState`, printable).
    best_params_ : dict
        The static values and the dynamic values in force at the last step
        (on the first fold).
    best_trajectory_ : list of list of dict
        The dynamic values at every step, per fold.
    best_estimator_ : estimator
        Trained on all data with ``best_policy_`` applied online.
    n_steps_ : int
        The resolved number of steps.

    References
    ----------
    .. [1] A. Biedenkapp, H. F. Bozkurt, T. Eimer, F. Hutter, M. Lindauer,
       "Dynamic Algorithm Configuration: Foundation of a New Meta-Algorithmic
       Framework", ECAI 2020.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.linear_model import SGDClassifier
    >>> from skhyper import DACSearchCV, Real
    >>> X, y = load_digits(return_X_y=True)
    >>> search = DACSearchCV(
    ...     SGDClassifier(learning_rate="constant", random_state=0),
    ...     {"eta0": Real(1e-4, 1e-1, prior="log-uniform")},
    ...     n_steps=5, n_iter=8, cv=3, random_state=0,
    ... ).fit(X / 16, y)
    >>> len(search.best_trajectory_[0])
    5
    """

    # best_index_: never a policy whose training failed (refit applies it)
    _selects_own_best = True

    _parameter_constraints: dict = {
        **_SearchCV._parameter_constraints,
        "search_spaces": [dict, SearchSpace],
        "dynamic": [list, None],
        "policy": [StrOptions({"schedule", "feedback"})],
        "n_steps": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "n_iter": [Interval(Integral, 1, None, closed="left")],
        "learner": [StrOptions({"cem", "bayes"})],
        "n_knots": [Interval(Integral, 2, None, closed="left")],
        "generation_size": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "resource": [str],
        "safe_to_change": [StrOptions({"auto"}), list],
    }

    def __init__(
        self,
        estimator,
        search_spaces,
        *,
        dynamic=None,
        policy="schedule",
        n_steps="auto",
        n_iter=50,
        learner="cem",
        n_knots=3,
        generation_size="auto",
        resource="auto",
        safe_to_change="auto",
        search_metric=None,
        scoring=None,
        n_jobs=None,
        refit=True,
        cv=None,
        verbose=0,
        pre_dispatch="2*n_jobs",
        random_state=None,
        error_score=np.nan,
        return_train_score=False,
    ):
        super().__init__(
            estimator=estimator,
            scoring=scoring,
            n_jobs=n_jobs,
            refit=refit,
            cv=cv,
            verbose=verbose,
            pre_dispatch=pre_dispatch,
            error_score=error_score,
            return_train_score=return_train_score,
        )
        self.search_spaces = search_spaces
        self.dynamic = dynamic
        self.policy = policy
        self.n_steps = n_steps
        self.n_iter = n_iter
        self.learner = learner
        self.n_knots = n_knots
        self.generation_size = generation_size
        self.resource = resource
        self.safe_to_change = safe_to_change
        self.search_metric = search_metric
        self.random_state = random_state

    # -- checks before any fit ----------------------------------------------------
    def _prepare(self):
        space = SearchSpace(self.search_spaces)
        if space.n_subspaces != 1:
            raise ValueError(
                "DACSearchCV searches a single space; got a union of "
                f"{space.n_subspaces} subspaces."
            )
        dims = space.subspaces[0]
        dynamic = list(dims) if self.dynamic is None else list(self.dynamic)
        missing = [name for name in dynamic if name not in dims]
        if missing:
            raise ValueError(
                f"dynamic={self.dynamic!r}: {missing} not in search_spaces, which "
                f"gives each dynamic parameter its range."
            )
        if not dynamic:
            raise ValueError(
                f"dynamic={self.dynamic!r} with search_spaces={self.search_spaces!r} "
                f"names no parameter for the policy to set: a DAC search needs at "
                f"least one dynamic parameter in search_spaces."
            )
        if self.policy == "feedback":
            categorical = [n for n in dynamic if isinstance(dims[n], Categorical)]
            if categorical:
                raise ValueError(
                    f"policy='feedback' moves a value by small steps, which a "
                    f"category does not have: {categorical}; use policy='schedule' "
                    f"or make them static."
                )
        self._resource, self.n_steps_ = prepare_training(
            self, sorted(dims), changing=dynamic
        )
        self._dynamic = {name: dims[name] for name in dynamic}
        self._static = {name: dim for name, dim in dims.items() if name not in dynamic}
        learned = dict(self._static)
        for name in self._dynamic:
            if self.policy == "schedule":
                for k in range(self.n_knots):
                    learned[f"{name}@knot{k}"] = RealDim(0.0, 1.0)
            else:
                learned[f"{name}@start"] = RealDim(0.0, 1.0)
                for j in range(_N_FEATURES):
                    learned[f"{name}@w{j}"] = RealDim(-1.0, 1.0)
        self._learned = SearchSpace(learned)

    def _planned_rows(self):
        """How many rows the search will evaluate (for a progress bar)."""
        return self.n_iter

    def _make_evaluator(self, X, y, splits, scorers, routed, parallel):
        self._base = Stepper.for_resource(self.estimator, self._resource, y, True)
        return _Trainer(self, X, y, splits, scorers, routed, self._base, parallel)

    def _policy_of(self, point):
        """The static params and the policy a learner's point stands for."""
        static = {name: point[name] for name in self._static}
        if self.policy == "schedule":
            knots = {
                name: [point[f"{name}@knot{k}"] for k in range(self.n_knots)]
                for name in self._dynamic
            }
            return static, SchedulePolicy(self._dynamic, knots)
        start = {name: point[f"{name}@start"] for name in self._dynamic}
        theta = {
            name: [point[f"{name}@w{j}"] for j in range(_N_FEATURES)]
            for name in self._dynamic
        }
        return static, FeedbackPolicy(self._dynamic, start, theta)

    # -- the learner ----------------------------------------------------------------
    def _start(self, rng):
        self._rng = rng
        size = self.generation_size
        if size == "auto":
            size = min(20, max(4, self.n_iter // 5))
        self._size = int(min(size, self.n_iter))  # True is an Integral too
        self._n_generations = math.ceil(self.n_iter / self._size)
        self._generation = 0
        self._asked = 0
        self._points = []
        self._member = 0
        if self.learner == "bayes":
            # The liar and a design of one more than the dimension, as
            # benchmarks/bench_dac.py measured the learner: BayesOptimizer's
            # defaults for batches (the Monte Carlo batch, a design of two
            # batches) were measured on Bayesmark's tasks, not on policies.
            self._optimizer = BayesOptimizer(
                self._learned,
                n_initial_points=auto_n_initial_points(self._learned),
                batch_strategy="constant_liar",
                random_state=rng,
            )
        else:
            self._mean = self._std = None

    def _ask(self):
        n = min(self._size, self.n_iter - self._asked)
        if n <= 0:
            return None
        if self.learner == "bayes":
            points = self._optimizer.ask(n)
        elif self._mean is None:
            points = self._learned.sample(n, self._rng)
        else:
            z = self._rng.normal(self._mean, self._std, size=(n, len(self._mean)))
            points = self._learned.inverse_transform(self._learned.snap(np.clip(z, 0, 1)))
        self._points = points
        candidates, policies, steppers = [], [], []
        name, _ = _last_step(self.estimator)
        for point in points:
            static, policy = self._policy_of(point)
            candidates.append(static)
            policies.append(policy)
            steppers.append(PolicyStepper(self._base, policy, self.n_steps_, name))
        members = list(range(self._member, self._member + len(points)))
        self._member += len(points)
        self._asked += len(points)
        more_results = {
            "generation": [self._generation] * len(points),
            "policy": policies,
        }
        return Batch(
            candidates, more_results,
            training=Training(members, [self.n_steps_] * len(points), steppers=steppers),
            label=f"generation {self._generation + 1}/{self._n_generations}",
            note=f" of {self.n_steps_} steps",
        )

    def _tell(self, candidates, scores):
        self._generation += 1
        scores = np.asarray(scores, dtype=float)
        if self.learner == "bayes":
            self._optimizer.tell(self._points, scores)
            return
        # the elite is drawn from the policies that scored: a failed one
        # (NaN) never pulls the sampling distribution towards itself
        finite = np.flatnonzero(np.isfinite(scores))
        if not len(finite):
            return  # nothing to learn from this generation
        n_elite = min(len(finite), max(2, math.ceil(_CEM_ELITE * len(scores))))
        order = finite[np.argsort(-scores[finite], kind="stable")]
        elite = self._learned.transform([self._points[i] for i in order[:n_elite]])
        mean, std = elite.mean(axis=0), elite.std(axis=0)
        if self._mean is not None:  # smoothed, as the cross-entropy method does
            mean = _CEM_SMOOTHING * mean + (1 - _CEM_SMOOTHING) * self._mean
            std = _CEM_SMOOTHING * std + (1 - _CEM_SMOOTHING) * self._std
        self._mean, self._std = mean, np.maximum(std, _CEM_MIN_STD)

    # -- results ----------------------------------------------------------------------
    def _after_run(self, record):
        k = record.n_splits
        self._trajectories = [
            [out.get("trajectory", []) for out in record.outs[i * k:(i + 1) * k]]
            for i in range(len(record.params))
        ]

    def _on_best(self, results):
        self.best_policy_ = results["policy"][self.best_index_]
        self.best_trajectory_ = self._trajectories[self.best_index_]
        first = self.best_trajectory_[0]
        self.best_params_ = {**self.best_params_, **(first[-1] if first else {})}

    def _refit_stepper(self, stepper):
        name, _ = _last_step(self.estimator)
        return PolicyStepper(stepper, self.best_policy_, self.n_steps_, name)

    def _refit_schedule(self):
        static = {k: v for k, v in self.best_params_.items() if k in self._static}
        return [(0, static)]

    def _refit_steps(self):
        return self.n_steps_
