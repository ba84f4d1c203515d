"""Inlining: a call to a small Python function written out as its body's expression.

Most of what a program calls is a one-expression function: an op's forward
(``lambda xp, a, b: a + b``), a rule (``lambda xp, g, ans, _x: g * (1.0 - ans * ans)``).
Calling one costs a Python frame (tens of nanoseconds) around arithmetic on a small
array that costs about as much, so the replay writes the body out in its place,
its parameters replaced by the call's arguments: ``v7 = v3 * (1.0 - v5 * v5)``. The
operations and their order are the function's own, so the bits are too.

A function is inlined only where its body can be read back exactly: a plain function
or lambda whose body is one expression (a docstring aside), with fixed positional
parameters and nothing that opens a scope of its own (a lambda, a comprehension) or
reads the frame (``locals()``, ``super()``). Its source is found by the code object's
file and line and checked by compiling it again: the bytecode must be the very
bytecode the function runs (a file edited since it was imported is not inlined). The
names it reads besides its parameters (a closure's cell, a module global, a builtin)
are bound to the objects they name when the replay is built.
"""

from __future__ import annotations

import ast
import builtins
import copy
import functools
import inspect
import linecache
import types
from collections.abc import Callable
from typing import Any

#: the expression nodes a body may hold: each is evaluated where it stands, reading
#: no frame and opening no scope
_ALLOWED = (ast.Name, ast.Constant, ast.Attribute, ast.Call, ast.keyword, ast.BinOp,
            ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp, ast.Subscript, ast.Slice,
            ast.Tuple, ast.List, ast.Starred, ast.expr_context, ast.operator, ast.unaryop,
            ast.boolop, ast.cmpop)
#: names whose meaning depends on the frame they are read in
_FRAME_NAMES = frozenset(("super", "locals", "vars", "globals", "eval", "exec", "dir",
                          "__class__", "breakpoint"))
_UNSUPPORTED_FLAGS = (inspect.CO_VARARGS | inspect.CO_VARKEYWORDS | inspect.CO_GENERATOR
                      | inspect.CO_COROUTINE | inspect.CO_ASYNC_GENERATOR
                      | inspect.CO_ITERABLE_COROUTINE)


@functools.lru_cache(maxsize=64)
def _module(filename: str, lines: tuple[str, ...]) -> tuple[ast.Module, list[Any]] | None:
    """A source file's tree and every code object compiling it again makes."""
    try:
        tree = ast.parse("".join(lines), filename)
        compiled = compile(tree, filename, "exec", dont_inherit=True)
    except (SyntaxError, ValueError, TypeError):
        return None
    codes, stack = [], [compiled]
    while stack:
        item = stack.pop()
        codes.append(item)
        stack.extend(const for const in item.co_consts if isinstance(const, types.CodeType))
    return tree, codes


def _positions(code: types.CodeType) -> list[tuple[int, int, int, int]]:
    """Where in the source each instruction is; the zero-width ones (the frame's
    setup) are left out."""
    return [position for position in code.co_positions()  # type: ignore[misc]
            if None not in position and (
                position[0] != position[1] or position[2] != position[3])]


def _same(a: types.CodeType, b: types.CodeType) -> bool:
    return all(getattr(a, field) == getattr(b, field) for field in (
        "co_name", "co_firstlineno", "co_code", "co_names", "co_varnames", "co_freevars",
        "co_consts", "co_argcount")) and _positions(a) == _positions(b)


def _node(tree: ast.Module, code: types.CodeType) -> ast.Lambda | ast.FunctionDef | None:
    """The lambda or ``def`` whose source spans every instruction of ``code``."""
    positions = _positions(code)
    if not positions:
        return None
    first = min((line, column) for line, _, column, _ in positions)
    last = max((line, column) for _, line, _, column in positions)
    found = [node for node in ast.walk(tree)
             if isinstance(node, (ast.Lambda, ast.FunctionDef))
             and (code.co_name == "<lambda>") == isinstance(node, ast.Lambda)
             and (node.lineno, node.col_offset) <= first
             and last <= (node.end_lineno or 0, node.end_col_offset or 0)]
    # the innermost: a lambda inside another function's span is that lambda
    return min(found, key=lambda node: (node.end_lineno or 0, node.end_col_offset or 0)
               ) if found else None


def _body(node: ast.Lambda | ast.FunctionDef) -> ast.expr | None:
    """The one expression the function returns, or None where it does more."""
    if isinstance(node, ast.Lambda):
        return node.body
    statements = node.body
    if (statements and isinstance(statements[0], ast.Expr)
            and isinstance(statements[0].value, ast.Constant)
            and isinstance(statements[0].value.value, str)):
        statements = statements[1:]  # the docstring
    if len(statements) != 1 or not isinstance(statements[0], ast.Return):
        return None
    return statements[0].value


@functools.lru_cache(maxsize=4096)
def template(code: types.CodeType) -> tuple[tuple[str, ...], ast.expr, tuple[str, ...]] | None:
    """``code``'s parameters, its body's expression and the other names the body reads;
    None where it cannot be inlined (see the module)."""
    if code.co_flags & _UNSUPPORTED_FLAGS or code.co_kwonlyargcount or code.co_posonlyargcount:
        return None
    lines = linecache.getlines(code.co_filename)
    module = _module(code.co_filename, tuple(lines)) if lines else None
    # the source must compile to the very code the function runs: a file edited since
    # it was imported, say, does not
    if module is None or not any(_same(code, other) for other in module[1]):
        return None
    node = _node(module[0], code)
    if node is None or [arg.arg for arg in node.args.args] != list(
            code.co_varnames[:code.co_argcount]):
        return None
    body = _body(node)
    if body is None or not all(isinstance(item, _ALLOWED) for item in ast.walk(body)):
        return None
    params = tuple(code.co_varnames[:code.co_argcount])
    reads = tuple(sorted({item.id for item in ast.walk(body) if isinstance(item, ast.Name)}
                         - set(params)))
    if any(name in _FRAME_NAMES for name in reads):
        return None
    return params, body, reads


def _lookup(fn: types.FunctionType, name: str) -> tuple[bool, Any]:
    """What ``name`` means inside ``fn``: a cell's contents, a global or a builtin."""
    code = fn.__code__
    if name in code.co_freevars:
        try:
            return True, fn.__closure__[code.co_freevars.index(name)].cell_contents  # type: ignore[index]
        except ValueError:  # an empty cell
            return False, None
    if name in fn.__globals__:
        return True, fn.__globals__[name]
    namespace = fn.__globals__.get("__builtins__", builtins)
    namespace = namespace if isinstance(namespace, dict) else vars(namespace)
    return (True, namespace[name]) if name in namespace else (False, None)


def bind(fn: Any, parts: list[str], params: dict[str, Any] | None,
         name: Callable[[Any], str]) -> ast.expr | None:
    """``fn``'s body as an expression tree with its parameters replaced by ``parts``
    (expressions: slot names, constants' names) and ``params``, and every other name
    it reads by the name ``name`` gives the object it stands for (a cell's contents, a
    global, a builtin, a default). None where ``fn`` is not inlined (see the module)."""
    if isinstance(fn, types.MethodType):
        parts = [name(fn.__self__), *parts]
        fn = fn.__func__
    if type(fn) is not types.FunctionType:
        return None
    found = template(fn.__code__)
    if found is None:
        return None
    names, body, reads = found
    if len(parts) > len(names):
        return None
    bound = dict(zip(names, parts, strict=False))  # the rest: by name or default
    for key, value in (params or {}).items():
        if key not in names or key in bound:
            return None
        bound[key] = name(value)
    defaults = fn.__defaults__ or ()
    for index, param in enumerate(names):
        if param not in bound:
            at = index - (len(names) - len(defaults))
            if at < 0:
                return None
            bound[param] = name(defaults[at])
    for read in reads:
        known, value = _lookup(fn, read)
        if not known:
            return None
        bound[read] = name(value)
    replacement = {key: ast.parse(text, mode="eval").body for key, text in bound.items()}

    class Substitute(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.expr:
            return copy.deepcopy(replacement[node.id])

    tree: ast.expr = Substitute().visit(copy.deepcopy(body))
    return tree


def inline(fn: Any, parts: list[str], params: dict[str, Any] | None,
           name: Callable[[Any], str]) -> str | None:
    """The expression ``fn(*parts, **params)`` evaluates to, with ``fn``'s body written
    out (``bind``, as source). None where ``fn`` is not inlined.

    >>> import numpy as np
    >>> names = {}
    >>> def name(value):
    ...     names[f"K{len(names)}"] = value
    ...     return f"K{len(names) - 1}"
    >>> inline(lambda xp, g, ans: g * (1.0 - ans * ans), ["K9", "v3", "v5"], None, name)
    'v3 * (1.0 - v5 * v5)'
    >>> inline(lambda xp, x: xp.cos(x), ["np", "v1"], None, name)
    'np.cos(v1)'
    """
    tree = bind(fn, parts, params, name)
    return None if tree is None else ast.unparse(tree)
