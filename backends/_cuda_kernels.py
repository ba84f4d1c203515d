"""CUDA C for ``autodiff.compile``'s fused elementwise runs (``fuse_elementwise``).

Each step of a run is an expression tree over slot names and named values; this
module writes it as one statement of an elementwise kernel's body, in one type ``T``
(float or double), or declines. What it writes is what each step's unfused kernel
computes, operation by operation:

* ``+ - * /`` on two values of type T (and the in-place operators ``operator.iadd``
  and its kin, which compute the same), unary minus;
* a Python number as ``(T)`` of its literal: the same rounding numpy and cupy apply
  to a Python scalar beside a float array;
* ``xp.sin(x)`` and the other functions of ``MATH``, only where what the step calls
  is the very ufunc ``ufuncs`` lists under that name (cupy's, whose kernels are the
  CUDA math function of the same name).

Parentheses keep each operation's operands, and the kernel is compiled without fused
multiply-add (``--fmad=false``), so no two roundings become one. ``autodiff.compile``
also compares each kernel's results on the traced arrays with eager's, bit for bit,
before it uses the kernel.

Importing this module imports no GPU library; ``kernel_source`` is plain text work.
"""

from __future__ import annotations

import ast
import math
import operator
from typing import Any

#: the math functions a step may call, by their array API name: the CUDA function of
#: the same name is what cupy's ufunc computes for float and double
MATH = ("sin", "cos", "tan", "sinh", "cosh", "tanh", "exp", "expm1", "log", "log1p", "sqrt")
_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_OPERATORS = {operator.add: "+", operator.sub: "-", operator.mul: "*",
              operator.truediv: "/", operator.iadd: "+", operator.isub: "-",
              operator.imul: "*", operator.itruediv: "/"}
#: the C type of each dtype a kernel may have
C_TYPES = {"float32": "float", "float64": "double"}
#: the largest integer a double holds exactly (a larger Python int is declined)
_EXACT_INT = 2 ** 53


def kernel_source(inputs: list[str], steps: list[tuple[str, ast.expr]], outputs: list[str],
                  values: dict[str, Any], ufuncs: dict[str, Any]) -> tuple[str, str, str] | None:
    """``(in_params, out_params, operation)`` of an elementwise kernel computing
    ``steps`` in order, or None where some step has no exact form. ``ufuncs`` maps each
    name of ``MATH`` to the library's own function (an attribute read must be it).

    >>> import ast
    >>> steps = [("v2", ast.parse("v0 * c0_0", mode="eval").body),
    ...          ("v3", ast.parse("v2 + v1", mode="eval").body)]
    >>> kernel_source(["v0", "v1"], steps, ["v3"], {"c0_0": 0.9}, {})
    ('T v0, T v1', 'T v3', 'const T v2 = (v0 * ((T)0.9));\\nv3 = (v2 + v1);')
    """
    known = set(inputs)
    lines = []
    for slot, tree in steps:
        text = _expression(tree, known, values, ufuncs)
        if text is None:
            return None
        lines.append(f"{slot} = {text};" if slot in outputs else f"const T {slot} = {text};")
        known.add(slot)
    return (", ".join(f"T {slot}" for slot in inputs), ", ".join(f"T {slot}" for slot in outputs),
            "\n".join(lines))


def _expression(node: ast.expr, known: set[str], values: dict[str, Any],
                ufuncs: dict[str, Any]) -> str | None:
    """``node`` in C, or None."""
    def of(child: ast.expr) -> str | None:
        return _expression(child, known, values, ufuncs)

    if isinstance(node, ast.Name):
        if node.id in known:
            return node.id
        return _number(values.get(node.id)) if node.id in values else None
    if isinstance(node, ast.Constant):
        return _number(node.value)
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = of(node.left), of(node.right)
        if left is None or right is None:
            return None
        return f"({left} {_BINARY[type(node.op)]} {right})"
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        operand = of(node.operand)
        return None if operand is None else f"(-{operand})"
    if isinstance(node, ast.Call) and not node.keywords and not any(
            isinstance(arg, ast.Starred) for arg in node.args):
        return _call(node, of, values, ufuncs)
    return None


def _call(node: ast.Call, of: Any, values: dict[str, Any], ufuncs: dict[str, Any]) -> str | None:
    """An operator (``operator.imul(a, b)``) or a math ufunc (``xp.sin(x)``) called."""
    args = [of(arg) for arg in node.args]
    callee = _callee(node.func, values)
    if callee is None or any(arg is None for arg in args):
        return None
    symbol = next((symbol for op, symbol in _OPERATORS.items() if op is callee), None)
    if symbol is not None and len(args) == 2:
        return f"({args[0]} {symbol} {args[1]})"
    name = next((name for name, ufunc in ufuncs.items() if ufunc is callee), None)
    if name in MATH and len(args) == 1:
        return f"{name}({args[0]})"
    return None


def _callee(func: ast.expr, values: dict[str, Any]) -> Any:
    """What a call calls: a named value, or an attribute of one (``xp.sin``)."""
    if isinstance(func, ast.Name):
        return values.get(func.id)
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return getattr(values.get(func.value.id), func.attr, None)
    return None


def _number(value: Any) -> str | None:
    """A Python number as a literal of type T, rounded as a scalar beside an array."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, int):
        return f"((T){value})" if abs(value) <= _EXACT_INT else None
    if not math.isfinite(value):
        return None
    return f"((T){value!r})"
