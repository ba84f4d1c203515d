"""Classify scikit-learn's 8x8 digits with a small convolutional network.

    python examples/digits_cnn.py                      # autodiff on numpy
    python examples/digits_cnn.py --backend array_api_strict
    python examples/digits_cnn.py --framework torch    # the same code on PyTorch

Two convolution blocks (conv, batch norm, ReLU, max pooling), dropout and a linear
classifier, trained with AdamW and a cosine learning-rate schedule.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import common


def build(torch: Any) -> Any:
    nn = torch.nn
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Dropout(0.25), nn.Linear(32 * 2 * 2, 10))


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    args = common.parse_args("digits_cnn", __doc__.splitlines()[0], epochs=20, batch_size=64,
                             lr=3e-3, argv=argv)
    torch = common.import_framework(args)
    x_train, y_train, x_test, y_test = common.digits(torch, args.seed, images=True)
    data = torch.utils.data
    generator = torch.Generator().manual_seed(args.seed)
    loader = data.DataLoader(data.TensorDataset(x_train, y_train), batch_size=args.batch_size,
                             shuffle=True, generator=generator)
    model = build(torch)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs)

    def evaluate() -> float:
        schedule.step()  # once an epoch
        return common.accuracy(torch, model, x_test, y_test)

    history = common.fit(torch, model, optimizer, torch.nn.CrossEntropyLoss(), loader,
                         evaluate, args.epochs, args.quiet)
    checkpoint = common.checkpoint_path(args)
    common.save_checkpoint(torch, model, optimizer, checkpoint)
    restored = common.accuracy(torch, common.restore(torch, lambda: build(torch), checkpoint),
                               x_test, y_test)
    common.save_plot(history, args.out / "curves.png", "digits, CNN")
    common.report("digits CNN", args, history, restored)
    return {"history": history, "restored_accuracy": restored}


if __name__ == "__main__":
    main()
