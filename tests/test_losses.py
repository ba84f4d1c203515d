"""cross_entropy / nll_loss options against their definitions, and their errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import autodiff as ad

F = ad.nn.functional


def _log_softmax(x: np.ndarray) -> np.ndarray:
    shifted = x - x.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def test_ignore_index_drops_rows_from_sum_and_count(backend: str) -> None:
    x = np.array([[1.0, 2.0, 0.5], [0.1, -1.0, 2.0], [0.3, 0.3, 0.3]])
    labels = np.array([1, -100, 2])
    logp = _log_softmax(x)
    want = -(logp[0, 1] + logp[2, 2]) / 2
    got = F.cross_entropy(ad.tensor(x), ad.tensor(labels))
    np.testing.assert_allclose(got.item(), want)


def test_probability_targets_and_reductions(backend: str) -> None:
    x = np.array([[1.0, 2.0, 0.5], [0.1, -1.0, 2.0]])
    p = np.array([[0.2, 0.5, 0.3], [1.0, 0.0, 0.0]])
    per_row = -(p * _log_softmax(x)).sum(axis=1)
    for reduction, want in (("none", per_row), ("sum", per_row.sum()),
                            ("mean", per_row.mean())):
        got = F.cross_entropy(ad.tensor(x), ad.tensor(p), reduction=reduction)
        np.testing.assert_allclose(got.numpy(), want)


def test_unbatched_input(backend: str) -> None:
    x = np.array([0.5, 1.5, -0.2])
    got = F.cross_entropy(ad.tensor(x), ad.tensor(1))
    np.testing.assert_allclose(got.item(), -_log_softmax(x)[1])


def test_softmax_gradient_at_large_logits_is_finite(backend: str) -> None:
    x = ad.tensor([1000.0, -1000.0, 0.0], requires_grad=True)
    F.cross_entropy(x[None], ad.tensor([1])).backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0, -1.0, 0.0], atol=1e-12)


def test_errors(backend: str) -> None:
    x = ad.ones(2, 3)
    with pytest.raises(TypeError, match="nll_loss: expected target to be a tensor of class "
                                        "indices"):
        F.nll_loss(x, ad.ones(2))
    with pytest.raises(RuntimeError, match="0D or 1D target tensor expected, multi-target "
                                           "not supported"):
        F.nll_loss(x, ad.tensor([[0, 1], [1, 0]]))
    with pytest.raises(ValueError, match="reduction must be one of"):
        F.nll_loss(x, ad.tensor([0, 1]), reduction="avg")
    with pytest.raises(ValueError, match="cross_entropy: reduction must be one of"):
        F.cross_entropy(x, ad.tensor([0, 1]), reduction="avg")
    # a floating target of another shape than the input is read as class indices, as in
    # PyTorch (it is not a probability target)
    with pytest.raises(RuntimeError, match="0D or 1D target tensor expected"):
        F.cross_entropy(x, ad.ones(2, 2))
    with pytest.raises(ValueError, match=r"Expected 1 or more dimensions \(got 0\)"):
        F.nll_loss(ad.tensor(1.0), ad.tensor(0))
    with pytest.raises(ValueError, match=r"Expected 1 or more dimensions \(got 0\)"):
        F.cross_entropy(ad.tensor(1.0), ad.tensor(0))


# -- targets PyTorch refuses -------------------------------------------------------------
LOSSES = {"cross_entropy": F.cross_entropy, "nll_loss": F.nll_loss}


@pytest.mark.parametrize("loss", sorted(LOSSES))
@pytest.mark.parametrize(("shape", "target", "bad"), [
    ((4, 3), [0, 1, 5, 1], 5),
    ((4, 3), [0, 1, -1, 1], -1),
    ((4, 3), [3, 1, 0, 1], 3),
    ((3,), 7, 7),
    ((2, 3, 2), [[0, 1], [2, 5]], 5),
    ((2, 3, 1, 2), [[[0, -2]], [[1, 1]]], -2),
])
def test_target_out_of_bounds_raises(backend: str, loss: str, shape: tuple[int, ...],
                                     target: object, bad: int) -> None:
    # PyTorch refuses what would otherwise select no class and drop its row silently (a
    # lazy backend when the loss is computed)
    x = ad.ones(*shape, requires_grad=True)
    with pytest.raises(IndexError, match=rf"^Target {bad} is out of bounds\.$"):
        LOSSES[loss](x, ad.tensor(target)).item()


@pytest.mark.parametrize("loss", sorted(LOSSES))
def test_ignore_index_is_the_one_value_outside_the_classes(backend: str, loss: str) -> None:
    x = np.array([[1.0, 2.0, 0.5], [0.1, -1.0, 2.0]])
    for ignore_index in (3, -100, -1):  # ignored rows leave the sum and the count
        got = LOSSES[loss](ad.tensor(x), ad.tensor([1, ignore_index]),
                           ignore_index=ignore_index)
        want = -(_log_softmax(x) if loss == "cross_entropy" else x)[0, 1]
        np.testing.assert_allclose(got.item(), want)
    with pytest.raises(IndexError, match=r"Target -100 is out of bounds\."):
        LOSSES[loss](ad.tensor(x), ad.tensor([1, -100]), ignore_index=2).item()


@pytest.mark.parametrize("loss", sorted(LOSSES))
def test_target_batch_must_match_input_batch(backend: str, loss: str) -> None:
    # a target of batch 1 is not broadcast against 4 rows
    x = ad.ones(4, 3)
    message = r"^Expected input batch_size \(4\) to match target batch_size \(1\)\.$"
    with pytest.raises(ValueError, match=message):
        LOSSES[loss](x, ad.tensor([1]))
    with pytest.raises(ValueError, match=r"input batch_size \(2\) to match target batch_size "
                                         r"\(3\)"):
        LOSSES[loss](ad.ones(2, 3, 4), ad.zeros(3, 4, dtype=ad.int64))
    with pytest.raises(RuntimeError, match=r"^Expected target size \[2, 4\], got \[2, 5\]$"):
        LOSSES[loss](ad.ones(2, 3, 4), ad.zeros(2, 5, dtype=ad.int64))
    with pytest.raises(RuntimeError, match=r"Expected target size \[2, 4\], got \[2, 4, 1\]"):
        LOSSES[loss](ad.ones(2, 3, 4), ad.zeros(2, 4, 1, dtype=ad.int64))


def test_probability_target_of_another_batch_raises(backend: str) -> None:
    with pytest.raises(ValueError, match=r"Expected input batch_size \(4\) to match target "
                                         r"batch_size \(1\)\."):
        F.cross_entropy(ad.ones(4, 3), ad.ones(1, 3))


def test_weight_ignore_index_and_smoothing_errors(backend: str) -> None:
    x = ad.ones(4, 3)
    with pytest.raises(RuntimeError, match=r"^weight tensor should be defined either for all 3 "
                                           r"classes or no classes but got weight tensor of "
                                           r"shape: \[2\]$"):
        F.nll_loss(x, ad.tensor([0, 1, 2, 1]), weight=ad.ones(2))
    with pytest.raises(RuntimeError, match=r"^cross_entropy: weight tensor should be defined "
                                           r"either for all 3 classes"):
        F.cross_entropy(x, ad.ones(4, 3), weight=ad.ones(2))
    with pytest.raises(ValueError, match="nll_loss: expected weight of dtype float32"):
        F.nll_loss(x, ad.tensor([0, 1, 2, 1]), weight=ad.ones(3, dtype=ad.float64))
    with pytest.raises(RuntimeError, match="^ignore_index is not supported for floating point "
                                           "target$"):
        F.cross_entropy(x, ad.ones(4, 3), ignore_index=1)
    with pytest.raises(RuntimeError, match=r"^label_smoothing must be between 0\.0 and 1\.0\. "
                                           r"Got: 1\.5$"):
        F.cross_entropy(x, ad.tensor([0, 1, 2, 1]), label_smoothing=1.5)


# -- (N, C, d1, ...): classes along axis 1 ------------------------------------------------
def _reference(x: np.ndarray, target: np.ndarray, weight: np.ndarray | None = None,
               ignore_index: int = -100, reduction: str = "mean",
               smoothing: float = 0.0) -> np.ndarray:
    """PyTorch's definition of cross_entropy in numpy: classes along axis 1 (axis 0 of an
    unbatched input); a floating target of the input's shape holds probabilities."""
    axis = 0 if x.ndim == 1 else 1
    classes = x.shape[axis]
    logp = np.moveaxis(x - np.log(np.exp(x).sum(axis=axis, keepdims=True)), axis, -1)
    w = np.ones(classes) if weight is None else weight
    if target.dtype.kind == "f":  # probabilities
        p = np.moveaxis(target, axis, -1) * (1 - smoothing) + smoothing / classes
        losses = -(logp * w * p).sum(axis=-1)
        return {"none": losses, "sum": losses.sum(), "mean": losses.mean()}[reduction]
    keep = target != ignore_index
    safe = np.where(keep, target, 0)
    row_weight = w[safe] * keep
    nll = -np.take_along_axis(logp, safe[..., None], axis=-1)[..., 0] * row_weight
    smooth = -(logp * w).sum(axis=-1) / classes * keep
    losses = (1 - smoothing) * nll + smoothing * smooth
    if reduction == "none":
        return losses
    return losses.sum() / (row_weight.sum() if reduction == "mean" else 1.0)


def _targets(kind: str, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    axis = 0 if len(shape) == 1 else 1
    if kind == "probabilities":
        p = rng.uniform(0.1, 1.0, shape)
        return p / p.sum(axis=axis, keepdims=True)
    labels = rng.integers(0, shape[axis], shape[:1] + shape[2:] if axis else ())
    if labels.ndim:
        labels.flat[0] = 1  # the class the ignore_index cases ignore
    return labels


OPTIONS = [{}, {"reduction": "sum"}, {"reduction": "none"}, {"weight": True},
           {"label_smoothing": 0.2}, {"ignore_index": 1},
           {"weight": True, "ignore_index": 1, "label_smoothing": 0.1, "reduction": "sum"},
           {"weight": True, "label_smoothing": 0.3, "reduction": "none"}]


@pytest.mark.parametrize("shape", [(3,), (4, 3), (2, 3, 4), (2, 3, 2, 2)],
                         ids=lambda s: "x".join(map(str, s)))
@pytest.mark.parametrize("kind", ["indices", "probabilities"])
@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: "-".join(o) or "default")
def test_cross_entropy_against_definition_and_differences(
        backend: str, shape: tuple[int, ...], kind: str, options: dict[str, object]) -> None:
    if kind == "probabilities" and "ignore_index" in options:
        pytest.skip("PyTorch refuses ignore_index with probability targets (tested above)")
    rng = np.random.default_rng(len(shape) * 10 + len(options))
    x = rng.standard_normal(shape)
    target = _targets(kind, shape, rng)
    weight = np.array([0.5, 2.0, 1.5]) if options.get("weight") else None
    kwargs = {key: value for key, value in options.items() if key != "weight"}
    want = _reference(x, target, weight,
                      **{"smoothing" if k == "label_smoothing" else k: v
                         for k, v in kwargs.items()})  # type: ignore[arg-type]
    t_weight = None if weight is None else ad.tensor(weight, dtype=ad.float64)
    t_target = ad.tensor(target, dtype=ad.float64 if kind == "probabilities" else None)
    got = F.cross_entropy(ad.tensor(x, dtype=ad.float64), t_target, t_weight, **kwargs)
    assert got.shape == np.shape(want)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-12, atol=1e-12)
    leaf = ad.tensor(x, dtype=ad.float64, requires_grad=True)
    assert ad.testing.gradcheck(
        lambda t: F.cross_entropy(t, t_target, t_weight, **kwargs), (leaf,))
    if kind == "indices" and not options.get("label_smoothing"):
        nll = F.nll_loss(F.log_softmax(ad.tensor(x, dtype=ad.float64), dim=0 if len(shape) == 1
                                       else 1), t_target, t_weight, **kwargs)
        np.testing.assert_allclose(nll.numpy(), want, rtol=1e-12, atol=1e-12)


def test_cross_entropy_values_from_pytorch(backend: str) -> None:
    # numbers computed with torch 2.13 (torch.nn.functional.cross_entropy)
    x = ad.tensor([[[0.5], [-1.0], [2.0]], [[1.5], [0.25], [-0.5]]], dtype=ad.float64)
    p = ad.tensor([[[0.2], [0.3], [0.5]], [[0.6], [0.1], [0.3]]], dtype=ad.float64)
    w = ad.tensor([0.5, 2.0, 1.0], dtype=ad.float64)
    np.testing.assert_allclose(F.cross_entropy(x, p).item(), 1.2591315802299794)
    np.testing.assert_allclose(F.cross_entropy(x, p, w, label_smoothing=0.2).item(),
                               1.7926680541993272)
    x2 = ad.tensor([[[0.5, 1.0], [-1.0, 0.0], [2.0, -2.0]],
                    [[1.5, 0.3], [0.25, 0.7], [-0.5, 1.1]]], dtype=ad.float64)
    y = ad.tensor([[2, 0], [1, -100]])
    np.testing.assert_allclose(F.cross_entropy(x2, y).item(), 0.7307584590760484)
    np.testing.assert_allclose(
        F.cross_entropy(x2, y, reduction="none").numpy(),
        [[0.24131129665715703, 0.34901221676818633], [1.6019518638028019, 0.0]])
    np.testing.assert_allclose(
        F.cross_entropy(x2, ad.tensor([[2, 0], [1, 0]]), w, ignore_index=0,
                        label_smoothing=0.1).item(), 1.1816358524078265)


def test_every_target_ignored_gives_nan_and_a_zero_gradient(backend: str) -> None:
    # PyTorch: 0 / 0 for the mean, and no row to take a gradient from
    x = ad.tensor([[0.1, 0.2, 0.3]] * 2, dtype=ad.float64, requires_grad=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        for smoothing in (0.0, 0.2):
            loss = F.cross_entropy(x, ad.tensor([1, 1]), ignore_index=1,
                                   label_smoothing=smoothing)
            assert np.isnan(loss.item())
            loss.backward()
            np.testing.assert_array_equal(x.grad.numpy(), np.zeros((2, 3)))
            x.grad = None


# -- elementwise losses: PyTorch's warning when the target broadcasts ----------------------
def test_mse_loss_warns_when_the_target_broadcasts(backend: str) -> None:
    pred, y = ad.ones(4, 1), ad.zeros(4)
    message = (r"^Using a target size \(\(4,\)\) that is different to the input size "
               r"\(\(4, 1\)\)\. This will likely lead to incorrect results due to "
               r"broadcasting\. Please ensure they have the same size\.$")
    with pytest.warns(UserWarning, match=message) as caught:
        loss = F.mse_loss(pred, y)
    assert caught[0].filename == __file__  # it points at the caller, as PyTorch's does
    assert loss.item() == 1.0  # the broadcast result, as PyTorch computes it
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F.mse_loss(pred, ad.zeros(4, 1))
