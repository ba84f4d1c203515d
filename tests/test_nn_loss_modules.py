"""The loss modules of ``autodiff.nn``: each equals its functional loss (options passed
through, for every reduction), keeps PyTorch's legacy ``size_average``/``reduce``
mapping, weights as buffers with PyTorch's ``state_dict`` keys, PyTorch's repr and
signature, and gives PyTorch's output and gradients in float64."""

from __future__ import annotations

import inspect
import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import autodiff as ad

F = ad.nn.functional
nn = ad.nn
Maker = Callable[[np.random.Generator], list[np.ndarray]]


def _pair(rng: np.random.Generator) -> list[np.ndarray]:
    return [rng.standard_normal((3, 4)), rng.standard_normal((3, 4))]


def _signs(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return np.where(rng.standard_normal(shape) > 0, 1.0, -1.0)


def _probabilities(rng: np.random.Generator) -> list[np.ndarray]:
    return [1 / (1 + np.exp(-rng.standard_normal((3, 4)))), rng.uniform(size=(3, 4))]


def _logits(rng: np.random.Generator) -> list[np.ndarray]:
    return [rng.standard_normal((3, 4)), rng.uniform(size=(3, 4))]


def _classes(rng: np.random.Generator) -> list[np.ndarray]:
    return [rng.standard_normal((4, 5)), np.array([0, 4, -1, 2])]


def _classes_kdim(rng: np.random.Generator) -> list[np.ndarray]:
    return [rng.standard_normal((2, 5, 3)), np.array([[0, 4, 1], [2, 2, 3]])]


def _soft_labels(rng: np.random.Generator) -> list[np.ndarray]:
    target = rng.uniform(size=(3, 5))
    return [rng.standard_normal((3, 5)), target / target.sum(1, keepdims=True)]


def _kl(rng: np.random.Generator) -> list[np.ndarray]:
    logp = rng.standard_normal((3, 4))
    target = rng.uniform(size=(3, 4))
    return [logp - np.log(np.exp(logp).sum(1, keepdims=True)),
            target / target.sum(1, keepdims=True)]


def _poisson(rng: np.random.Generator) -> list[np.ndarray]:
    return [rng.uniform(0.5, 2.0, (3, 4)), rng.poisson(2.0, (3, 4)).astype(np.float64)]


def _gaussian(rng: np.random.Generator) -> list[np.ndarray]:
    return [*_pair(rng), rng.uniform(0.5, 2.0, (3, 4))]


def _ranking(rng: np.random.Generator) -> list[np.ndarray]:
    return [rng.standard_normal(5), rng.standard_normal(5), _signs(rng, (5,))]


def _hinge(rng: np.random.Generator) -> list[np.ndarray]:
    return [rng.standard_normal((3, 4)), _signs(rng, (3, 4))]


def _multilabel(rng: np.random.Generator) -> list[np.ndarray]:
    return [rng.standard_normal((3, 4)), np.array([[3, 0, -1, 1], [0, 1, 2, 3], [1, -1, 0, 0]])]


def _multilabel_soft(rng: np.random.Generator) -> list[np.ndarray]:
    return [rng.standard_normal((3, 4)), (rng.uniform(size=(3, 4)) > 0.5).astype(np.float64)]


def _cosine(rng: np.random.Generator) -> list[np.ndarray]:
    return [*_pair(rng), _signs(rng, (3,))]


def _triplet(rng: np.random.Generator) -> list[np.ndarray]:
    return [rng.standard_normal((3, 4)) for _ in range(3)]


def _ctc(rng: np.random.Generator) -> list[np.ndarray]:
    """Logits: the tests pass their log_softmax, the one input PyTorch's gradient is
    written for (it is the gradient with respect to the logits)."""
    logits = rng.standard_normal((6, 2, 4))
    return [logits, np.array([[1, 2, 2], [3, 1, 0]]), np.array([6, 5]), np.array([3, 2])]


def _inputs(name: str, tensors: list[Any], log_softmax: Callable[..., Any]) -> list[Any]:
    return [log_softmax(tensors[0], 2), *tensors[1:]] if name == "CTCLoss" else tensors


def _squared_distance(a: Any, b: Any) -> Any:
    """A distance written once for both libraries' tensors."""
    return ((a - b) ** 2).sum(-1)


W4, W5 = np.array([0.5, 1.0, 2.0, 1.5]), np.array([1.0, 0.5, 2.0, 1.0, 3.0])
PLAIN = ("none", "mean", "sum")
# (class, its functional loss, constructor kwargs, inputs, which inputs get a gradient,
# reductions): the functional takes the module's kwargs under the same names
CASES: list[tuple[str, Callable[..., ad.Tensor], dict[str, Any], Maker, tuple[int, ...],
                  tuple[str, ...]]] = [
    ("L1Loss", F.l1_loss, {}, _pair, (0, 1), PLAIN),
    ("MSELoss", F.mse_loss, {}, _pair, (0, 1), PLAIN),
    ("HuberLoss", F.huber_loss, {"delta": 0.7}, _pair, (0, 1), PLAIN),
    ("SmoothL1Loss", F.smooth_l1_loss, {"beta": 0.5}, _pair, (0, 1), PLAIN),
    ("BCELoss", F.binary_cross_entropy, {}, _probabilities, (0,), PLAIN),
    ("BCELoss", F.binary_cross_entropy, {"weight": W4}, _probabilities, (0,), PLAIN),
    ("BCEWithLogitsLoss", F.binary_cross_entropy_with_logits, {}, _logits, (0, 1), PLAIN),
    ("BCEWithLogitsLoss", F.binary_cross_entropy_with_logits,
     {"weight": W4, "pos_weight": W4[::-1].copy()}, _logits, (0, 1), PLAIN),
    ("CrossEntropyLoss", F.cross_entropy, {"ignore_index": -1}, _classes, (0,), PLAIN),
    ("CrossEntropyLoss", F.cross_entropy,
     {"weight": W5, "ignore_index": -1, "label_smoothing": 0.2}, _classes, (0,), PLAIN),
    ("CrossEntropyLoss", F.cross_entropy, {"weight": W5}, _classes_kdim, (0,), PLAIN),
    ("CrossEntropyLoss", F.cross_entropy, {"label_smoothing": 0.1}, _soft_labels, (0, 1),
     PLAIN),
    ("NLLLoss", F.nll_loss, {"weight": W5, "ignore_index": -1}, _classes, (0,), PLAIN),
    ("NLLLoss", F.nll_loss, {}, _classes_kdim, (0,), PLAIN),
    ("KLDivLoss", F.kl_div, {}, _kl, (0, 1), ("none", "batchmean", "sum")),
    ("KLDivLoss", F.kl_div, {"log_target": True}, lambda r: [_kl(r)[0], _kl(r)[0]], (0, 1),
     ("none", "batchmean", "sum")),
    ("PoissonNLLLoss", F.poisson_nll_loss, {}, _poisson, (0,), PLAIN),
    ("PoissonNLLLoss", F.poisson_nll_loss, {"log_input": False, "full": True, "eps": 1e-3},
     _poisson, (0,), PLAIN),
    ("GaussianNLLLoss", F.gaussian_nll_loss, {}, _gaussian, (0, 1, 2), PLAIN),
    ("GaussianNLLLoss", F.gaussian_nll_loss, {"full": True, "eps": 0.6}, _gaussian, (0, 2),
     PLAIN),
    ("MarginRankingLoss", F.margin_ranking_loss, {"margin": 0.3}, _ranking, (0, 1), PLAIN),
    ("HingeEmbeddingLoss", F.hinge_embedding_loss, {"margin": 0.5}, _hinge, (0,), PLAIN),
    ("SoftMarginLoss", F.soft_margin_loss, {}, _hinge, (0,), PLAIN),
    ("MultiLabelMarginLoss", F.multilabel_margin_loss, {}, _multilabel, (0,), PLAIN),
    ("MultiLabelSoftMarginLoss", F.multilabel_soft_margin_loss, {"weight": W4},
     _multilabel_soft, (0,), PLAIN),
    ("CosineEmbeddingLoss", F.cosine_embedding_loss, {"margin": 0.2}, _cosine, (0, 1), PLAIN),
    ("MultiMarginLoss", F.multi_margin_loss, {}, lambda r: [_classes(r)[0], np.array([0, 4, 1, 2])],
     (0,), PLAIN),
    ("MultiMarginLoss", F.multi_margin_loss, {"p": 2, "margin": 0.5, "weight": W5},
     lambda r: [_classes(r)[0], np.array([0, 4, 1, 2])], (0,), PLAIN),
    ("TripletMarginLoss", F.triplet_margin_loss, {}, _triplet, (0, 1, 2), PLAIN),
    ("TripletMarginLoss", F.triplet_margin_loss, {"margin": 2.0, "p": 1.0, "swap": True},
     _triplet, (0, 1, 2), PLAIN),
    ("TripletMarginWithDistanceLoss", F.triplet_margin_with_distance_loss, {}, _triplet,
     (0, 1, 2), PLAIN),
    ("TripletMarginWithDistanceLoss", F.triplet_margin_with_distance_loss,
     {"distance_function": _squared_distance, "margin": 3.0, "swap": True}, _triplet,
     (0, 1, 2), PLAIN),
    ("CTCLoss", F.ctc_loss, {}, _ctc, (0,), PLAIN),
    ("CTCLoss", F.ctc_loss, {"blank": 3, "zero_infinity": True},
     lambda r: [_ctc(r)[0], np.array([[1, 2, 2], [0, 1, 2]]), *_ctc(r)[2:]], (0,), PLAIN),
]
PARAMS = [pytest.param(name, fn, kwargs, make, grads, reduction,
                       id=f"{name}-{i}-{reduction}")
          for i, (name, fn, kwargs, make, grads, reductions) in enumerate(CASES)
          for reduction in reductions]
ALL = ["BCELoss", "BCEWithLogitsLoss", "CTCLoss", "CosineEmbeddingLoss", "CrossEntropyLoss",
       "GaussianNLLLoss", "HingeEmbeddingLoss", "HuberLoss", "KLDivLoss", "L1Loss", "MSELoss",
       "MarginRankingLoss", "MultiLabelMarginLoss", "MultiLabelSoftMarginLoss",
       "MultiMarginLoss", "NLLLoss", "PoissonNLLLoss", "SmoothL1Loss", "SoftMarginLoss",
       "TripletMarginLoss", "TripletMarginWithDistanceLoss"]


def _tensors(arrays: list[np.ndarray], grads: tuple[int, ...], make: Callable[..., Any]) -> list:
    return [make(a, requires_grad=(i in grads and a.dtype.kind == "f"))
            for i, a in enumerate(arrays)]


def _kwargs(kwargs: dict[str, Any], make: Callable[..., Any]) -> dict[str, Any]:
    return {key: make(value) if isinstance(value, np.ndarray) else value
            for key, value in kwargs.items()}


def _backward(out: Any, lib: Any) -> None:
    weights = np.random.default_rng(5).standard_normal(tuple(out.shape))
    (out * lib.tensor(weights)).sum().backward()


def test_every_loss_is_exported_and_covered() -> None:
    assert {case[0] for case in CASES} == set(ALL)
    for name in ALL + ["NLLLoss2d"]:
        cls = getattr(nn, name)
        assert name in nn.__all__ and cls is getattr(ad.nn.modules, name)
        assert issubclass(cls, nn.Module) and cls.__doc__ and "__init__" in vars(cls)


@pytest.mark.parametrize("name, functional, kwargs, make, grads, reduction", PARAMS)
def test_module_equals_its_functional_loss(backend: str, name: str,
                                           functional: Callable[..., ad.Tensor],
                                           kwargs: dict[str, Any], make: Maker,
                                           grads: tuple[int, ...], reduction: str) -> None:
    arrays = make(np.random.default_rng(0))
    ours, theirs = _tensors(arrays, grads, ad.tensor), _tensors(arrays, grads, ad.tensor)
    module = getattr(nn, name)(**_kwargs(kwargs, ad.tensor), reduction=reduction)
    got = module(*_inputs(name, ours, F.log_softmax))
    want = functional(*_inputs(name, theirs, F.log_softmax), **_kwargs(kwargs, ad.tensor),
                      reduction=reduction)
    np.testing.assert_array_equal(got.detach().numpy(), want.detach().numpy())
    _backward(got, ad)
    _backward(want, ad)
    for a, b in zip(ours, theirs, strict=True):
        if a.requires_grad:
            np.testing.assert_array_equal(a.grad.numpy(), b.grad.numpy())


LEGACY = [(None, False, "none"), (False, None, "sum"), (True, None, "mean"),
          (None, True, "mean"), (True, True, "mean"), (False, True, "sum"),
          (False, False, "none"), (True, False, "none")]
WITH_LEGACY = [name for name in ALL + ["NLLLoss2d"]
               if "size_average" in inspect.signature(getattr(nn, name)).parameters]


@pytest.mark.parametrize("name", WITH_LEGACY)
@pytest.mark.parametrize("size_average, reduce, want", LEGACY)
def test_legacy_arguments_decide_the_reduction(name: str, size_average: bool | None,
                                               reduce: bool | None, want: str) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        module = getattr(nn, name)(size_average=size_average, reduce=reduce, reduction="sum")
    assert module.reduction == want
    messages = [str(w.message) for w in caught if w.category is UserWarning]
    assert messages == ["size_average and reduce args will be deprecated, please use "
                        f"reduction='{want}' instead."]


def test_legacy_arguments_warn_and_change_what_forward_returns(backend: str) -> None:
    x, y = ad.tensor([1.0, 2.0]), ad.tensor([0.0, 0.0])
    with pytest.warns(UserWarning, match=r"please use reduction='none' instead\."):
        loss = nn.MSELoss(reduce=False)
    assert loss(x, y).tolist() == [1.0, 4.0] and nn.MSELoss(reduction="sum")(x, y).item() == 5
    assert WITH_LEGACY and {"HuberLoss", "CTCLoss", "GaussianNLLLoss"}.isdisjoint(WITH_LEGACY)


WEIGHTED = [("BCELoss", ["weight"]), ("CrossEntropyLoss", ["weight"]), ("NLLLoss", ["weight"]),
            ("MultiLabelSoftMarginLoss", ["weight"]), ("MultiMarginLoss", ["weight"]),
            ("BCEWithLogitsLoss", ["weight", "pos_weight"])]


@pytest.mark.parametrize("name, keys", WEIGHTED)
def test_weights_are_buffers(backend: str, name: str, keys: list[str]) -> None:
    cls = getattr(nn, name)
    assert list(cls().state_dict()) == [] and [b for b in cls().buffers()] == []
    assert all(getattr(cls(), key) is None for key in keys)
    module = cls(**{key: ad.ones(3) for key in keys})
    assert list(module.state_dict()) == keys
    assert [key for key, _ in module.named_buffers()] == keys
    assert list(module.parameters()) == []
    module.to(ad.float64)
    assert all(getattr(module, key).dtype == ad.float64 for key in keys)
    module.load_state_dict({key: np.full(3, 2.0) for key in keys})
    assert all(getattr(module, key).tolist() == [2.0] * 3 for key in keys)


def test_distance_function_is_a_child_module(backend: str) -> None:
    loss = nn.TripletMarginWithDistanceLoss()
    assert isinstance(loss.distance_function, nn.PairwiseDistance)
    assert [name for name, _ in loss.named_modules()] == ["", "distance_function"]
    assert list(loss.state_dict()) == []
    custom = nn.TripletMarginWithDistanceLoss(distance_function=_squared_distance)
    assert custom.distance_function is _squared_distance and list(custom.children()) == []
    assert repr(custom) == "TripletMarginWithDistanceLoss()"


def test_losses_copy_and_pickle(backend: str) -> None:
    import copy
    import pickle

    loss = nn.CrossEntropyLoss(weight=ad.tensor([1.0, 2.0]), ignore_index=3)
    for clone in (copy.deepcopy(loss), pickle.loads(pickle.dumps(loss))):
        assert clone.weight is not loss.weight and clone.weight.tolist() == [1.0, 2.0]
        assert (clone.ignore_index, clone.reduction) == (3, "mean")
    triplet = pickle.loads(pickle.dumps(nn.TripletMarginWithDistanceLoss(margin=2.0)))
    assert isinstance(triplet.distance_function, nn.PairwiseDistance) and triplet.margin == 2


def test_distance_modules(backend: str) -> None:
    a, b = ad.tensor([[1.0, 0.0], [0.0, 2.0]]), ad.tensor([[1.0, 1.0], [0.0, 1.0]])
    np.testing.assert_array_equal(nn.PairwiseDistance(p=1, keepdim=True)(a, b).numpy(),
                                  F.pairwise_distance(a, b, 1.0, keepdim=True).numpy())
    np.testing.assert_array_equal(nn.CosineSimilarity(dim=0)(a, b).numpy(),
                                  F.cosine_similarity(a, b, 0).numpy())
    assert nn.PairwiseDistance(3.0).norm == 3.0 and nn.CosineSimilarity().dim == 1


@pytest.mark.parametrize("name", ALL + ["NLLLoss2d", "PairwiseDistance", "CosineSimilarity"])
def test_repr(name: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # NLLLoss2d's deprecation
        text = repr(getattr(nn, name)())
    if name == "TripletMarginWithDistanceLoss":
        assert text == f"{name}(\n  (distance_function): PairwiseDistance()\n)"
    else:
        assert text == f"{name}()"


def test_errors(backend: str) -> None:
    with pytest.raises(TypeError, match="delta must be a float or int, got: <class 'str'>"):
        nn.HuberLoss(delta="1")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="only p == 1 and p == 2 supported"):
        nn.MultiMarginLoss(p=3)
    with pytest.raises(ValueError, match="expected weight to be None or 1D tensor, got 2D"):
        nn.MultiMarginLoss(weight=ad.ones((2, 2)))
    with pytest.raises(ValueError, match="TripletMarginLoss: expected margin to be greater "
                                         "than 0, got 0 instead"):
        nn.TripletMarginLoss(margin=0)
    with pytest.raises(ValueError, match="TripletMarginWithDistanceLoss: expected margin to "
                                         "be greater than 0, got -1.0 instead"):
        nn.TripletMarginWithDistanceLoss(margin=-1.0)
    with pytest.raises(TypeError, match="positional argument"):
        nn.GaussianNLLLoss(True)  # type: ignore[misc]
    # as PyTorch, a bad reduction is accepted until the loss runs
    loss = nn.L1Loss(reduction="bad")
    with pytest.raises(ValueError, match="bad is not a valid value for reduction"):
        loss(ad.ones(2), ad.ones(2))
    with pytest.warns(FutureWarning, match="`NLLLoss2d` has been deprecated"):
        old = nn.NLLLoss2d(ignore_index=1)
    assert isinstance(old, nn.NLLLoss) and old.ignore_index == 1


# -- PyTorch as an oracle ------------------------------------------------------------------
def _torch() -> Any:
    return pytest.importorskip("torch", reason="PyTorch is an optional oracle")


@pytest.mark.parametrize("name", ALL + ["NLLLoss2d", "PairwiseDistance", "CosineSimilarity"])
def test_repr_and_signature_are_pytorchs(name: str) -> None:
    torch = _torch()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        assert repr(getattr(nn, name)()) == repr(getattr(torch.nn, name)())
    theirs = inspect.signature(getattr(torch.nn, name).__init__).parameters
    ours = inspect.signature(getattr(nn, name).__init__).parameters
    assert list(ours) == list(theirs)
    for key, param in theirs.items():
        assert ours[key].kind == param.kind and _same(ours[key].default, param.default), key


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(a, b)
    return bool(a == b)


@pytest.mark.parametrize("name", WITH_LEGACY)
@pytest.mark.parametrize("size_average, reduce, want", LEGACY)
def test_legacy_mapping_is_pytorchs(name: str, size_average: bool | None, reduce: bool | None,
                                    want: str) -> None:
    torch = _torch()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = getattr(torch.nn, name)(size_average=size_average, reduce=reduce)
        ours = getattr(nn, name)(size_average=size_average, reduce=reduce)
    assert ours.reduction == theirs.reduction == want


@pytest.mark.parametrize("name, keys", WEIGHTED)
def test_state_dict_keys_are_pytorchs(name: str, keys: list[str]) -> None:
    torch = _torch()
    theirs = getattr(torch.nn, name)(**{key: torch.ones(3) for key in keys})
    ours = getattr(nn, name)(**{key: ad.ones(3) for key in keys})
    assert list(ours.state_dict()) == list(theirs.state_dict()) == keys
    assert list(getattr(nn, name)().state_dict()) == list(getattr(torch.nn, name)().state_dict())


@pytest.mark.parametrize("name, functional, kwargs, make, grads, reduction", PARAMS)
def test_output_and_gradients_are_pytorchs(backend: str, name: str,
                                           functional: Callable[..., ad.Tensor],
                                           kwargs: dict[str, Any], make: Maker,
                                           grads: tuple[int, ...], reduction: str) -> None:
    torch = _torch()
    arrays = make(np.random.default_rng(0))
    ours, theirs = _tensors(arrays, grads, ad.tensor), _tensors(arrays, grads, torch.tensor)
    got = getattr(nn, name)(**_kwargs(kwargs, ad.tensor), reduction=reduction)(
        *_inputs(name, ours, F.log_softmax))
    want = getattr(torch.nn, name)(**_kwargs(kwargs, torch.tensor), reduction=reduction)(
        *_inputs(name, theirs, torch.log_softmax))
    np.testing.assert_allclose(got.detach().numpy(), want.detach().numpy(), rtol=1e-10,
                               atol=1e-12)
    _backward(got, ad)
    _backward(want, torch)
    for a, b in zip(ours, theirs, strict=True):
        if b.requires_grad:
            np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-10, atol=1e-12)
