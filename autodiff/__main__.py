"""``python -m autodiff``: the backends usable here, the tutorial examples, and a tiny
model trained by gradient descent on the default backend (``--help`` for the options)."""

from __future__ import annotations

import argparse
import time

import numpy as np

import autodiff as ad
import backends

F = ad.nn.functional


def show_backends() -> None:
    print("Backends")
    current = ad.get_backend().name
    for name in backends.backend_names():
        reason = backends.unavailable_reason(name)
        state = "available" if reason is None else f"unavailable: {reason}"
        marker = " (current)" if name == current else ""
        print(f"  {name:<18}{state}{marker}")
    print()


def seed_examples() -> None:
    print("Tutorial examples")
    x = ad.ones(2, 2, requires_grad=True)
    out = ((x + 2) * (x + 2) * 3).mean()
    out.backward()
    print("d(mean(3 (x + 2)^2))/dx at x = 1:\n", x.grad)

    x = ad.tensor([[2.0]], requires_grad=True)
    y = ad.tensor([[3.0]], requires_grad=True)
    z = y * ad.log(x) + ad.sin(y)
    z.backward()
    print(f"z = y log x + sin y: dz/dx = {x.grad}, dz/dy = {y.grad}")

    inp = ad.eye(5, requires_grad=True)
    (inp + 1).pow(2).backward(ad.ones_like(inp))
    print("vector-Jacobian product of (eye(5) + 1)^2 with ones:\n", inp.grad)

    x = ad.arange(4.0, requires_grad=True)
    (2 * ad.dot(x, x)).backward()
    assert x.grad is not None
    print(f"grad of 2 x.x at x = [0, 1, 2, 3]: {x.grad}, equals 4x: {(x.grad == 4 * x).all()}")
    print()


def train_tiny_model(steps: int = 300, learning_rate: float = 0.5) -> float:
    """Fit a 2-16-1 MLP to two interleaved half-moons by full-batch gradient descent."""
    print(f"Training a 2-16-1 MLP on backend {ad.get_backend().name!r}")
    rng = np.random.default_rng(0)
    n = 200
    angle = rng.uniform(0.0, np.pi, n)
    label = (rng.uniform(size=n) > 0.5).astype(np.float32)
    # label 0: the upper moon; label 1: the lower moon, shifted right and down
    points = np.stack([np.cos(angle) + label, np.sin(angle) * (1 - 2 * label) + 0.25 * label],
                      axis=1).astype(np.float32)
    inputs, targets = ad.tensor(points), ad.tensor(label)  # host data -> current backend

    ad.manual_seed(0)
    params = [ad.randn(2, 16) * 0.5, ad.zeros(16), ad.randn(16, 1) * 0.5, ad.zeros(1)]
    params = [p.requires_grad_() for p in params]
    start = time.perf_counter()
    loss = ad.tensor(0.0)
    for step in range(steps + 1):
        w1, b1, w2, b2 = params
        logits = ad.reshape(F.relu(inputs @ w1 + b1) @ w2 + b2, (n,))
        loss = F.binary_cross_entropy_with_logits(logits, targets)
        loss.backward()
        with ad.no_grad():  # plain gradient descent: new leaves from the old ones
            params = [(p - learning_rate * _grad(p)).requires_grad_() for p in params]
        if step % 60 == 0:
            accuracy = ((logits > 0).float() == targets).float().mean().item()
            print(f"  step {step:4d}  loss {loss.item():.4f}  accuracy {accuracy:.3f}")
    print(f"  {steps} steps in {time.perf_counter() - start:.2f} s")
    return float(loss.item())


def _grad(tensor: ad.Tensor) -> ad.Tensor:
    if tensor.grad is None:
        raise RuntimeError("expected a gradient after backward")
    return tensor.grad


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m autodiff",
        description="A tour of autodiff: the backends usable on this machine, the gradients "
                    "of the tutorial examples, and a tiny model trained by gradient descent.")
    parser.add_argument("--backend", default=None,
                        help="the backend to run on (default: $AUTODIFF_BACKEND or numpy); "
                             "one of: " + ", ".join(backends.backend_names()))
    parser.add_argument("--steps", type=int, default=300,
                        help="gradient-descent steps of the tiny model (default: 300)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.backend is not None:
        ad.set_backend(args.backend)
    show_backends()
    seed_examples()
    train_tiny_model(args.steps)


if __name__ == "__main__":
    main()
