"""Random straight-line programs for tests/test_random_programs.py.

A program is a list of statements, each written twice: once against ``ad`` (autodiff,
what runs and what the repr shows, so a failing example prints as code to paste) and
once against numpy (the independent oracle the finite differences run on). Statements
are drawn one at a time while the numpy values are at hand, so every op's domain is
kept safe and away from kinks (``abs`` at 0, ties in ``max``, ``where``'s switch).

In-place writes follow PyTorch's rules as the generator models them: a write never
touches an input or anything a node saved (what each op saves is PyTorch's choice, noted
per op: its inputs, its output, both or neither), so the program is always legal in
PyTorch and its gradient is the derivative of the numpy function. Without ``views``, a
write goes only to a tensor no view has been taken of; with ``views``, writes go
through views and to bases with live views too (never through ``reshape``, whose
aliasing depends on the layout).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import permutations
from typing import Any

import numpy as np
from hypothesis import strategies as st

#: kinks and switches stay this far from the values they compare
MARGIN = 0.02
#: a statement whose values would grow past this is not taken
LIMIT = 1e3

Draw = Callable[[st.SearchStrategy[Any]], Any]


def weights(shape: tuple[int, ...], k: int) -> np.ndarray:
    """The fixed cotangent the loss pairs with slot ``k``: ``cos(0.7 * i + k)``."""
    return np.cos(0.7 * np.arange(int(np.prod(shape)), dtype=np.float64) + k).reshape(shape)


def softmax_np(a: np.ndarray, axis: int, log: bool = False) -> np.ndarray:
    """numpy's softmax (or log_softmax) along ``axis``, for the oracle."""
    shifted = a - np.max(a, axis=axis, keepdims=True)
    lse = np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))
    return shifted - lse if log else np.exp(shifted - lse)


@dataclass
class Stmt:
    """One statement: its autodiff and numpy code, what it reads, makes and writes."""

    code: str
    np_code: str
    out: str | None = None
    target: str | None = None           # the tensor an in-place statement writes
    reads: tuple[str, ...] = ()
    saves: str = "all"                  # what PyTorch keeps: none, inputs, output or all
    view_of: str | None = None          # the output shares this input's memory
    layout_dependent: bool = False      # may or may not share it (reshape)


@dataclass
class Program:
    """Inputs (float64 arrays) and the statements that end in ``loss``."""

    inputs: list[np.ndarray]
    stmts: list[Stmt]
    loss: tuple[str, str]               # autodiff and numpy code of the loss line
    hvp: bool = False
    views: bool = False

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))  # hypothesis prints failing examples this way

    def code(self, which: int = 0) -> str:
        body = [s.np_code if which else s.code for s in self.stmts]
        return "\n".join([*body, self.loss[which]])

    def __repr__(self) -> str:
        lines = [f"x{i} = ad.tensor({a.tolist()!r}, dtype=ad.float64, requires_grad=True)"
                 for i, a in enumerate(self.inputs)]
        header = (f"# Program(views={self.views}, hvp={self.hvp}); "
                  "w(shape, k) = ad.asarray(cos(0.7 * arange(prod(shape)) + k).reshape(shape))")
        return "\n".join(["", header, *lines, self.code(0), ""])


@dataclass
class State:
    """The numpy values while a program is drawn, with who aliases and who is saved."""

    views: bool
    env: dict[str, Any] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)
    inputs: set[str] = field(default_factory=set)
    group: dict[str, int] = field(default_factory=dict)
    frozen: set[int] = field(default_factory=set)  # groups nothing may write
    saved: set[str] = field(default_factory=set)

    def value(self, name: str) -> np.ndarray:
        return self.env[name]

    def fresh(self) -> str:
        return f"v{len(self.names)}"

    def members(self, name: str) -> list[str]:
        return [n for n in self.names if self.group[n] == self.group[name]]

    def writable(self) -> list[str]:
        result = []
        for name in self.names:
            members = self.members(name)
            if (self.group[name] in self.frozen or any(m in self.inputs for m in members)
                    or any(m in self.saved for m in members)
                    or (not self.views and len(members) > 1)):
                continue
            result.append(name)
        return result

    def commit(self, stmt: Stmt) -> bool:
        """Run the numpy statement; False (and nothing kept) if its result is unsafe."""
        exec(stmt.np_code, self.env)
        if stmt.out is not None:
            out = np.asarray(self.env[stmt.out])
            if out.size == 0 or not np.all(np.abs(out) < LIMIT):
                del self.env[stmt.out]
                return False
            self.names.append(stmt.out)
            if stmt.view_of is not None:
                self.group[stmt.out] = self.group[stmt.view_of]
                if stmt.layout_dependent:
                    self.frozen.add(self.group[stmt.out])
            else:
                self.group[stmt.out] = len(self.group)
        written = stmt.out if stmt.out is not None else stmt.target
        if stmt.saves in ("inputs", "all"):
            self.saved.update(stmt.reads)
        if stmt.saves in ("output", "all") and written is not None:
            self.saved.add(written)
        return True


def broadcast(*shapes: tuple[int, ...]) -> tuple[int, ...] | None:
    try:
        return tuple(np.broadcast_shapes(*shapes))
    except ValueError:
        return None


def _pick(d: Draw, items: list[Any]) -> Any:
    # the newest first: programs chain their values, and shrink towards that
    return d(st.sampled_from(items[::-1])) if items else None


def _away(values: np.ndarray, *points: float) -> bool:
    return all(bool(np.all(np.abs(values - p) > MARGIN)) for p in points)


def _expr(s: State, template: str, args: tuple[str, ...], np_template: str | None = None,
          saves: str = "all", view: bool = False, layout_dependent: bool = False) -> Stmt:
    out = s.fresh()
    np_template = np_template if np_template is not None else template.replace("ad.", "np.")
    np_code = f"{out} = np.asarray(" + np_template.format(*args) + ")"
    return Stmt(f"{out} = " + template.format(*args), np_code,
                out=out, reads=args, saves=saves, view_of=args[0] if view else None,
                layout_dependent=layout_dependent)


#: template -> what PyTorch saves of the statement's inputs and output
UNARY = {"ad.exp(ad.tanh({0}))": "output", "ad.log({0} * {0} + 1.0)": "inputs",
         "ad.sqrt({0} * {0} + 0.5)": "all", "ad.tanh({0})": "output", "ad.sin({0})": "inputs",
         "ad.cos({0})": "inputs", "ad.square({0})": "inputs", "-{0}": "none",
         "1.0 / ({0} * {0} + 1.0)": "inputs", "ad.pow({0} * {0} + 1.0, 1.5)": "inputs",
         "ad.log1p({0} * {0})": "inputs", "ad.expm1(ad.sin({0}))": "all"}
# divide saves its inputs, as PyTorch's does: a write to a quotient is legal
BINARY = {"ad.add({0}, {1})": "none", "ad.subtract({0}, {1})": "none",
          "ad.multiply({0}, {1})": "inputs", "{0} / ({1} * {1} + 1.0)": "inputs",
          "ad.logaddexp({0}, {1})": "inputs"}


def op_unary(d: Draw, s: State) -> Stmt | None:
    template = d(st.sampled_from(list(UNARY)))
    return _expr(s, template, (_pick(d, s.names),), saves=UNARY[template])


def op_kinked(d: Draw, s: State) -> Stmt | None:
    a = _pick(d, s.names)
    kind = d(st.sampled_from(["abs", "clip"]))
    if kind == "abs":
        return _expr(s, "ad.abs({0})", (a,), saves="inputs") if _away(s.value(a), 0) else None
    ok = _away(s.value(a), -0.5, 0.5)
    return _expr(s, "ad.clip({0}, -0.5, 0.5)", (a,), saves="inputs") if ok else None


def _pair(d: Draw, s: State) -> tuple[str, str] | None:
    pairs = [(a, b) for a in s.names for b in s.names
             if broadcast(s.value(a).shape, s.value(b).shape) is not None]
    return _pick(d, pairs)


def op_binary(d: Draw, s: State) -> Stmt | None:
    pair = _pair(d, s)
    if pair is None:
        return None
    kind = d(st.sampled_from([*BINARY, "maximum", "where", "atan2"]))
    saves = BINARY.get(kind, "inputs")
    a, b = pair
    va, vb = s.value(a), s.value(b)
    if kind == "maximum":
        return _expr(s, "ad.maximum({0}, {1})", pair, saves=saves) if _away(va - vb, 0.0) \
            else None
    if kind == "atan2":
        # away from the origin and from the branch cut (a = 0, b < 0)
        ok = np.all((va**2 + vb**2 > 0.1) & ((np.abs(va) > MARGIN) | (vb > MARGIN)))
        return _expr(s, "ad.atan2({0}, {1})", pair, saves=saves) if ok else None
    if kind == "where":
        c = _pick(d, [n for n in s.names if broadcast(s.value(n).shape, va.shape, vb.shape)])
        if c is None or not _away(s.value(c), 0.0):
            return None
        return _expr(s, "ad.where({2} > 0, {0}, {1})", (a, b, c), saves="none")
    return _expr(s, kind, pair, saves=saves)


def _axis(d: Draw, ndim: int) -> Any:
    choices: list[Any] = [None, *range(ndim), *range(-ndim, 0)]
    if ndim >= 2:
        choices.append((0, ndim - 1))
    return d(st.sampled_from(choices))


def op_reduce(d: Draw, s: State) -> Stmt | None:
    a = _pick(d, s.names)
    va = s.value(a)
    axis, keep = _axis(d, va.ndim), d(st.booleans())
    kind = d(st.sampled_from(["sum", "mean", "max", "min", "prod", "var", "std"]))
    if kind in ("max", "min"):
        if isinstance(axis, tuple):
            return None
        ordered = np.sort(va.reshape(-1, 1) if axis is None else np.moveaxis(va, axis, 0), axis=0)
        if len(ordered) > 1:
            gap = ordered[-1] - ordered[-2] if kind == "max" else ordered[1] - ordered[0]
            if not np.all(gap > MARGIN):
                return None
    if kind == "std" and not np.all(np.var(va, axis=axis) > 0.05):
        return None
    return _expr(s, f"ad.{kind}({{0}}, axis={axis!r}, keepdims={keep})", (a,),
                 saves={"sum": "none", "mean": "none", "var": "inputs"}.get(kind, "all"))


def op_matmul(d: Draw, s: State) -> Stmt | None:
    def fits(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
        if not a or not b or a[-1] != (b[-2] if len(b) > 1 else b[0]):
            return False
        return len(a) < 3 or len(b) < 3 or broadcast(a[:-2], b[:-2]) is not None
    pairs = [(a, b) for a in s.names for b in s.names
             if fits(s.value(a).shape, s.value(b).shape)]
    if pairs and d(st.booleans()):
        return _expr(s, "ad.matmul({0}, {1})", _pick(d, pairs), saves="inputs")
    a = _pick(d, [n for n in s.names if s.value(n).ndim >= 2])
    return _expr(s, "ad.matmul({0}, ad.matrix_transpose({0}))", (a,), saves="inputs") \
        if a else None


def _source(d: Draw, s: State) -> str:
    """What a view is taken of: with views, often a tensor that may be written later."""
    writable = [n for n in s.writable() if s.value(n).ndim] if s.views else []
    return _pick(d, writable) if writable and d(st.booleans()) else _pick(d, s.names)


def op_shape(d: Draw, s: State) -> Stmt | None:
    a = _source(d, s)
    shape = s.value(a).shape
    kind = d(st.sampled_from(["reshape", "permute", "mT", "T", "expand", "squeeze", "unbind"]))
    if kind == "reshape":
        new = d(st.sampled_from([(-1,), shape[::-1], (1, *shape), (*shape, 1)]))
        return _expr(s, f"ad.reshape({{0}}, {new!r})", (a,), saves="none", view=True,
                     layout_dependent=True)
    if kind == "permute" and len(shape) >= 2:
        axes = d(st.sampled_from(list(permutations(range(len(shape))))))
        return _expr(s, f"ad.permute_dims({{0}}, {axes!r})", (a,), saves="none", view=True)
    if kind == "mT" and len(shape) >= 2:
        template = d(st.sampled_from(["{0}.mT", "ad.matrix_transpose({0})"]))
        return _expr(s, template, (a,), "{0}.mT", saves="none", view=True)
    if kind == "T" and len(shape) == 2:
        return _expr(s, "{0}.T", (a,), saves="none", view=True)
    if kind == "expand":
        axis = d(st.integers(0, len(shape)))
        return _expr(s, f"ad.expand_dims({{0}}, axis={axis})", (a,), saves="none", view=True)
    if kind == "squeeze" and 1 in shape:
        axis = shape.index(1)
        return _expr(s, f"ad.squeeze({{0}}, axis={axis})", (a,), saves="none", view=True)
    if kind == "unbind" and shape:
        axis = d(st.integers(0, len(shape) - 1))
        i = d(st.integers(0, shape[axis] - 1))
        return _expr(s, f"ad.unbind({{0}}, axis={axis})[{i}]", (a,),
                     f"np.moveaxis({{0}}, {axis}, 0)[{i}, ...]", saves="none", view=True)
    return None


def _basic_index(d: Draw, shape: tuple[int, ...]) -> str:
    parts = []
    for n in shape[:d(st.integers(1, max(len(shape), 1)))] if shape else []:
        choices = [":", f"{n - 1}", "::2"] + (["1:", f":{n - 1}"] if n > 1 else [])
        parts.append(d(st.sampled_from(choices)))
    return ", ".join(parts) if parts else "..."


def _array_index(d: Draw, shape: tuple[int, ...], unique: bool) -> str:
    axis = d(st.integers(0, len(shape) - 1))
    n = shape[axis]
    idx = (d(st.permutations(range(n)))[:d(st.integers(1, n))] if unique else
           d(st.lists(st.integers(0, n - 1), min_size=1, max_size=4)))
    return ", ".join([":"] * axis + [repr(list(idx))])


def op_index(d: Draw, s: State) -> Stmt | None:
    a = _source(d, s)
    a = a if s.value(a).ndim else _pick(d, [n for n in s.names if s.value(n).ndim])
    if a is None:
        return None
    shape = s.value(a).shape
    if d(st.booleans()):
        index = _basic_index(d, shape)
        # numpy gives a scalar, not a 0-d view, for a full integer index without ``...``
        return _expr(s, f"{{0}}[{index}]", (a,), f"{{0}}[{index}, ...]", saves="none",
                     view=True)
    return _expr(s, f"{{0}}[{_array_index(d, shape, unique=False)}]", (a,), saves="none")


def op_join(d: Draw, s: State) -> Stmt | None:
    a = _pick(d, [n for n in s.names if s.value(n).ndim])
    if a is None:
        return None
    shape = s.value(a).shape
    if d(st.booleans()):
        same = [n for n in s.names if s.value(n).shape == shape]
        axis = d(st.integers(-len(shape) - 1, len(shape)))
        return _expr(s, f"ad.stack([{{0}}, {{1}}], axis={axis})", (a, _pick(d, same)),
                     saves="none")
    axis = d(st.integers(0, len(shape) - 1))
    fit = [n for n in s.names if s.value(n).ndim == len(shape)
           and all(m == k for i, (m, k) in enumerate(zip(s.value(n).shape, shape, strict=True))
                   if i != axis)]
    return _expr(s, f"ad.concat([{{0}}, {{1}}], axis={axis})", (a, _pick(d, fit)),
                 saves="none")


def op_softmax(d: Draw, s: State) -> Stmt | None:
    a = _pick(d, [n for n in s.names if s.value(n).ndim])
    if a is None:
        return None
    axis, log = d(st.integers(0, s.value(a).ndim - 1)), d(st.booleans())
    name = "log_softmax" if log else "softmax"
    return _expr(s, f"F.{name}({{0}}, dim={axis})", (a,), f"softmax_np({{0}}, {axis}, {log})",
                 saves="output")


def op_inplace(d: Draw, s: State) -> Stmt | None:
    targets = s.writable()
    # with views, prefer a tensor that shares memory: the write must reach the others
    t = _pick(d, [n for n in targets if len(s.members(n)) > 1] or targets)
    if t is None:
        return None
    vt = s.value(t)
    others = [n for n in s.names if s.group[n] != s.group[t]]
    kind = d(st.sampled_from(["mul_ const", "add_", "sub_", "mul_", "setitem"]))
    if kind == "mul_ const":
        c = d(st.sampled_from([2.0, -0.5, 1.5]))
        return Stmt(f"{t}.mul_({c})", f"{t} *= {c}", target=t, saves="none")
    if kind == "setitem" and vt.ndim:
        # Excluded: an integer-array index (``t[[0, 2]] = b``) on array_api_strict raises
        # "setitem: ... Fancy indexing __setitem__ is not supported" (PyTorch writes):
        #   y = x * 1; y[[0]] = x[1:2]   with x on array_api_strict
        # Until that is fixed, writes take a basic index only (reads take both).
        index = _basic_index(d, vt.shape)
        region = eval(f"vt[{index}]").shape
        fit = [n for n in others if broadcast(s.value(n).shape, region) == region]
        b = _pick(d, fit)
        if b is None:
            return None
        return Stmt(f"{t}[{index}] = {b}", f"{t}[{index}] = {b}", target=t, reads=(b,),
                    saves="none")
    fit = [n for n in others if broadcast(s.value(n).shape, vt.shape) == vt.shape]
    b = _pick(d, fit)
    if b is None or kind == "setitem":
        return None
    if kind == "mul_" and not np.all(np.abs(vt * s.value(b)) < LIMIT):
        return None
    sign = {"add_": "+", "sub_": "-", "mul_": "*"}[kind]
    return Stmt(f"{t}.{kind}({b})", f"{t} {sign}= {b}", target=t, reads=(b,),
                saves="all" if kind == "mul_" else "none")


OPS = [op_unary, op_unary, op_binary, op_binary, op_kinked, op_reduce, op_matmul, op_shape,
       op_index, op_join, op_softmax, op_inplace, op_inplace]
