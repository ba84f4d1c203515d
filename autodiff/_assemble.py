"""The one place that binds late: the ops onto Tensor as operators and PyTorch-style
methods, ``Tensor.backward``, and the namespace derivative rules compute with on
tensors.

Done once, where the package is assembled (``autodiff/__init__.py`` calls
``assemble``), so that no lower module imports an upper one: ``_tensor.py`` imports
no op module, and every method is the op itself (no extra call layer on the hot
path). ``python -m autodiff._stubgen`` writes the typed declarations of these methods.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType
from typing import Any

from . import _dtypes, _rules, autograd
from ._tensor import Tensor
from .compile._api import compile_in_place
from .nn.modules.module import Module
from .ops import (
    arithmetic_options,
    bitwise,
    comparison,
    datatypes,
    elementwise,
    exponential,
    indexing,
    linalg,
    manipulation,
    nn,
    norms,
    piecewise,
    reductions,
    transfer,
)

_e = elementwise


def _reflected(op: Any) -> Any:
    def method(self: Tensor, other: Any) -> Tensor:
        return op(other, self)

    method.__name__ = f"r{op.__name__}"
    return method


def _adjoint(transposed: Tensor) -> Tensor:
    """The conjugate of a transposed tensor (a real one is its own conjugate)."""
    from .ops.complex import conj

    return conj(transposed) if transposed.dtype.kind == "complex floating" else transposed


def _conjugate_transpose(self: Tensor) -> Tensor:
    """PyTorch's ``x.H``: the conjugate transpose of a matrix (or of a 0-d or 1-d tensor,
    which is itself conjugated)."""
    if self.ndim > 2:
        raise RuntimeError(f"tensor.H is only supported on matrices (2-D tensors). Got "
                           f"{self.ndim}-D tensor. For batches of matrices, consider using "
                           "tensor.mH")
    return _adjoint(manipulation.permute_dims(self, tuple(range(self.ndim))[::-1]))


def _to(self: Tensor, *args: Any, dtype: Any = None, device: Any = None,
        backend: Any = None, copy: bool = False, non_blocking: bool = False,
        memory_format: Any = None) -> Tensor:
    """``x.to(dtype)``, ``x.to("cuda")``, ``x.to("array_api_strict")``, ``x.to(other)``.
    ``non_blocking`` and ``memory_format`` are accepted for PyTorch code and change
    nothing: transfers complete before returning and every tensor is laid out one way."""
    flags = [arg for arg in args if isinstance(arg, bool)]
    if flags:  # PyTorch's positional to(dtype, non_blocking, copy)
        copy = flags[1] if len(flags) > 1 else copy
    for arg in args:
        if isinstance(arg, bool):
            continue
        if isinstance(arg, Tensor):
            dtype, device, backend = arg.dtype, str(arg.device), arg._backend
        elif isinstance(arg, _dtypes.DType) or (
                isinstance(arg, str) and arg in _dtypes.BY_NAME):
            dtype = arg
        elif isinstance(arg, str) and arg.partition(":")[0] in ("cpu", "cuda"):
            device = arg
        elif isinstance(arg, str):
            backend = arg
        else:
            device = arg
    result = self
    if device is not None or backend is not None:
        result = transfer.to_device(result, device=device, backend=backend)
    if dtype is not None:
        result = datatypes.astype(result, dtype, copy=False)
    if copy and result is self:
        result = datatypes.astype(self, self.dtype)
    return result


def _view(self: Tensor, *shape: Any) -> Tensor:
    return manipulation.reshape(self, shape[0] if len(shape) == 1 else shape)


def _cast(name: str) -> Any:
    # memory_format is PyTorch's, accepted and without effect (one layout here)
    def method(self: Tensor, memory_format: Any = None) -> Tensor:
        return datatypes.astype(self, name, copy=False)

    method.__name__ = name
    return method


def _reduce(op: Any) -> Any:
    def method(self: Tensor, dim: Any = None, keepdim: bool = False, *, axis: Any = None,
               keepdims: bool | None = None, **kwargs: Any) -> Tensor:
        if axis is None:
            axis = dim
        return op(self, axis=axis, keepdims=keepdim if keepdims is None else keepdims,
                  **kwargs)

    method.__name__ = op.__name__
    return method


METHODS: dict[str, Any] = {
    # operators
    # x + 2 and 2 + x record the same node, tensor first, as in PyTorch
    "__add__": _e.add, "__radd__": _e.add,
    "__sub__": _e.subtract, "__rsub__": _reflected(_e.subtract),
    "__mul__": _e.multiply, "__rmul__": _e.multiply,
    "__truediv__": _e.divide, "__rtruediv__": _reflected(_e.divide),
    "__pow__": _e.pow, "__rpow__": _reflected(_e.pow),
    "__matmul__": linalg.matmul, "__rmatmul__": _reflected(linalg.matmul),
    "__neg__": _e.negative, "__pos__": _e.positive, "__abs__": _e.abs,
    "__eq__": comparison.equal, "__ne__": comparison.not_equal,
    "__lt__": comparison.less, "__le__": comparison.less_equal,
    "__gt__": comparison.greater, "__ge__": comparison.greater_equal,
    # bitwise on integers, logical on bools (the standard's operators)
    "__and__": bitwise.bitwise_and, "__rand__": _reflected(bitwise.bitwise_and),
    "__or__": bitwise.bitwise_or, "__ror__": _reflected(bitwise.bitwise_or),
    "__xor__": bitwise.bitwise_xor, "__rxor__": _reflected(bitwise.bitwise_xor),
    "__invert__": bitwise.bitwise_invert,
    "__lshift__": bitwise.bitwise_left_shift,
    "__rlshift__": _reflected(bitwise.bitwise_left_shift),
    "__rshift__": bitwise.bitwise_right_shift,
    "__rrshift__": _reflected(bitwise.bitwise_right_shift),
    "__floordiv__": piecewise.floor_divide, "__rfloordiv__": _reflected(piecewise.floor_divide),
    "__mod__": piecewise.remainder, "__rmod__": _reflected(piecewise.remainder),
    "__getitem__": indexing.getitem,
    "__iter__": lambda self: (indexing.getitem(self, i) for i in range(len(self))),
    # PyTorch-style methods
    # with PyTorch's alpha= and rounding_mode= (the operators call the primitives directly)
    "add": arithmetic_options.add, "sub": arithmetic_options.subtract, "mul": _e.multiply,
    "div": arithmetic_options.divide, "pow": _e.pow,
    "neg": _e.negative, "exp": exponential.exp, "expm1": exponential.expm1,
    "log": exponential.log, "log1p": exponential.log1p,
    "sin": _e.sin, "cos": _e.cos, "tanh": _e.tanh, "sqrt": _e.sqrt, "abs": _e.abs,
    "sign": _e.sign, "isnan": comparison.isnan, "isfinite": comparison.isfinite,
    "sum": _reduce(reductions.sum), "mean": _reduce(reductions.mean),
    "all": _reduce(reductions.all), "any": _reduce(reductions.any),
    "norm": norms.norm, "matmul": linalg.matmul, "dot": linalg.dot,
    "reshape": _view, "view": _view, "flatten": manipulation.flatten,
    "permute": manipulation.permute_dims, "transpose": manipulation.transpose,
    "t": lambda self: manipulation.transpose(self, 0, 1, node="TBackward0")
    if self.ndim == 2 else self,
    "unsqueeze": lambda self, dim: manipulation.expand_dims(self, axis=dim),
    "relu": nn.relu, "sigmoid": nn.sigmoid,
    "astype": datatypes.astype, "to": _to,
    "cpu": lambda self: transfer.to_device(self, "cpu"),
    "cuda": lambda self, device=None: transfer.to_device(
        self, "cuda" if device is None else f"cuda:{device}"),
    "to_device": lambda self, device, /, *, stream=None: transfer.to_device(self, device),
    "float": _cast("float32"), "double": _cast("float64"), "half": _cast("float16"),
    "long": _cast("int64"), "int": _cast("int32"), "bool": _cast("bool"),
    # properties
    "T": property(lambda self: manipulation.permute_dims(self, tuple(range(self.ndim))[::-1])),
    "mT": property(manipulation.matrix_transpose),
    "mH": property(lambda self: _adjoint(manipulation.matrix_transpose(self))),
    "H": property(_conjugate_transpose),
}


def namespace_methods() -> dict[str, Any]:
    """Methods generated from the namespace: every function an ``ops`` module exports
    (its ``__all__``) except its ``NOT_METHODS``, then the module's own ``METHODS``
    (PyTorch-flavoured spellings such as ``x.max(dim=1)``). Modules are visited in
    name order, so the result does not depend on import order."""
    from . import ops

    methods: dict[str, Any] = {}
    for info in sorted(pkgutil.iter_modules(ops.__path__), key=lambda info: info.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{ops.__name__}.{info.name}")
        skip = set(getattr(module, "NOT_METHODS", ()))
        for name in getattr(module, "__all__", ()):
            if name not in skip:
                methods[name] = getattr(module, name)
        methods.update(getattr(module, "METHODS", {}))
    return methods


def _backward(self: Tensor, gradient: Any = None, retain_graph: bool | None = None,
              create_graph: bool = False, inputs: Any = None) -> None:
    """Accumulate the gradient of this tensor into the leaves' ``.grad``.

    ``gradient`` is the vector of the vector-Jacobian product; it may be left out for
    a single-element tensor.

    >>> import autodiff as ad
    >>> x = ad.tensor(3.0, requires_grad=True)
    >>> (x * x).backward(); x.grad
    tensor(6.)
    """
    autograd.backward(self, gradient, retain_graph, create_graph, inputs=inputs)


_backward.__name__ = _backward.__qualname__ = "backward"


def bound_methods() -> dict[str, Any]:
    """Every method ``assemble`` binds onto Tensor, by name."""
    return {**namespace_methods(), **METHODS, "backward": _backward}


def assemble(namespace: ModuleType) -> None:
    """Attach every method, and make ``namespace`` (the ``autodiff`` module) what the
    derivative rules compute with on tensors."""
    for name, method in bound_methods().items():
        setattr(Tensor, name, method)
    _rules.set_tensor_namespace(namespace)
    Tensor.__hash__ = object.__hash__  # type: ignore[method-assign,assignment]
    Module.compile = compile_in_place
