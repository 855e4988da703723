"""HEBO in its own virtual environment, driven by bench_bayesmark's ``hebo`` tool.

HEBO 0.3.6 pins numpy < 1.25, so it cannot share skhyper's environment; the
tool starts this script with that environment's Python and talks to it in
JSON lines on stdin and stdout. The first line is ``{"space": api_config,
"seed": seed}`` (Bayesmark's api_config, parsed by HEBO's own
``parse_space_from_bayesmark``, as in the challenge); then ``{"ask": n}``
answers the n suggestions (a list of dicts) and ``{"tell": settings,
"losses": losses}`` answers ``{}`` (a loss of null is a failed evaluation,
which HEBO leaves out).
"""

import json
import sys

import numpy as np
import pandas as pd
import torch
from hebo.optimizers.hebo import HEBO
from hebo.optimizers.util import parse_space_from_bayesmark


def _plain(value):
    return value.item() if hasattr(value, "item") else value


def main():
    # the answers go to the pipe; whatever HEBO and pymoo print, to stderr
    answers, sys.stdout = sys.stdout, sys.stderr
    first = json.loads(sys.stdin.readline())
    np.random.seed(first["seed"])
    torch.manual_seed(first["seed"])
    optimizer = HEBO(parse_space_from_bayesmark(first["space"]), scramble_seed=first["seed"])
    for line in sys.stdin:
        message = json.loads(line)
        if "ask" in message:
            suggestions = optimizer.suggest(n_suggestions=message["ask"])
            answer = [{k: _plain(v) for k, v in row.items()}
                      for row in suggestions.to_dict("records")]
        else:
            losses = [np.nan if v is None else v for v in message["losses"]]
            optimizer.observe(pd.DataFrame(message["tell"]),
                              np.asarray(losses, dtype=float).reshape(-1, 1))
            answer = {}
        answers.write(json.dumps(answer) + "\n")
        answers.flush()


if __name__ == "__main__":
    main()
