"""The engine's messages, worded as PyTorch words them."""

from __future__ import annotations

import re
from typing import Any

FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward."
)


INPLACE_HINT = (
    "Hint: enable anomaly detection to find the operation that failed to compute its "
    "gradient, with autodiff.autograd.set_detect_anomaly(True)."
)
_TYPE_NAMES = {"float16": "Half", "float32": "Float", "float64": "Double",
               "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def modified_message(array: Any, backend: Any, producer: str | None, version: int,
                     expected: int) -> str:
    """PyTorch's error for a saved tensor written in place before backward."""
    kind = _TYPE_NAMES.get(backend.dtype_name(array.dtype), "")
    shape = ", ".join(str(extent) for extent in array.shape)
    where = "" if producer is None else f", which is output 0 of {_op_name(producer)},"
    return ("one of the variables needed for gradient computation has been modified by an "
            f"inplace operation: [autodiff.{kind}Tensor [{shape}]]{where} is at version "
            f"{version}; expected version {expected} instead. {INPLACE_HINT}")


def _op_name(node_name: str) -> str:
    return re.sub(r"Backward\d*$", "", node_name)
