"""The continued-training evaluator: live parameter changes, independent copies."""

import copy

import numpy as np
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.linear_model import SGDClassifier
from sklearn.metrics import check_scoring
from sklearn.model_selection import KFold
from sklearn.utils import Bunch
from sklearn.utils.parallel import Parallel

from skhyper._batch import Batch, Training
from skhyper._trainer import _Trainer
from skhyper._training import Stepper, replay

X_CLF, Y_CLF = make_classification(n_samples=120, n_features=6, random_state=0)


def _train(model, stepper, X, y, schedule, n_steps):
    return replay(stepper, model, X, y, schedule, n_steps, {})


def _trainer(estimator, stepper, X, y, n_splits=2):
    search = Bunch(estimator=estimator, return_train_score=False, error_score=np.nan,
                   verbose=0)
    routed = Bunch(estimator=Bunch(fit={}), scorer=Bunch(score={}))
    splits = list(KFold(n_splits).split(X))
    return _Trainer(search, X, y, splits, check_scoring(estimator), routed, stepper,
                    Parallel(n_jobs=1))


def test_an_exploit_copy_trains_independently_of_its_source():
    est = SGDClassifier(shuffle=False, random_state=0, learning_rate="constant", eta0=0.01)
    trainer = _trainer(est, Stepper("partial_fit", classes=np.unique(Y_CLF)), X_CLF, Y_CLF)
    trainer.evaluate(Batch([{"eta0": 0.01}], {}, training=Training([0], [2])))
    source_before = [copy.deepcopy(m.coef_) for m in trainer.members[0].models]
    outs = trainer.evaluate(
        Batch([{"eta0": 0.1}], {}, training=Training([1], [4], copies={1: 0}))
    )
    assert all(out["fit_error"] is None for out in outs)
    for model, before in zip(trainer.members[0].models, source_before):
        np.testing.assert_array_equal(model.coef_, before)
    assert {m: r.steps for m, r in trainer.members.items()} == {0: 2, 1: 4}
    assert trainer.members[1].models[0].eta0 == 0.1 and trainer.members[0].models[0].eta0 == 0.01
    assert trainer.history[1] == [(0, {"eta0": 0.01}), (2, {"eta0": 0.1})]
    assert trainer.history[0] == [(0, {"eta0": 0.01})]


def test_new_params_of_an_existing_member_reach_its_live_models():
    est = SGDClassifier(shuffle=False, random_state=0, learning_rate="constant")
    stepper = Stepper("partial_fit", classes=np.unique(Y_CLF))
    trainer = _trainer(est, stepper, X_CLF, Y_CLF)
    trainer.evaluate(Batch([{"eta0": 0.01}], {}, training=Training([0], [2])))
    trainer.evaluate(Batch([{"eta0": 0.2}], {}, training=Training([0], [4])))
    splits = list(KFold(2).split(X_CLF))
    for (train, _), model in zip(splits, trainer.members[0].models):
        assert model.eta0 == 0.2
        expected = _train(clone(est), stepper, X_CLF[train], Y_CLF[train],
                          [(0, {"eta0": 0.01}), (2, {"eta0": 0.2})], 4)
        np.testing.assert_array_equal(model.coef_, expected.coef_)
