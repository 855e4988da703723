"""What a strategy asks the engine to evaluate: a :class:`Batch` of settings,
and for the searches that continue training, its :class:`Training` part."""

from dataclasses import dataclass
from typing import Optional

__all__ = ["EARLIER_FAILURE", "Batch", "Training"]

# The fit error of a member whose models failed at an earlier step.
EARLIER_FAILURE = "this member failed at an earlier step"


@dataclass
class Training:
    """The continued-training part of a :class:`Batch` (read by ``_Trainer``).

    Attributes
    ----------
    members : list
        The member whose fold-models each candidate continues (a new member
        starts fresh models).
    targets : list of int
        The training steps each member has reached after this batch.
    copies : dict, default=None
        ``{member: source}``, members that take a deep copy of a source
        member's fold-models (and their history) before the batch trains;
        the batch's candidate then gives the copy's hyperparameters (PBT's
        exploit).
    steppers : list, default=None
        Each candidate's own way of training (a policy that sets
        hyperparameters at every step, in the worker); None means the
        search's.
    """

    members: list
    targets: list
    copies: Optional[dict] = None
    steppers: Optional[list] = None


@dataclass
class Batch:
    """One batch a strategy asks the engine to evaluate.

    Attributes
    ----------
    candidates : list of dict
        The parameter settings.
    more_results : dict of str -> list
        Extra ``cv_results_`` columns, one value per candidate; the same keys
        in every batch of a search.
    candidate_splits : list of list of (ndarray, ndarray), default=None
        Each candidate's own (train, test) folds, derived from the search's
        folds and as many (Hyperband's brackets at different subsample sizes
        in one batch); None means the search's folds.
    training : Training, default=None
        For continued training: which member each candidate continues, to
        how many steps, and how.
    label : str, default=""
        Where the search is, for the ``verbose`` progress line
        (``"batch 3/10"``, ``"bracket s=2, rung 1"``).
    note : str, default=""
        What the progress line adds after the batch's size
        (``" (initial design)"``, ``" at n_resources=9"``).
    """

    candidates: list
    more_results: dict
    candidate_splits: Optional[list] = None
    training: Optional[Training] = None
    label: str = ""
    note: str = ""
