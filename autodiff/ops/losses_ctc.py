"""The connectionist temporal classification loss, ``ctc_loss``, exported from
``autodiff.nn.functional``.

A primitive rather than a composite, for stability: the forward (alpha) recursion runs
in log space over paths that are impossible (``-inf``), where a composite of
``logaddexp`` would give ``nan`` gradients; the rule runs the backward (beta) recursion
and returns ``-exp(log posterior)`` of each label, the exact gradient with respect to
the log-probabilities. (PyTorch returns ``exp(log_probs)`` minus it, which is the same
gradient once passed back through the ``log_softmax`` that produced them.) The rule is
written against ``xp`` like any other, so it records for a second derivative (PyTorch
has none); forward mode is not declared.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .._device import device_of
from .._primitive import primitive
from .._tensor import Tensor
from ._loss_util import ad, check_tensors, reduction_of, refuse_complex

__all__ = ["ctc_loss"]
NOT_METHODS = tuple(__all__)

Labels = tuple[tuple[int, ...], ...]


def _logsumexp3(xp: Any, a: Any, b: Any, c: Any) -> Any:
    """log(exp a + exp b + exp c) elementwise, -inf where all three are -inf."""
    top = xp.maximum(xp.maximum(a, b), c)
    finite = xp.where(xp.isinf(top), 0.0, top)
    total = xp.exp(a - finite) + xp.exp(b - finite) + xp.exp(c - finite)
    return xp.where(xp.isinf(top), top, finite + xp.log(xp.where(total > 0, total, 1.0)))


def _shift(xp: Any, a: Any, by: int, fill: Any) -> Any:
    """``a`` moved ``by`` places along its last axis (right if positive), ``fill`` in."""
    pad = xp.full(a.shape[:-1] + (abs(by),), fill, dtype=a.dtype, device=device_of(a))
    if by > 0:
        return xp.concat([pad, a[..., :-by]], axis=-1)
    return xp.concat([a[..., -by:], pad], axis=-1)


def _setup(xp: Any, lp: Any, labels: Labels, blank: int) -> tuple[Any, Any, Any]:
    """The extended label rows (blank, l1, blank, ..., blank) as an (N, S') index array,
    each row's log-probabilities of them per time step (T, N, S'), and where a skip
    over a blank is allowed (N, S')."""
    width = 2 * max((len(row) for row in labels), default=0) + 1
    rows, skips = [], []
    for row in labels:
        ext = [blank] * width
        for i, label in enumerate(row):
            ext[2 * i + 1] = label
        rows.append(ext)
        skips.append([s >= 2 and ext[s] != blank and ext[s] != ext[s - 2]
                      for s in range(width)])
    ext_array = xp.asarray(rows, dtype=xp.int64, device=device_of(lp))
    index = xp.broadcast_to(ext_array[None, ...], (lp.shape[0],) + ext_array.shape)
    ext_lp = xp.take_along_axis(lp, index, axis=2)
    return ext_array, ext_lp, xp.asarray(skips, dtype=xp.bool, device=device_of(lp))


def _alphas(xp: Any, ext_lp: Any, skip: Any, input_lengths: tuple[int, ...]) -> list[Any]:
    neg = -float("inf")
    width = ext_lp.shape[2]
    start = xp.arange(width, device=device_of(ext_lp)) < 2
    alpha = xp.where(start, ext_lp[0, ...], neg)
    out = [alpha]
    lengths = xp.asarray(input_lengths, device=device_of(ext_lp))[:, None]
    for t in range(1, ext_lp.shape[0]):
        two_back = xp.where(skip, _shift(xp, alpha, 2, neg), neg)
        step = _logsumexp3(xp, alpha, _shift(xp, alpha, 1, neg), two_back) + ext_lp[t, ...]
        alpha = xp.where(lengths > t, step, alpha)  # a finished row keeps its last alpha
        out.append(alpha)
    return out


def _final(xp: Any, alpha: Any, target_lengths: tuple[int, ...]) -> Any:
    """-log p(labels): the last alpha at the row's last label or its final blank."""
    last = xp.asarray([2 * n for n in target_lengths], dtype=xp.int64, device=device_of(alpha))
    end = xp.take_along_axis(alpha, last[:, None], axis=1)[:, 0]
    before = xp.take_along_axis(alpha, xp.maximum(last - 1, 0)[:, None], axis=1)[:, 0]
    before = xp.where(last > 0, before, -float("inf"))
    top = xp.maximum(end, before)
    finite = xp.where(xp.isinf(top), 0.0, top)
    total = xp.exp(end - finite) + xp.exp(before - finite)
    return xp.where(xp.isinf(top), -top, -(finite + xp.log(xp.where(total > 0, total, 1.0))))


def _ctc_forward(xp: Any, lp: Any, labels: Labels, input_lengths: tuple[int, ...],
                 target_lengths: tuple[int, ...], blank: int, zero_infinity: bool) -> Any:
    _, ext_lp, skip = _setup(xp, lp, labels, blank)
    alphas = _alphas(xp, ext_lp, skip, input_lengths)
    nll = _final(xp, alphas[-1], target_lengths)
    return xp.where(xp.isinf(nll), 0.0, nll) if zero_infinity else nll


def _ctc_vjp(xp: Any, g: Any, _ans: Any, lp: Any, labels: Labels,
             input_lengths: tuple[int, ...], target_lengths: tuple[int, ...], blank: int,
             zero_infinity: bool) -> Any:
    neg = -float("inf")
    ext, ext_lp, skip = _setup(xp, lp, labels, blank)
    alphas = _alphas(xp, ext_lp, skip, input_lengths)
    nll = _final(xp, alphas[-1], target_lengths)
    steps, batch, width = ext_lp.shape
    positions = xp.arange(width, device=device_of(lp))[None, :]
    last = xp.asarray([2 * n for n in target_lengths], dtype=xp.int64, device=device_of(lp))
    at_end = (positions == last[:, None]) | (positions == last[:, None] - 1)
    lengths = xp.asarray(input_lengths, device=device_of(lp))[:, None]
    skip_ahead = _shift(xp, skip, -2, False)  # s -> s + 2 allowed where s + 2 may skip
    classes = lp.shape[2]
    one_hot = xp.astype(ext[..., None] == xp.arange(classes, device=device_of(lp)), lp.dtype)
    scale = xp.where(xp.isinf(nll), 0.0, g) if zero_infinity else g
    finite_nll = xp.where(xp.isinf(nll), 0.0, nll)
    beta = xp.full((batch, width), neg, dtype=lp.dtype, device=device_of(lp))
    grads = []
    for t in range(steps - 1, -1, -1):
        two_ahead = xp.where(skip_ahead, _shift(xp, beta, -2, neg), neg)
        step = _logsumexp3(xp, beta, _shift(xp, beta, -1, neg), two_ahead) + ext_lp[t, ...]
        start = xp.where(at_end, ext_lp[t, ...], neg)
        beta = xp.where(lengths - 1 == t, start, xp.where(lengths - 1 > t, step, neg))
        log_post = alphas[t] + beta - ext_lp[t, ...] + finite_nll[:, None]
        post = xp.where(xp.isinf(log_post), 0.0, xp.exp(log_post))
        per_class = xp.matmul(post[:, None, :], one_hot)[:, 0, :]  # (N, C)
        grads.append(-per_class * scale[:, None])
    grads.reverse()
    return xp.stack(grads, axis=0)


_ctc = primitive(
    "ctc_loss", torch_name="CtcLoss",
    forward=_ctc_forward,
    vjp=_ctc_vjp,
    jvp=None, namespace="autodiff.ops.losses_ctc",
)


def _ints(name: str, value: Any) -> tuple[int, ...]:
    if isinstance(value, Tensor):
        if value.dtype.kind not in ("signed integer", "unsigned integer"):
            raise RuntimeError(f"ctc_loss: expected {name} to be an integer tensor, got "
                               f"{value.dtype.name}")
        value = value.tolist()
    if isinstance(value, int):
        value = [value]
    return tuple(int(v) for v in value)


def ctc_loss(log_probs: Tensor, targets: Tensor, input_lengths: Tensor | Sequence[int],
             target_lengths: Tensor | Sequence[int], blank: int = 0,
             reduction: str = "mean", zero_infinity: bool = False) -> Tensor:
    """Connectionist temporal classification loss of (T, N, C) (or unbatched (T, C))
    log-probabilities against label sequences (``torch.nn.functional.ctc_loss``):
    ``targets`` padded (N, S) or concatenated (sum of ``target_lengths``). ``'mean'``
    divides each loss by its target length, then averages over the batch.

    >>> import autodiff as ad
    >>> F = ad.nn.functional
    >>> lp = F.log_softmax(ad.zeros((3, 1, 2)), dim=2)
    >>> F.ctc_loss(lp, ad.tensor([[1]]), [3], [1], reduction="sum")  # 6 of 8 paths: -log 0.75
    tensor(0.2877)
    """
    check_tensors("ctc_loss", log_probs=log_probs, targets=targets)
    reduction = reduction_of(None, None, reduction)
    refuse_complex("ctc_loss", log_probs, kernel="ctc_loss_cpu")
    unbatched = log_probs.ndim == 2
    if unbatched:
        log_probs = ad().expand_dims(log_probs, axis=1)
        targets = ad().expand_dims(targets, axis=0) if targets.ndim == 1 else targets
    if log_probs.ndim != 3:
        raise RuntimeError(f"ctc_loss: expected log_probs of shape (T, N, C) or (T, C), "
                           f"got {list(log_probs.shape)}")
    steps, batch, classes = log_probs.shape
    ins, outs = _ints("input_lengths", input_lengths), _ints("target_lengths", target_lengths)
    if len(ins) != batch:
        raise RuntimeError(f"input_lengths must be of size batch_size, got {len(ins)} for a "
                           f"batch of {batch}")
    if len(outs) != batch:
        raise RuntimeError(f"target_lengths must be of size batch_size, got {len(outs)} for "
                           f"a batch of {batch}")
    flat = targets.tolist()
    if targets.ndim == 1:  # concatenated
        starts = [sum(outs[:n]) for n in range(batch)]
        labels = tuple(tuple(flat[s:s + n]) for s, n in zip(starts, outs, strict=True))
    else:
        labels = tuple(tuple(row[:n]) for row, n in zip(flat, outs, strict=True))
    for n, (length, row) in enumerate(zip(ins, labels, strict=True)):
        if length > steps:
            raise RuntimeError(f"Expected input_lengths to have value at most {steps}, but "
                               f"got value {length} (while checking arguments for ctc_loss_cpu)")
        if len(row) != outs[n]:
            raise RuntimeError(f"Expected tensor to have size at least {outs[n]} at dimension "
                               f"1, but got size {len(row)} for argument #2 'targets' (while "
                               "checking arguments for ctc_loss_cpu)")
        if any(label < 0 or label >= classes or label == blank for label in row):
            raise RuntimeError(f"ctc_loss: target {n} holds a label outside [0, {classes}) "
                               f"or the blank {blank}")
    losses = _ctc(log_probs, labels=labels, input_lengths=ins, target_lengths=outs,
                  blank=int(blank), zero_infinity=bool(zero_infinity))
    if reduction == "mean":
        divisors = ad().asarray([max(n, 1) for n in outs], dtype=losses.dtype,
                                device=losses.device, backend=losses.backend)
        return ad().mean(losses / divisors)
    if reduction == "sum":
        return ad().sum(losses)
    return losses[0] if unbatched else losses
