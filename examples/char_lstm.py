"""A character-level LSTM language model on ten of Shakespeare's sonnets (public domain,
in examples/data/sonnets.txt), which then writes a sample of its own.

    python examples/char_lstm.py                       # autodiff on numpy
    python examples/char_lstm.py --backend array_api_strict
    python examples/char_lstm.py --framework torch     # the same code on PyTorch

Each epoch is 20 batches of random 64-character windows of the text (Embedding, LSTM, Linear;
Adam with gradient clipping) and reports the bits per character on held-out text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import common

TEXT = (common.HERE / "data" / "sonnets.txt").read_text(encoding="utf-8")
WINDOW = 64


def build(torch: Any, vocabulary: int, hidden: int = 128) -> Any:
    nn = torch.nn

    class CharModel(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embed = nn.Embedding(vocabulary, 32)
            self.lstm = nn.LSTM(32, hidden, batch_first=True)
            self.head = nn.Linear(hidden, vocabulary)

        def forward(self, codes: Any, state: Any = None) -> Any:
            out, state = self.lstm(self.embed(codes), state)
            return self.head(out), state

    return CharModel()


def sample(torch: Any, model: Any, alphabet: str, start: str, length: int,
           generator: Any, temperature: float = 0.8) -> str:
    """Continue ``start`` one character at a time, drawing each from the model."""
    index = {c: i for i, c in enumerate(alphabet)}
    model.eval()
    text, state = start, None
    codes = torch.tensor([[index[c] for c in start]])
    with torch.no_grad():
        for _ in range(length):
            logits, state = model(codes, state)
            weights = torch.softmax(logits[0, -1] / temperature, dim=-1)
            code = int(torch.multinomial(weights, 1, generator=generator).item())
            text += alphabet[code]
            codes = torch.tensor([[code]])
    return text


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    args = common.parse_args("char_lstm", __doc__.splitlines()[0], epochs=10, batch_size=32,
                             lr=5e-3, argv=argv)
    torch = common.import_framework(args)
    alphabet = "".join(sorted(set(TEXT)))
    codes = torch.tensor([alphabet.index(c) for c in TEXT])
    split = int(0.9 * len(TEXT))
    train, held_out = codes[:split], codes[split:]
    generator = torch.Generator().manual_seed(args.seed)
    model = build(torch, len(alphabet))
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    steps_per_epoch = 20

    class Windows:
        """Random windows of the training text, ``steps_per_epoch`` batches an epoch."""

        def __iter__(self) -> Any:
            for _ in range(steps_per_epoch):
                starts = torch.randint(0, split - WINDOW - 1, (args.batch_size,),
                                       generator=generator)
                offsets = starts[:, None] + torch.arange(WINDOW + 1)[None, :]
                batch = train[offsets]
                yield batch[:, :-1], batch[:, 1:]

    def loss_of(output: Any, targets: Any) -> Any:
        logits, _ = output
        return loss_fn(logits.reshape(-1, len(alphabet)), targets.reshape(-1))

    class Clipped:
        """The optimizer, with the gradient norm clipped to 1 before each step."""

        def zero_grad(self) -> None:
            optimizer.zero_grad()

        def step(self) -> None:
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()

        def state_dict(self) -> Any:
            return optimizer.state_dict()

    def bits_per_character() -> float:
        model.eval()
        with torch.no_grad():
            logits, _ = model(held_out[None, :-1])
            loss = loss_fn(logits[0], held_out[1:]).item()
        return loss / math.log(2)

    history = common.fit(torch, model, Clipped(), loss_of, Windows(), bits_per_character,
                         args.epochs, args.quiet)
    history["bits per character"] = history.pop("accuracy")
    checkpoint = common.checkpoint_path(args)
    common.save_checkpoint(torch, model, optimizer, checkpoint)
    restored = common.restore(torch, lambda: build(torch, len(alphabet)), checkpoint)
    text = sample(torch, restored, alphabet, "Shall I ", 200, generator)
    where = "PyTorch" if args.framework == "torch" else f"autodiff on {args.backend}"
    print(f"char LSTM ({where}): held-out {history['bits per character'][-1]:.3f} bits per "
          f"character after {args.epochs} epochs, "
          f"{sorted(history['seconds'])[len(history['seconds']) // 2]:.3f} s per epoch "
          f"(median)\nsample:\n{text}")
    return {"history": history, "sample": text}


if __name__ == "__main__":
    main()
