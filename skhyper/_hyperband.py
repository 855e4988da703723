"""HyperbandSearchCV: successive halving over brackets (Li et al. 2018)."""

from numbers import Integral

import numpy as np
from sklearn.base import is_classifier
from sklearn.utils.multiclass import type_of_target

from ._compat import Interval, StrOptions
from ._batch import Batch, Training
from ._engine import _SearchCV
from ._trainer import _Trainer
from ._training import (
    Stepper,
    check_last_step_searched,
    check_resource_exists,
    check_resource_not_searched,
    steps_from_estimator,
)
from ._multifidelity import bohb_data_final, propose_bohb, propose_multifidelity
from ._schedule import (
    single_bracket_check,
    _Bracket,
    _metadata,
    _plan_brackets,
    _rung_resources,
    hyperband_schedule,
)
from .space import SearchSpace

__all__ = ["HyperbandSearchCV", "hyperband_schedule"]

# BOHB draws one configuration in this many at random, whatever the model says.
_BOHB_RANDOM_FRACTION = 3

def _stratified_order(y, rng):
    """A random order of ``y``'s positions whose every prefix keeps the class
    proportions (classes interleaved at their frequency)."""
    keys = np.empty(len(y))
    for label in np.unique(y):
        where = np.flatnonzero(y == label)
        where = where[rng.permutation(len(where))]
        keys[where] = (np.arange(len(where)) + rng.uniform(size=len(where))) / len(where)
    return np.argsort(keys, kind="stable")


class HyperbandSearchCV(_SearchCV):
    """Hyperband: successive halving over brackets, with cross-validation.

    Hyperband (Li et al. 2018) spends little on many configurations and much
    on a few. Each *bracket* samples configurations at random, scores them
    with a small resource (few training samples, few iterations, few trees),
    keeps the best ``1/factor`` by mean cross-validated score and gives them
    ``factor`` times the resource, until the survivors reach
    ``max_resources``. Brackets differ in how aggressively they start, from
    many configurations on a tiny resource to few on the full resource (which
    is random search), so that no single guess of how early scores predict
    final ones is relied on.

    Every rung is a cross-validated evaluation like GridSearchCV's, on the
    same folds; ``cv_results_`` has one row per (configuration, rung), and the
    best configuration is chosen among the rows at ``max_resources``, then
    refitted on the whole data at full resource.

    Parameters
    ----------
    estimator : estimator object
        The estimator to tune; it is cloned for every fit.
    search_spaces : dict, list of dict or SearchSpace
        The space configurations are drawn from, as in :class:`BayesSearchCV`.
    resource : str, default="n_samples"
        What a rung gives more of:

        - ``"n_samples"`` trains on the first ``n_resources`` samples of each
          training fold (in a fixed random order, class-stratified for a
          binary or multiclass target as ``check_cv`` stratifies, so that
          larger rungs extend smaller ones; test folds stay whole);
        - ``"partial_fit"`` trains by ``n_resources`` epochs of
          ``partial_fit``, and a promoted configuration *continues* its K
          fold-models (a classifier's first call gets all ``classes``);
        - the name of an integer parameter of the estimator, such as
          ``"max_iter"`` or ``"n_estimators"``, set to ``n_resources`` at each
          rung. Where ``warm_start`` adds to the fitted model (the
          ``n_estimators`` of forests and gradient boosting, the ``max_iter``
          of histogram gradient boosting) a promoted configuration continues
          its fold-models; otherwise each rung trains from scratch.

        For a Pipeline with a continued resource, the steps before the last
        are fitted once per fold and only the last step's parameters may be
        searched.
    max_resources : int or "auto", default="auto"
        Resource of the last rung. ``"auto"``: the smallest training fold for
        ``"n_samples"``, the estimator's own value of the parameter otherwise;
        ``"partial_fit"`` needs the number of epochs.
    min_resources : int or "auto", default="auto"
        Smallest resource a rung may use. ``"auto"``: 1 for a parameter; for
        ``"n_samples"``, 10, or two samples per class for classifiers of a
        binary or multiclass target if more.
    factor : int, default=3
        The paper's eta: a rung keeps the best ``1/factor`` of its
        configurations and gives them ``factor`` times the resource.
    hyperband_iterations : int, default=1
        How many times the whole set of brackets runs, each time with new
        configurations: ``k`` iterations cost ``k`` times the resource of one
        (see :attr:`metadata`). With a model-based ``sampler`` later
        iterations are proposed from every score so far, which is where
        BOHB gains most.
    max_budget : int, default=None
        The resource units per fold the search may train, instead of a number
        of iterations: brackets run in Hyperband's order, iteration after
        iteration, as many whole brackets as fit. Only what is trained counts:
        a promoted configuration that *continues* its fold-models (see
        ``resource``) counts the units it adds, not the rung's whole resource,
        so the same budget buys more configurations than retraining would.
        One iteration that retrains every rung costs
        ``metadata["resource_units"]``; ``metadata_["trained_units"]`` is what
        was spent. Leave ``hyperband_iterations`` at 1 with it. An error if
        the first bracket does not fit.
    sampler : {"random", "bayes", "multifidelity"}, default="random"
        How a bracket draws its configurations.

        - ``"random"``: uniformly from the space, the paper's algorithm.
        - ``"bayes"`` follows BOHB (Falkner et al. 2018): once some resource
          level has scores for more configurations than there are parameters
          plus one, two thirds of a bracket's configurations are proposed by
          the Gaussian-process optimizer of :class:`BayesOptimizer` fitted to
          the scores at the largest such level, the rest drawn at random.
          The model sees the level and the scores of BOHB's sequential loop
          (every rung of every bracket before it): a bracket waits for them
          (see ``n_jobs``).
        - ``"multifidelity"``: one Gaussian process over (configuration,
          resource) fitted to every score at every level, the resource as one
          more input on a log scale with its own length scale (as in FABOLAS
          and BOCA); two thirds of a bracket's configurations are proposed
          where it is most promising *at max_resources*, once there are
          parameters plus two scores, the rest drawn at random. Unlike
          ``"bayes"``, it is not led astray where small resources rank
          configurations differently from the full one.
    continue_training : "auto" or bool, default="auto"
        Whether a promoted configuration continues its fold-models for a
        parameter resource. ``"auto"`` continues where ``warm_start`` is
        known to add to the fitted model (the parameters listed under
        ``resource``); True continues by ``warm_start`` whatever the
        parameter (an error if the estimator has no ``warm_start``); False
        trains every rung from scratch. ``"partial_fit"`` always continues,
        ``"n_samples"`` never does.
    search_metric : str, default=None
        The scorer name that decides promotions with multi-metric scoring.
        Defaults to ``refit`` when it is a string, else the first scorer named
        (the first key of a dict, the first item of a list or tuple, the
        first name a callable returns), as RandomizedSearchCV accepts it.
    scoring : str, callable, list, tuple or dict, default=None
        As in GridSearchCV.
    n_jobs : int, default=None
        Number of jobs to run in parallel; as in GridSearchCV. The brackets
        run together in *waves*: bracket ``k`` of an iteration starts ``k``
        waves after the first and runs a rung per wave, so that every bracket
        reaches ``max_resources`` in the iteration's last wave, and each wave
        fits all its configurations and folds in parallel (not one rung of a
        few configurations at a time). With ``sampler="bayes"`` a bracket
        also waits until the scores its model would see in BOHB's sequential
        loop are known, so waves hold fewer fits. The waves depend only on
        the schedule (and which fits fail), so the results are the same for
        any ``n_jobs``.
    refit : bool, str or callable, default=True
        Refit an estimator with the best parameters on the whole dataset, at
        ``max_resources``; as in GridSearchCV.
    cv : int, cross-validation generator or iterable, default=None
        As in GridSearchCV. A shuffling splitter without a fixed
        ``random_state`` draws its folds once: every rung is scored on the
        same folds.
    verbose : int, default=0
        Verbosity, as in GridSearchCV.
    pre_dispatch : int or str, default="2*n_jobs"
        As in GridSearchCV.
    random_state : int, RandomState instance or None, default=None
        Seeds the sampled configurations and the order in which training
        folds are subsampled. With an int, results are identical for any
        ``n_jobs``.
    error_score : "raise" or float, default=np.nan
        Score of a failed fit in ``cv_results_``, as in GridSearchCV.
        Whatever its value, a configuration whose fit failed on any fold (or
        that scored NaN) ranks below every one that scored: it is never
        promoted over one that scored, nor ``best_index_``, and a
        model-based ``sampler`` sees it as the worst score.
    return_train_score : bool, default=False
        As in GridSearchCV.

    Attributes
    ----------
    cv_results_ : dict of numpy (masked) ndarrays
        As in GridSearchCV, one row per (configuration, rung) in evaluation
        order (wave by wave, and in a wave bracket by bracket, most
        exploratory first), with the columns ``bracket`` (the bracket's
        ``s``), ``iter`` (the rung within its bracket), ``n_resources``,
        ``config_id`` (unique over the whole search) and
        ``hyperband_iteration``.

        ``rank_test_score`` (``rank_test_<name>`` with several scorers)
        ranks the rows of every rung together, as in
        :class:`~sklearn.model_selection.HalvingRandomSearchCV`: a row
        scored on a small resource may rank first, so the rank-1 row need not
        be ``best_index_``, which is chosen among the rows at
        ``max_resources`` only. To compare final results, keep the rows where
        ``cv_results_["n_resources"] == max_resources_``.
    best_estimator_ : estimator
        Estimator refitted with the best parameters on the whole dataset, at
        ``max_resources`` (if ``refit``).
    best_score_ : float
        Mean cross-validated score of the best configuration at
        ``max_resources``.
    best_params_ : dict
        The best configuration; for a parameter resource it holds the
        resource at ``max_resources``.
    best_index_ : int
        Row of the best configuration in ``cv_results_``, the best among the
        rows at ``max_resources``, never one whose fit failed while another
        scored (a callable ``refit`` chooses among all rows).
    scorer_ : function or dict
        The scorer(s) used.
    n_splits_ : int
        Number of cross-validation splits.
    refit_time_ : float
        Seconds spent refitting the best estimator.
    multimetric_ : bool
        Whether several scorers were used.
    max_resources_ : int
        The resource of the last rung, as resolved from ``max_resources``.
    min_resources_ : int
        The smallest resource a rung may use, as resolved from
        ``min_resources``.
    metadata_ : dict
        The schedule that ran: see :attr:`metadata`.
    classes_ : ndarray of shape (n_classes,)
        Class labels, for classifiers with ``refit``.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when they are all strings.

    See Also
    --------
    hyperband_schedule : The bracket schedule as a pure function.
    sklearn.model_selection.HalvingRandomSearchCV : One successive-halving
        bracket.

    Notes
    -----
    In the paper's notation ``R = max_resources / min_resources`` and
    ``eta = factor``; the schedule is :func:`hyperband_schedule`. A failed
    fit scores ``error_score`` in ``cv_results_`` but, whatever that is,
    ranks below every finite score, so it is never promoted over a
    configuration that scored.

    References
    ----------
    .. [1] L. Li, K. Jamieson, G. DeSalvo, A. Rostamizadeh, A. Talwalkar,
       "Hyperband: A Novel Bandit-Based Approach to Hyperparameter
       Optimization", JMLR 18(185), 2018.
    .. [2] S. Falkner, A. Klein, F. Hutter, "BOHB: Robust and Efficient
       Hyperparameter Optimization at Scale", ICML 2018.
    .. [3] A. Klein, S. Falkner, S. Bartels, P. Hennig, F. Hutter, "Fast
       Bayesian Optimization of Machine Learning Hyperparameters on Large
       Datasets" (FABOLAS), AISTATS 2017.
    .. [4] K. Kandasamy, G. Dasarathy, J. Schneider, B. Poczos, "Multi-fidelity
       Bayesian Optimisation with Continuous Approximations" (BOCA), ICML 2017.

    Examples
    --------
    >>> from scipy.stats import loguniform
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.svm import SVC
    >>> from skhyper import HyperbandSearchCV
    >>> X, y = load_digits(return_X_y=True)
    >>> search = HyperbandSearchCV(
    ...     SVC(),
    ...     {"C": loguniform(1e-2, 1e3), "gamma": loguniform(1e-5, 1e-1)},
    ...     resource="n_samples",
    ...     min_resources=100,
    ...     random_state=0,
    ... ).fit(X, y)
    >>> search.metadata_["brackets"]
    [[(9, 160), (3, 479), (1, 1437)], [(5, 479), (1, 1437)], [(3, 1437)]]
    >>> int(search.cv_results_["n_resources"][search.best_index_])
    1437
    >>> bool(search.best_score_ > 0.95)
    True
    """

    # best_index_: only configurations trained with the full resource
    # compete, and never one whose fit failed
    _selects_own_best = True

    _parameter_constraints: dict = {
        **_SearchCV._parameter_constraints,
        "search_spaces": [dict, list, SearchSpace],
        "resource": [str],
        "max_resources": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "min_resources": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "factor": [Interval(Integral, 2, None, closed="left")],
        "hyperband_iterations": [Interval(Integral, 1, None, closed="left")],
        "max_budget": [Interval(Integral, 1, None, closed="left"), None],
        "sampler": [StrOptions({"random", "bayes", "multifidelity"})],
        "continue_training": [StrOptions({"auto"}), "boolean"],
    }

    def __init__(
        self,
        estimator,
        search_spaces,
        *,
        resource="n_samples",
        max_resources="auto",
        min_resources="auto",
        factor=3,
        hyperband_iterations=1,
        max_budget=None,
        sampler="random",
        continue_training="auto",
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
        self.resource = resource
        self.max_resources = max_resources
        self.min_resources = min_resources
        self.factor = factor
        self.hyperband_iterations = hyperband_iterations
        self.max_budget = max_budget
        self.sampler = sampler
        self.continue_training = continue_training
        self.search_metric = search_metric
        self.random_state = random_state

    # -- the schedule ----------------------------------------------------------
    @property
    def metadata(self):
        """The planned schedule, before fit (resources must be known).

        A dict with ``brackets`` (per bracket of one Hyperband iteration,
        ``(n_configurations, n_resources)`` per rung, the resource as used:
        rounded to an integer), ``hyperband_iterations`` (started),
        ``n_brackets`` (run in all), and over all brackets run
        ``n_configurations`` (sampled in all), ``n_evaluations`` (rungs times
        configurations, per fold), ``resource_units`` (the sum of
        ``n_resources`` over evaluations, per fold: what retraining every rung
        costs) and ``trained_units`` (what is trained, per fold: less than
        ``resource_units`` where promoted configurations continue their
        fold-models). With ``"auto"``
        resources and ``resource="n_samples"`` the numbers depend on the
        data: see ``metadata_`` after fit.
        """
        return self._planned(*self._resolve_resources(n_train=None))[2]

    def _planned(self, max_resources, min_resources):
        """``(schedule, plan, metadata)``: the brackets of one iteration, the
        ``(iteration, k)`` of every bracket that runs, and their summary."""
        schedule = hyperband_schedule(max_resources, min_resources, self.factor)
        continued = self._continues()
        plan = _plan_brackets(
            schedule, self.hyperband_iterations, self.max_budget, continued
        )
        return schedule, plan, _metadata(schedule, plan, continued)

    def _resolve_resources(self, n_train, n_classes=None):
        if self.resource == "n_samples":
            if self.max_resources == "auto":
                if n_train is None:
                    raise AttributeError(
                        "HyperbandSearchCV(resource='n_samples', max_resources="
                        "'auto') knows its schedule only once it sees the data: "
                        "read metadata_ after fit, or set max_resources."
                    )
                max_resources = n_train
            else:
                max_resources = self.max_resources
                if n_train is not None and max_resources > n_train:
                    raise ValueError(
                        f"max_resources={max_resources} is more than the "
                        f"{n_train} samples of the smallest training fold."
                    )
            if self.min_resources == "auto":
                min_resources = max(10, 2 * (n_classes or 0))
                min_resources = min(min_resources, max_resources)
            else:
                min_resources = self.min_resources
        else:
            if self.max_resources == "auto":
                max_resources = steps_from_estimator(
                    self, self.resource, "max_resources", "of the last rung"
                )
            else:
                max_resources = self.max_resources
            min_resources = 1 if self.min_resources == "auto" else self.min_resources
        if min_resources > max_resources:
            raise ValueError(
                f"min_resources={min_resources} is more than "
                f"max_resources={max_resources}."
            )
        single_bracket_check(
            max_resources, min_resources, self.factor,
            samples=self.resource == "n_samples",
            from_data=(self.resource == "n_samples"
                       and self.max_resources == self.min_resources == "auto"),
        )
        return max_resources, min_resources

    # -- the search --------------------------------------------------------------
    def _prepare(self):
        self._space = SearchSpace(self.search_spaces)
        searched = sorted({p for sub in self._space.subspaces for p in sub})
        check_resource_exists(self, self.resource, keywords=("n_samples", "partial_fit"))
        if self.resource != "n_samples":
            check_resource_not_searched(self, self.resource, searched)
        if self._continues():
            check_last_step_searched(self, self.resource, searched)
        if self.resource != "n_samples":
            self._resolve_resources(n_train=None)

    # -- continued training ----------------------------------------------------
    def _continues(self):
        """Whether promoted configurations continue training instead of restarting."""
        return self._stepper(None) is not None

    def _stepper(self, y):
        if self.resource == "n_samples":
            if self.continue_training is True:
                raise ValueError(
                    "continue_training=True needs a resource that training can "
                    "continue: 'partial_fit' or an iteration parameter; got "
                    "resource='n_samples'."
                )
            return None
        return Stepper.for_resource(
            self.estimator, self.resource, y, self.continue_training
        )

    def _make_evaluator(self, X, y, splits, scorers, routed, parallel):
        stepper = self._stepper(y)
        if stepper is None:
            return super()._make_evaluator(X, y, splits, scorers, routed, parallel)
        return _Trainer(self, X, y, splits, scorers, routed, stepper, parallel)

    def _on_best(self, results):
        # max_resources_, unless a callable refit chose a smaller rung
        self._best_steps = int(results["n_resources"][self.best_index_])

    def _refit_steps(self):
        return self._best_steps

    def _prepare_splits(self, X, y, splits):
        self._splits = splits
        if self.resource == "n_samples":
            # Checked here, before anything is fitted; the fold
            # orders are drawn in _start from the search's one random stream.
            # as check_cv stratifies: a binary or multiclass 1-D target only
            # (not a multilabel or multi-output one)
            stratify = is_classifier(self.estimator) and y is not None and (
                type_of_target(y) in ("binary", "multiclass")
            )
            y_arr = np.asarray(y) if stratify else None
            self._fold_labels = [y_arr[train] if stratify else None for train, _ in splits]
            self.max_resources_, self.min_resources_ = self._resolve_resources(
                min(len(train) for train, _ in splits),
                len(np.unique(y_arr)) if stratify else None,
            )
        self._make_plan()

    def _planned_rows(self):
        """How many rows the search will evaluate (for a progress bar)."""
        return self.metadata_["n_evaluations"]

    def _order_training_folds(self, rng):
        """One fixed (stratified) order per training fold; a rung takes a prefix."""
        self._ordered = []
        for (train, test), labels in zip(self._splits, self._fold_labels):
            if labels is not None:
                order = _stratified_order(labels, rng)
            else:
                order = rng.permutation(len(train))
            self._ordered.append((train[order], test))
        self._fold_labels = None

    def _start(self, rng):
        if self.resource == "n_samples":
            self._order_training_folds(rng)
        self._rng = rng
        self._brackets = []  # the brackets started and still running
        self._n_started = 0  # of self._plan
        self._wave = -1
        self._first_wave = {}  # iteration -> the wave its first bracket started
        self._n_configs = 0
        self._splits_cache = {}
        self._observed = []  # (params, resource, score) of every row
        self._n_params = sum(len(sub) for sub in self._space.subspaces)

    def _make_plan(self):
        """Resolve the schedule and which brackets run, before any fit."""
        if self.resource != "n_samples":
            self.max_resources_, self.min_resources_ = self._resolve_resources(None)
        self._schedule, self._plan, self.metadata_ = self._planned(
            self.max_resources_, self.min_resources_
        )

    # Hyperband's brackets are independent of one another, so they need not
    # run one after another: bracket k of an iteration starts k waves after
    # its first and runs a rung per wave, so that all of an iteration's
    # brackets reach max_resources in its last wave, and the next iteration
    # starts after it (with every score of the one before, for the models).
    # A wave is one batch: many workers stay busy where a single rung of a
    # few configurations would leave most idle. The waves depend only on
    # the schedule (and, for BOHB, on which scores are finite), so results
    # are the same for any n_jobs.
    #
    # BOHB's brackets are not independent: in the paper's sequential loop
    # (Falkner et al. 2018) a bracket's model is fitted on every rung of
    # every bracket before it. A BOHB bracket therefore also waits until the
    # scores its model would be fitted on in that loop are all known (see
    # _bohb_data_final): it starts in the same wave as in random Hyperband
    # when they are, later when they are not.
    def _ask(self):
        self._wave += 1
        self._brackets = [b for b in self._brackets if b.rung + 1 < len(b.rungs)]
        n_waves = len(self._schedule)  # an iteration's waves: its first bracket's rungs
        while self._n_started < len(self._plan):
            iteration, k = self._plan[self._n_started]
            if iteration * n_waves + k > self._wave or (
                self.sampler == "bayes" and not self._bohb_data_final()
            ):
                break
            self._n_started += 1
            self._first_wave.setdefault(iteration, self._wave)
            rungs = _rung_resources(self._schedule[k])
            params = self._sample_bracket(rungs[0][0])
            self._brackets.append(_Bracket(
                iteration, len(rungs) - 1, rungs,
                [(self._n_configs + i, p) for i, p in enumerate(params)],
            ))
            self._n_configs += len(params)
        if not self._brackets:
            return None
        candidates, splits, labels = [], [], []
        more_results = {key: [] for key in (
            "bracket", "iter", "n_resources", "config_id", "hyperband_iteration"
        )}
        for b in self._brackets:
            b.rung += 1
            n_keep, resource = b.rungs[b.rung]
            b.configs = b.configs[:n_keep]  # sorted best first by _tell
            for cid, p in b.configs:
                c = dict(p)
                if self.resource not in ("n_samples", "partial_fit"):
                    c[self.resource] = resource
                candidates.append(c)
            if self.resource == "n_samples":
                splits.extend([self._subsampled(resource)] * len(b.configs))
            n = len(b.configs)
            more_results["bracket"] += [b.s] * n
            more_results["iter"] += [b.rung] * n
            more_results["n_resources"] += [resource] * n
            more_results["config_id"] += [cid for cid, _ in b.configs]
            more_results["hyperband_iteration"] += [b.iteration] * n
            labels.append(f"s={b.s} rung {b.rung} ({n} at n_resources={resource})")
        iterations = self.metadata_["hyperband_iterations"]
        iteration = self._brackets[0].iteration
        return Batch(
            candidates, more_results,
            candidate_splits=splits or None,
            # as a hash of a checkpointed batch, even where nothing continues
            training=Training(more_results["config_id"], more_results["n_resources"]),
            label=(f"iteration {iteration + 1}, " if iterations > 1 else "")
            + f"wave {self._wave - self._first_wave[iteration]}: bracket "
            + ", ".join(labels),
        )

    def _subsampled(self, n):
        if n not in self._splits_cache:
            self._splits_cache[n] = [(train[:n], test) for train, test in self._ordered]
        return self._splits_cache[n]

    def _sample_bracket(self, n):
        """The configurations a bracket starts with (random or model-based)."""
        if self.sampler == "random":
            return self._space.sample(n, self._rng)
        # Two thirds from the model (once it has enough scores), the rest at random.
        n_model = n - n // _BOHB_RANDOM_FRACTION
        n_params = self._n_params
        if self.sampler == "multifidelity":
            params = propose_multifidelity(
                self._space, self._observed, n_model,
                (self.min_resources_, self.max_resources_), self._rng,
                min_observations=n_params + 2,
            )
        else:
            params = self._propose_bohb(n_model, n_params)
        return params + self._space.sample(n - len(params), self._rng)

    def _bohb_data_final(self):
        """Whether the next bracket's BOHB model would be fitted on the same
        scores as in the sequential loop (see ``bohb_data_final``)."""
        return bohb_data_final(self._observed, self._brackets, self._n_params)

    def _propose_bohb(self, n_model, n_params):
        """BOHB's ``n_model`` proposals (see ``propose_bohb``)."""
        return propose_bohb(self._space, self._observed, n_model, n_params, self._rng)

    def _tell(self, candidates, scores):
        start = 0
        for b in self._brackets:
            n = len(b.configs)
            rung_scores = np.asarray(scores[start:start + n], dtype=float)
            start += n
            resource = b.rungs[b.rung][1]
            self._observed.extend(
                (params, resource, score)
                for (_, params), score in zip(b.configs, rung_scores)
            )
            # Promote by mean CV score; NaN (a failed fit) ranks below everything.
            keys = np.where(np.isnan(rung_scores), -np.inf, rung_scores)
            order = np.argsort(-keys, kind="stable")
            b.configs = [b.configs[i] for i in order]

    def _live_members(self):
        """Configurations the next rung of their bracket will continue."""
        return {
            cid for b in self._brackets if b.rung + 1 < len(b.rungs)
            for cid, _ in b.configs[: b.rungs[b.rung + 1][0]]
        }

    def _stop_if_all_failed(self):
        # Only once every bracket of the first iteration has reached
        # max_resources (in its last wave): small rungs may fail for want of
        # samples or iterations (a PCA asking for more components than a
        # rung has samples) where larger ones fit.
        return self._n_started >= min(len(self._schedule), len(self._plan)) and all(
            b.rung + 1 == len(b.rungs) for b in self._brackets if b.iteration == 0
        )

    def _end_run(self):
        self._ordered = self._splits_cache = self._splits = None
