"""Callbacks for skhyper's searches: stop, show progress, checkpoint and resume.

Set them with ``search.set_callbacks(...)`` (scikit-learn >= 1.9's callback
API, which skhyper's searches give on older scikit-learn versions too). A
search checks them at the end of every batch; a stopped search keeps
everything it evaluated and refits the best setting so far.
"""

from ._callbacks import DeadlineStopper, NoImprovementStopper, TqdmProgressBar
from ._checkpoint import Checkpoint

__all__ = ["Checkpoint", "DeadlineStopper", "NoImprovementStopper", "TqdmProgressBar"]
