"""Classify scikit-learn's 8x8 digits with a two-layer MLP.

    python examples/digits_mlp.py                      # autodiff on numpy
    python examples/digits_mlp.py --backend array_api_strict
    python examples/digits_mlp.py --framework torch    # the same code on PyTorch

Trains with Adam and mini-batches from a DataLoader, reports held-out accuracy, saves a
checkpoint (model and optimizer), reloads it into a fresh model, and plots the curves.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import common


def build(torch: Any, hidden: int = 128) -> Any:
    nn = torch.nn
    return nn.Sequential(nn.Linear(64, hidden), nn.ReLU(), nn.Dropout(0.1),
                         nn.Linear(hidden, 10))


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    args = common.parse_args("digits_mlp", __doc__.splitlines()[0], epochs=30, batch_size=64,
                             lr=1e-3, argv=argv)
    torch = common.import_framework(args)
    x_train, y_train, x_test, y_test = common.digits(torch, args.seed)
    data = torch.utils.data
    generator = torch.Generator().manual_seed(args.seed)
    loader = data.DataLoader(data.TensorDataset(x_train, y_train), batch_size=args.batch_size,
                             shuffle=True, generator=generator)
    model = build(torch)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    history = common.fit(torch, model, optimizer, torch.nn.CrossEntropyLoss(), loader,
                         lambda: common.accuracy(torch, model, x_test, y_test), args.epochs,
                         args.quiet)
    checkpoint = common.checkpoint_path(args)
    common.save_checkpoint(torch, model, optimizer, checkpoint)
    restored = common.accuracy(torch, common.restore(torch, lambda: build(torch), checkpoint),
                               x_test, y_test)
    common.save_plot(history, args.out / "curves.png", "digits, MLP 64-128-10")
    common.report("digits MLP", args, history, restored)
    return {"history": history, "restored_accuracy": restored}


if __name__ == "__main__":
    main()
