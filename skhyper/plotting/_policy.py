"""PolicyDisplay: what a DAC search's best policy set at every training step.
"""

import numpy as np
from sklearn.utils.validation import check_is_fitted

from .._figures import panels


class PolicyDisplay:
    """What a DAC policy did: each dynamic hyperparameter against the training step.

    One panel per dynamic hyperparameter, one line per cross-validation
    fold: the value the best policy set at each step while the fold's model
    trained. A schedule policy draws the same line on every fold; a feedback
    policy, which reads the training state, may not. A parameter whose values
    are all positive and span more than a decade gets a log axis.

    It reads ``best_trajectory_`` only (:class:`~skhyper.DACSearchCV`'s: for
    each fold, a dict of values per step). Create it with
    :meth:`from_estimator`.

    Parameters
    ----------
    parameters : list of str
        The dynamic hyperparameters, one panel each.
    values : dict of str -> ndarray of shape (n_folds, n_steps)
        Each parameter's value at every step, per fold.

    Attributes
    ----------
    axes_ : list of matplotlib Axes
        One per dynamic hyperparameter, drawn by :meth:`plot`.
    figure_ : matplotlib Figure
        Their figure.
    lines_ : dict of str -> list of matplotlib Line2D
        For each parameter, one line per fold.

    See Also
    --------
    skhyper.DACSearchCV : The search drawn, and the policies it learns.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import SGDClassifier
    >>> from skhyper import DACSearchCV, Real
    >>> from skhyper.plotting import PolicyDisplay
    >>> search = DACSearchCV(
    ...     SGDClassifier(learning_rate="constant", random_state=0),
    ...     {"eta0": Real(1e-3, 1.0, prior="log-uniform")}, n_steps=4, n_iter=6,
    ...     random_state=0,
    ... ).fit(*load_iris(return_X_y=True))
    >>> display = PolicyDisplay.from_estimator(search)
    >>> display.parameters, display.values["eta0"].shape  # 5 folds, 4 steps
    (['eta0'], (5, 4))
    """

    def __init__(self, *, parameters, values):
        self.parameters = parameters
        self.values = values

    @classmethod
    def from_estimator(cls, search, *, axes=None, **kwargs):
        """The trajectory of a fitted DAC search's best policy.

        Parameters
        ----------
        search : fitted search
            A search with a ``best_trajectory_`` (:class:`~skhyper.DACSearchCV`).
        axes : list of matplotlib Axes, default=None
            One per dynamic hyperparameter; a new figure's row of panels when
            None.
        **kwargs : dict
            Passed to matplotlib's ``Axes.plot`` for every line.

        Returns
        -------
        display : PolicyDisplay
            With every fold's values, drawn on ``display.axes_``.
        """
        check_is_fitted(search, "cv_results_")
        if not hasattr(search, "best_trajectory_"):
            raise ValueError(
                f"PolicyDisplay needs the best_trajectory_ of a Dynamic Algorithm "
                f"Configuration search; {type(search).__name__} has none."
            )
        folds = [list(fold) for fold in search.best_trajectory_]
        if not folds or not all(folds):
            raise ValueError(
                f"{type(search).__name__}'s best_trajectory_ holds no steps (the "
                f"best policy's fits failed?): there is nothing to draw."
            )
        parameters = sorted({name for fold in folds for step in fold for name in step})
        values = {
            name: np.array(
                [[float(step.get(name, np.nan)) for step in fold] for fold in folds]
            )
            for name in parameters
        }
        return cls(parameters=parameters, values=values).plot(axes=axes, **kwargs)

    def plot(self, axes=None, **kwargs):
        """Draw one panel per dynamic hyperparameter.

        Parameters
        ----------
        axes : list of matplotlib Axes, default=None
            One per parameter; a new figure's row of panels when None.
        **kwargs : dict
            Passed to matplotlib's ``Axes.plot`` for every line.

        Returns
        -------
        display : PolicyDisplay
            This display, with ``axes_``, ``figure_`` and ``lines_`` set.
        """
        axes = panels(axes, len(self.parameters), "dynamic parameter", width=4)
        style = {"marker": "o", "markersize": 3, "linewidth": 1.2, **kwargs}
        self.lines_ = {}
        for ax, name in zip(axes, self.parameters):
            values = self.values[name]
            steps = np.arange(1, values.shape[1] + 1)
            self.lines_[name] = [
                ax.plot(steps, fold, label=f"fold {k}", **style)[0]
                for k, fold in enumerate(values)
            ]
            finite = values[np.isfinite(values)]
            if finite.size and finite.min() > 0 and finite.max() > 10 * finite.min():
                ax.set_yscale("log")
            ax.set_xlabel("training step")
            ax.set_ylabel(name)
        axes[-1].legend(loc="best")
        self.axes_, self.figure_ = axes, axes[0].figure
        return self
