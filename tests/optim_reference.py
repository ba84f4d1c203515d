"""Numpy references for the optimizers of ``autodiff.optim``, written from the algorithms
PyTorch documents (``torch.optim``'s docstrings), and the small float64 problem the tests
run them on. Neither autodiff nor torch is used here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

Update = Callable[..., np.ndarray]
M = np.array([[0.3, -0.2], [0.1, 0.4]])


def start() -> list[np.ndarray]:
    """Three parameters: a Rosenbrock-like pair and a quartic matrix."""
    return [np.array([-1.2, 0.5, 1.5]), np.array([1.0, -0.3, 2.0]),
            np.array([[0.7, -1.1], [0.4, 0.9]])]


def loss(a: Any, b: Any, c: Any, m: Any) -> Any:
    """The problem (``m`` is ``M`` as a tensor), written with operators only, so autodiff
    and torch tensors both run it."""
    return ((1 - a) ** 2).sum() + 10 * ((b - a * a) ** 2).sum() + (c ** 4).sum() / 4 + (
        c * m).sum()


def gradients(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> list[np.ndarray]:
    r = b - a * a
    return [-2 * (1 - a) - 40 * a * r, 20 * r, c ** 3 + M]


def _direction(g: np.ndarray, p: np.ndarray, o: dict[str, Any]) -> np.ndarray:
    g = -g if o.get("maximize") else g
    if o.get("weight_decay", 0) and not o.get("decoupled_weight_decay"):
        g = g + o["weight_decay"] * p
    return g


def sgd(p: np.ndarray, g: np.ndarray, s: dict[str, Any], o: dict[str, Any]) -> np.ndarray:
    g = _direction(g, p, o)
    if o.get("momentum", 0):
        if "b" not in s:
            s["b"] = g.copy()
        else:
            s["b"] = o["momentum"] * s["b"] + (1 - o.get("dampening", 0)) * g
        g = g + o["momentum"] * s["b"] if o.get("nesterov") else s["b"]
    return p - o["lr"] * g


def adam(p: np.ndarray, g: np.ndarray, s: dict[str, Any], o: dict[str, Any]) -> np.ndarray:
    b1, b2 = o.get("betas", (0.9, 0.999))
    lr, eps = o.get("lr", 1e-3), o.get("eps", 1e-8)
    if not s:
        s.update(t=0, m=np.zeros_like(p), v=np.zeros_like(p), vmax=np.zeros_like(p))
    s["t"] += 1
    t = s["t"]
    if o.get("weight_decay", 0) and o.get("decoupled_weight_decay"):
        p = p * (1 - lr * o["weight_decay"])
    g = _direction(g, p, o)
    s["m"] = b1 * s["m"] + (1 - b1) * g
    s["v"] = b2 * s["v"] + (1 - b2) * g * g
    m_hat = s["m"] / (1 - b1 ** t)
    if o.get("amsgrad"):
        s["vmax"] = np.maximum(s["vmax"], s["v"])
        v_hat = s["vmax"] / (1 - b2 ** t)
    else:
        v_hat = s["v"] / (1 - b2 ** t)
    return p - lr * m_hat / (np.sqrt(v_hat) + eps)


def adamw(p: np.ndarray, g: np.ndarray, s: dict[str, Any], o: dict[str, Any]) -> np.ndarray:
    return adam(p, g, s, {"weight_decay": 1e-2, **o, "decoupled_weight_decay": True})


def _moments(s: dict[str, Any], p: np.ndarray, g: np.ndarray, b1: float, b2: float) -> int:
    """Count the step and update the first and second moments (Adam's m and v)."""
    if not s:
        s.update(t=0, m=np.zeros_like(p), v=np.zeros_like(p))
    s["t"] += 1
    s["m"] = b1 * s["m"] + (1 - b1) * g
    s["v"] = b2 * s["v"] + (1 - b2) * g * g
    return int(s["t"])


def adamax(p: np.ndarray, g: np.ndarray, s: dict[str, Any], o: dict[str, Any]) -> np.ndarray:
    b1, b2 = o.get("betas", (0.9, 0.999))
    lr, eps = o.get("lr", 2e-3), o.get("eps", 1e-8)
    g = _direction(g, p, o)
    t = _moments(s, p, g, b1, b2)
    s["u"] = np.maximum(b2 * s.get("u", np.zeros_like(p)), np.abs(g) + eps)
    return p - lr / (1 - b1 ** t) * s["m"] / s["u"]


def _decoupled(p: np.ndarray, o: dict[str, Any], lr: float) -> np.ndarray:
    if o.get("weight_decay", 0) and o.get("decoupled_weight_decay"):
        return p * (1 - lr * o["weight_decay"])
    return p


def nadam(p: np.ndarray, g: np.ndarray, s: dict[str, Any], o: dict[str, Any]) -> np.ndarray:
    b1, b2 = o.get("betas", (0.9, 0.999))
    lr, eps, psi = o.get("lr", 2e-3), o.get("eps", 1e-8), o.get("momentum_decay", 4e-3)
    p = _decoupled(p, o, lr)
    g = _direction(g, p, o)
    t = _moments(s, p, g, b1, b2)
    mu = b1 * (1 - 0.5 * 0.96 ** (t * psi))
    mu_next = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * psi))
    # PyTorch keeps the product of the mus in a float32 tensor
    s["mu_product"] = np.float32(s.get("mu_product", np.float32(1.0)) * np.float32(mu))
    product = float(s["mu_product"])
    v_hat = s["v"] / (1 - b2 ** t)
    denom = np.sqrt(v_hat) + eps
    return (p - lr * (1 - mu) / (1 - product) * g / denom
            - lr * mu_next / (1 - product * mu_next) * s["m"] / denom)


def radam(p: np.ndarray, g: np.ndarray, s: dict[str, Any], o: dict[str, Any]) -> np.ndarray:
    b1, b2 = o.get("betas", (0.9, 0.999))
    lr, eps = o.get("lr", 1e-3), o.get("eps", 1e-8)
    p = _decoupled(p, o, lr)
    g = _direction(g, p, o)
    t = _moments(s, p, g, b1, b2)
    m_hat = s["m"] / (1 - b1 ** t)
    rho_inf = 2 / (1 - b2) - 1
    rho_t = rho_inf - 2 * t * b2 ** t / (1 - b2 ** t)
    if rho_t <= 5:
        return p - lr * m_hat
    adaptive = np.sqrt(1 - b2 ** t) / (np.sqrt(s["v"]) + eps)
    rect = np.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
    return p - lr * m_hat * adaptive * rect


def rmsprop(p: np.ndarray, g: np.ndarray, s: dict[str, Any], o: dict[str, Any]) -> np.ndarray:
    lr, alpha, eps, mom = o.get("lr", 1e-2), o.get("alpha", 0.99), o.get("eps", 1e-8), o.get(
        "momentum", 0)
    g = _direction(g, p, o)
    s["v"] = alpha * s.get("v", np.zeros_like(p)) + (1 - alpha) * g * g
    v = s["v"]
    if o.get("centered"):
        s["g"] = alpha * s.get("g", np.zeros_like(p)) + (1 - alpha) * g
        v = v - s["g"] ** 2
    if mom > 0:
        s["b"] = mom * s.get("b", np.zeros_like(p)) + g / (np.sqrt(v) + eps)
        return p - lr * s["b"]
    return p - lr * g / (np.sqrt(v) + eps)


def adagrad(p: np.ndarray, g: np.ndarray, s: dict[str, Any], o: dict[str, Any]) -> np.ndarray:
    lr, decay, eps = o.get("lr", 1e-2), o.get("lr_decay", 0), o.get("eps", 1e-10)
    g = _direction(g, p, o)
    s["t"] = s.get("t", 0) + 1
    s["sum"] = s.get("sum", np.full_like(p, o.get("initial_accumulator_value", 0))) + g * g
    return p - lr / (1 + (s["t"] - 1) * decay) * g / (np.sqrt(s["sum"]) + eps)


def adadelta(p: np.ndarray, g: np.ndarray, s: dict[str, Any], o: dict[str, Any]) -> np.ndarray:
    lr, rho, eps = o.get("lr", 1.0), o.get("rho", 0.9), o.get("eps", 1e-6)
    g = _direction(g, p, o)
    s["v"] = rho * s.get("v", np.zeros_like(p)) + (1 - rho) * g * g
    u = s.get("u", np.zeros_like(p))
    delta = np.sqrt(u + eps) / np.sqrt(s["v"] + eps) * g
    s["u"] = rho * u + (1 - rho) * delta * delta
    return p - lr * delta


REFERENCES: dict[str, Update] = {
    "SGD": sgd, "Adam": adam, "AdamW": adamw, "Adamax": adamax, "NAdam": nadam,
    "RAdam": radam, "RMSprop": rmsprop, "Adagrad": adagrad, "Adadelta": adadelta}


def trajectory(name: str, groups: list[dict[str, Any]], steps: int) -> list[list[np.ndarray]]:
    """The parameters after each of ``steps`` steps; ``groups`` hold parameter indices
    (into ``start()``) under "params" and the group's options."""
    update = REFERENCES[name]
    params = start()
    states: list[dict[str, Any]] = [{} for _ in params]
    out = []
    for _ in range(steps):
        grads = gradients(*params)
        for group in groups:
            options = {k: v for k, v in group.items() if k != "params"}
            for i in group["params"]:
                params[i] = update(params[i], grads[i], states[i], options)
        out.append([p.copy() for p in params])
    return out
