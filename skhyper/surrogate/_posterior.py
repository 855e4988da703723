"""What a :class:`~skhyper.BayesOptimizer`'s surrogate predicts, for the
displays of :mod:`skhyper.plotting` and anyone else who wants to read it:
see :meth:`~skhyper.BayesOptimizer.posterior`."""

import numpy as np

from ._acquisition import evaluate_acquisition

__all__ = ["Posterior"]


class Posterior:
    """A Bayesian optimizer's surrogate, conditioned on every score told.

    Made by :meth:`BayesOptimizer.posterior
    <skhyper.BayesOptimizer.posterior>`; not meant to be built by hand.

    The Gaussian process models the scores in *model units*: standardized
    and power-transformed (the output warping), where its predictive
    distribution at a setting is normal. :meth:`predict` gives its mean and
    standard deviation there, :meth:`acquisition` the optimizer's
    acquisition function, and :meth:`to_metric` maps model units back to the
    metric's by the inverse of the warping. That map is increasing, so the
    mean maps to the *median* of the predictive distribution in the metric,
    and ``mean ± 2 std`` to its 2.3 % and 97.7 % quantiles; beyond what the
    power transform can give back it is ``±inf``.

    Attributes
    ----------
    observed_params : list of dict
        The settings told, in order.
    observed_scores : ndarray of shape (n_told,)
        Their scores, in the metric's units; NaN for a failed evaluation.
    model_scores : ndarray of shape (n_told,)
        The scores the model is conditioned on, in model units (a failed
        evaluation as the worst score told).
    acq_func : str
        The optimizer's acquisition function.
    noise_variance : float
        The model's white-noise variance, in model units: what an evaluation
        adds to the variance of :meth:`predict`'s latent mean.
    """

    def __init__(self, *, space, model, warping, observed_params, observed_scores,
                 acq_func, xi, kappa):
        self._space = space
        self._model = model
        self._warping = warping
        self._xi, self._kappa = xi, kappa
        self.observed_params = observed_params
        self.observed_scores = observed_scores
        self.model_scores = warping.transform(observed_scores)
        self.acq_func = acq_func
        self.noise_variance = float(model.noise)

    def predict(self, params):
        """The model's mean and standard deviation at parameter settings.

        Parameters
        ----------
        params : list of dict
            Settings of the optimizer's space.

        Returns
        -------
        mean, std : ndarray of shape (len(params),)
            In model units; ``std`` is the latent function's, without the
            white-noise term.
        """
        return self._model.predict(self._space.transform(params))

    def acquisition(self, params):
        """The optimizer's acquisition function at parameter settings
        (``params``, as for :meth:`predict`), a value each: ``acq_func`` of
        the model's prediction of the score an evaluation returns (the
        white noise added to the latent variance), with the best model score
        told as the incumbent.

        Returns
        -------
        values : ndarray of shape (len(params),)
            A logarithm for ``"log_ei"``, and for ``"pi"`` the
            log-probability.
        """
        mean, std = self.predict(params)
        spread = self._model.returned_std(std)
        return np.asarray(evaluate_acquisition(
            self.acq_func, mean, spread, self.model_scores.max(), self._xi, self._kappa,
        )[0])

    def to_metric(self, model_values):
        """Values in model units mapped to the metric's units.

        Parameters
        ----------
        model_values : array-like
            A mean, or quantiles of the normal predictive distribution
            (such as ``mean - 2 * std``), in model units.

        Returns
        -------
        values : ndarray
            The same quantiles in the metric's units: increasing in
            ``model_values``, ``±inf`` beyond the image of the warping.
        """
        return self._warping.inverse_transform(model_values)
