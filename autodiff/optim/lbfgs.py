"""L-BFGS: quasi-Newton steps from a limited history of gradient differences, with a
fixed step or a strong-Wolfe line search; it needs a closure that re-evaluates the loss."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import _mode
from .._lazy import persist
from .._tensor import Tensor
from ..ops.creation import zeros_like
from ..ops.joining import concat
from ._line_search import strong_wolfe
from .optimizer import Optimizer, _to_scalar

__all__ = ["LBFGS"]


def _dot(a: Tensor, b: Tensor) -> float:
    return float(a.dot(b).item())


def _max_abs(x: Tensor) -> float:
    return float(x.abs().max().item())


class LBFGS(Optimizer):
    """L-BFGS (PyTorch's ``torch.optim.LBFGS``). One ``step(closure)`` runs up to
    ``max_iter`` iterations (``max_eval`` loss evaluations); ``line_search_fn`` is None
    (a fixed step ``lr``) or ``"strong_wolfe"``. One parameter group only.

    The state lives under the first parameter, with PyTorch's keys (``func_evals``,
    ``n_iter``, ``d``, ``t``, ``old_dirs``, ``old_stps``, ``ro``, ``H_diag``,
    ``prev_flat_grad``, ``prev_loss``, ``al``); its scalars are Python floats where
    PyTorch keeps 0-d tensors.

    >>> import autodiff as ad
    >>> from autodiff.optim import LBFGS
    >>> w = ad.tensor([1.5, -0.5], dtype=ad.float64, requires_grad=True)
    >>> opt = LBFGS([w], line_search_fn="strong_wolfe")
    >>> def closure():
    ...     opt.zero_grad()
    ...     loss = (1 - w[0]) ** 2 + 100 * (w[1] - w[0] ** 2) ** 2
    ...     loss.backward()
    ...     return loss
    >>> for _ in range(3):
    ...     _ = opt.step(closure)
    >>> [round(v, 4) for v in w.tolist()]
    [1.0, 1.0]
    """

    def __init__(self, params: Any, lr: Any = 1, max_iter: int = 20,
                 max_eval: int | None = None, tolerance_grad: float = 1e-7,
                 tolerance_change: float = 1e-9, history_size: int = 100,
                 line_search_fn: str | None = None) -> None:
        if _to_scalar(lr) < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults = {"lr": lr, "max_iter": max_iter, "max_eval": max_eval,
                    "tolerance_grad": tolerance_grad, "tolerance_change": tolerance_change,
                    "history_size": history_size, "line_search_fn": line_search_fn}
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params: list[Tensor] = self.param_groups[0]["params"]

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        self._params = self.param_groups[0]["params"]

    def _gather_flat_grad(self) -> Tensor:
        """Every gradient flattened into one fresh vector (zeros where there is none)."""
        views = [(zeros_like(p) if p.grad is None else p.grad).reshape(-1)
                 for p in self._params]
        return concat(views) if len(views) > 1 else views[0].clone()

    def _add_grad(self, step_size: float, update: Tensor) -> None:
        if len(self._params) == 1:  # no slice: on dask, one task fewer per evaluation
            p = self._params[0]
            p.add_(update.reshape(p.shape) * step_size)
            return
        offset = 0
        for p in self._params:
            numel = p.numel()
            p.add_(update[offset:offset + numel].reshape(p.shape) * step_size)
            offset += numel

    def _evaluate(self, closure: Callable[[], Any]) -> tuple[Any, float, Tensor]:
        """The closure's loss (as returned and as a float) and the flat gradient; on a
        lazy backend both are persisted in one pass over the data, so the dot products
        that read the gradient afterwards do not recompute it, and so are the
        parameters: else each one's graph grows by every step taken, and each evaluation
        recomputes them all from the first (quadratic in the iterations)."""
        with _mode.enable_grad():
            loss = closure()
        flat_grad = self._gather_flat_grad()
        if flat_grad._backend.lazy:
            persist(*((loss, flat_grad) if isinstance(loss, Tensor) else (flat_grad,)),
                    *self._params)
        return loss, float(loss), flat_grad

    def _directional_evaluate(self, closure: Callable[[], Any], x: list[Tensor], t: float,
                              d: Tensor) -> tuple[float, Tensor]:
        """The loss and flat gradient at ``x + t d``; the parameters go back to ``x``."""
        self._add_grad(t, d)
        _, loss, flat_grad = self._evaluate(closure)
        for p, value in zip(self._params, x, strict=True):
            p.copy_(value)
        return loss, flat_grad

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Run up to ``max_iter`` L-BFGS iterations; ``closure`` (required) zeroes the
        gradients, computes the loss, calls ``backward`` and returns the loss, which
        ``step`` returns (its first evaluation)."""
        if closure is None:
            raise RuntimeError("LBFGS requires a closure: step(closure), where closure "
                               "re-evaluates the model and returns the loss")
        with _mode.no_grad():
            return self._step(closure)

    def _step(self, closure: Callable[[], Any]) -> Any:  # noqa: C901
        group = self.param_groups[0]
        lr = _to_scalar(group["lr"])
        max_iter, max_eval = group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        line_search_fn, history_size = group["line_search_fn"], group["history_size"]

        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)
        orig_loss, loss, flat_grad = self._evaluate(closure)
        current_evals = 1
        state["func_evals"] += 1
        if _max_abs(flat_grad) <= tolerance_grad:  # optimal already
            return orig_loss

        # what the last step left (None before the first)
        d: Any = state.get("d")
        t: Any = state.get("t")
        old_dirs: Any = state.get("old_dirs")
        old_stps: Any = state.get("old_stps")
        ro: Any = state.get("ro")
        h_diag: Any = state.get("H_diag")
        prev_flat_grad: Any = state.get("prev_flat_grad")
        prev_loss: Any = state.get("prev_loss")
        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1
            if state["n_iter"] == 1:
                d = -flat_grad
                old_dirs, old_stps, ro, h_diag = [], [], [], 1.0
            else:
                # update the history with the last step s and gradient change y
                y = flat_grad - prev_flat_grad
                s = d * t
                ys = _dot(y, s)
                if ys > 1e-10:
                    if len(old_dirs) == history_size:
                        old_dirs.pop(0)
                        old_stps.pop(0)
                        ro.pop(0)
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(1.0 / ys)
                    h_diag = ys / _dot(y, y)
                # the two-loop recursion: d = -H g
                num_old = len(old_dirs)
                if "al" not in state:
                    state["al"] = [None] * history_size
                al = state["al"]
                # on a lazy backend each update is persisted: the next dot product then
                # computes one op, not the chain of the updates before it, and the
                # direction (whose history holds earlier directions) stays one task
                lazy = flat_grad._backend.lazy
                q = -flat_grad
                for i in range(num_old - 1, -1, -1):
                    al[i] = _dot(old_stps[i], q) * ro[i]
                    q.sub_(old_dirs[i] * al[i])
                    if lazy:
                        persist(q)
                d = r = q * h_diag
                for i in range(num_old):
                    be_i = _dot(old_dirs[i], r) * ro[i]
                    r.add_(old_stps[i] * (al[i] - be_i))
                    if lazy:
                        persist(r)
            if prev_flat_grad is None:
                prev_flat_grad = flat_grad.clone()
            else:
                prev_flat_grad.copy_(flat_grad)
            prev_loss = loss

            # the step length: scaled down on the very first iteration
            if state["n_iter"] == 1:
                t = min(1.0, 1.0 / float(flat_grad.abs().sum().item())) * lr
            else:
                t = lr
            gtd = _dot(flat_grad, d)
            if gtd > -tolerance_change:  # not a descent direction
                break

            ls_func_evals = 0
            if line_search_fn is not None:
                if line_search_fn != "strong_wolfe":
                    raise RuntimeError("only 'strong_wolfe' is supported")
                x_init = [p.clone() for p in self._params]

                def obj_func(x: Any, t: float, d: Tensor) -> tuple[float, Tensor]:
                    return self._directional_evaluate(closure, x, t, d)

                loss, flat_grad, t, ls_func_evals = strong_wolfe(
                    obj_func, x_init, t, d, loss, flat_grad, gtd,
                    max_ls=max_eval - current_evals)
                self._add_grad(t, d)
                opt_cond = _max_abs(flat_grad) <= tolerance_grad
            else:
                self._add_grad(t, d)
                opt_cond = False
                if n_iter != max_iter:
                    _, loss, flat_grad = self._evaluate(closure)
                    opt_cond = _max_abs(flat_grad) <= tolerance_grad
                    ls_func_evals = 1
            current_evals += ls_func_evals
            state["func_evals"] += ls_func_evals

            if n_iter == max_iter or current_evals >= max_eval or opt_cond:
                break
            if _max_abs(d * t) <= tolerance_change:  # the step barely moved
                break
            if abs(loss - prev_loss) < tolerance_change:  # the loss barely moved
                break

        state.update(d=d, t=t, old_dirs=old_dirs, old_stps=old_stps, ro=ro, H_diag=h_diag,
                     prev_flat_grad=prev_flat_grad, prev_loss=prev_loss)
        return orig_loss
