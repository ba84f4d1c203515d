"""PyTorch's own op database as an oracle for autodiff (``nox -s torch_oracle``).

Walks ``torch.testing._internal.common_methods_invocations.op_db``, maps each OpInfo entry to
its autodiff counterpart, draws the entry's sample inputs in float64 and float32, runs them
through both libraries and compares forward values, output dtypes and structure, and the
gradients of a weighted sum of the outputs (a fixed random cotangent) with respect to every
input that requires one. Prints a per-op table and a last line with the counts.

    python tools/torch_oracle.py [--ops a,b,c] [--backend numpy|array_api_strict]
                                 [--json out.json] [--max-samples N] [--quiet]

torch is never a dependency of autodiff: only this script imports it. Known deviations are
listed in ``tests/xfails/torch_oracle.txt`` (``name[/variant][#sample][@backend]  reason``)
and counted apart from the failures.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import math
import re
import signal
import sys
import time
import types
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
XFAILS = ROOT / "tests" / "xfails" / "torch_oracle.txt"

# forward and gradient tolerances per dtype: float32 is loose because the two libraries
# reach a value by different roads (pairwise vs BLAS sums, different decompositions)
TOLERANCES = {"float64": (1e-7, 1e-7), "float32": (1e-4, 1e-5),
              "complex128": (1e-7, 1e-7), "complex64": (1e-4, 1e-5)}
GRAD_TOLERANCES = {"float64": (1e-6, 1e-6), "float32": (1e-3, 1e-4),
                   "complex128": (1e-6, 1e-6), "complex64": (1e-3, 1e-4)}

# Array API names whose meaning in ``autodiff`` differs from PyTorch's: without
# ``autodiff.torch`` the Tensor method (which follows PyTorch) is the counterpart
CONFLICTS = {"max", "min", "std", "var", "std_mean", "var_mean", "sort", "where", "nonzero",
             "equal", "unique"}
# random draws and uninitialized memory: only structure, shapes and dtypes are compared
NONDETERMINISTIC = {"empty", "empty_like", "new_empty", "new_empty_strided", "empty_strided",
                    "empty_permuted", "rand", "randn", "randint", "rand_like", "randn_like",
                    "randint_like", "bernoulli", "normal", "multinomial", "uniform", "exponential",
                    "geometric", "cauchy", "log_normal", "randperm", "nn.functional.dropout",
                    "nn.functional.dropout2d", "nn.functional.dropout3d",
                    "nn.functional.alpha_dropout", "nn.functional.feature_alpha_dropout",
                    "nn.functional.rrelu"}
# torch layers a sample passes as a callable: autodiff's function and its keywords' sources
MODULE_FUNCTIONS = {"PairwiseDistance": ("pairwise_distance",
                                         {"p": "norm", "eps": "eps", "keepdim": "keepdim"}),
                    "CosineSimilarity": ("cosine_similarity", {"dim": "dim", "eps": "eps"})}
# ops that draw only when a keyword asks for it (attention's dropout): such samples are
# random, the others are compared in full
RANDOM_WHEN = {"nn.functional.scaled_dot_product_attention": ("dropout_p", 0.0)}


def _random_sample(op: Any, sample: Any) -> bool:
    if op.name in NONDETERMINISTIC:
        return True
    if op.name == "nn.functional.multi_head_attention_forward":  # dropout_p is positional
        return bool(sample.kwargs.get("training", True)) and sample.args[9] > 0
    key, off = RANDOM_WHEN.get(op.name, (None, None))
    return key is not None and sample.kwargs.get(key, off) != off
# outputs defined up to a sign or phase (singular and eigen vectors): when the raw outputs
# differ, the values OpInfo's own gradient check reads (output_process_fn_grad) are compared
GAUGE = {"linalg.svd", "svd", "linalg.eig", "linalg.eigh", "linalg.svd_lowrank", "svd_lowrank",
         "pca_lowrank", "linalg.householder_product"}
PROPERTIES = {"T", "H", "mT", "mH", "real", "imag"}
PREFIXES = {"nn.functional.": "nn.functional", "linalg.": "linalg", "fft.": "fft",
            "special.": "special"}
SAMPLE_TIMEOUT_S = 10.0


class SampleTimeout(Exception):
    pass


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Interrupt a sample that runs past ``seconds`` (SIGALRM; a no-op where it is missing)."""
    if not hasattr(signal, "setitimer"):
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        raise SampleTimeout(f"timed out after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --------------------------------------------------------------------------- mapping


def _resolve(module: Any, dotted: str) -> Any:
    obj = module
    for part in dotted.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def _method(name: str) -> Callable[..., Any]:
    def call(x: Any, *args: Any, **kwargs: Any) -> Any:
        return getattr(x, name)(*args, **kwargs)
    call.__qualname__ = f"Tensor.{name}"
    return call


def _property(name: str) -> Callable[..., Any]:
    def call(x: Any) -> Any:
        return getattr(x, name)
    call.__qualname__ = f"Tensor.{name}"
    return call


def _inplace(name: str) -> Callable[..., Any]:
    # an in-place entry runs on a clone, as OpInfo's own in-place tests do: a leaf that
    # requires grad refuses in-place writes in both libraries
    def call(x: Any, *args: Any, **kwargs: Any) -> Any:
        if hasattr(x, "clone"):
            x = x.clone()
        else:   # a differentiable copy where Tensor.clone is missing
            x = x.detach() if x.dtype.name == "bool" else x * 1
        return getattr(x, name)(*args, **kwargs)
    call.__qualname__ = f"Tensor.{name}"
    return call


def counterpart(op: Any, ad: Any) -> tuple[Callable[..., Any] | None, str]:
    """The autodiff callable for an OpInfo entry, and how it was found (for the table).

    Where the entry's op is a lambda (one that reorders arguments, as ``where``'s and
    ``einsum``'s do, or picks outputs), that lambda itself runs, with its ``torch``
    standing for ``autodiff.torch`` (or a stand-in that looks names up the same way)."""
    fn, target = _by_name(op.name, op.method_variant is not None, ad)
    code = getattr(op.op, "__code__", None)
    if fn is not None and code is not None and op.op.__name__ == "<lambda>":
        shim = _optional("autodiff.torch") or TorchShim(ad)
        rebound = types.FunctionType(code, {**op.op.__globals__, "torch": shim},
                                     "<lambda>", op.op.__defaults__, op.op.__closure__)
        return rebound, f"{target} (OpInfo's lambda)"
    return fn, target


class TorchShim:
    """``torch`` inside an OpInfo lambda, where ``autodiff.torch`` is missing: each name
    resolves as ``counterpart`` resolves an entry's name."""

    def __init__(self, ad: Any, path: str = "") -> None:
        self._ad, self._path = ad, path

    def __getattr__(self, name: str) -> Any:
        full = f"{self._path}.{name}" if self._path else name
        if full in ("nn", "nn.functional", "linalg", "fft", "special"):
            return TorchShim(self._ad, full)
        if full == "Tensor":
            return self._ad.Tensor
        if not self._path and isinstance(getattr(self._ad, name, None), self._ad.DType):
            return getattr(self._ad, name)
        fn, _ = _by_name(full, True, self._ad)
        if fn is None:
            raise AttributeError(f"autodiff has no counterpart of torch.{full}")
        return fn


def _by_name(name: str, has_method_variant: bool, ad: Any
             ) -> tuple[Callable[..., Any] | None, str]:
    from autodiff import Tensor

    adt = _optional("autodiff.torch")
    if name in PROPERTIES:
        return (_property(name), f"Tensor.{name}") if hasattr(Tensor, name) else (None, "")
    if name.startswith("__") and name.endswith("__"):
        # __radd__ and friends: the operator on the first argument
        return (_method(name), f"Tensor.{name}") if hasattr(Tensor, name) else (None, "")
    if name.endswith("_") and not name.startswith("_"):
        return (_inplace(name), f"Tensor.{name}") if hasattr(Tensor, name) else (None, "")
    if adt is not None:
        fn = _resolve(adt, name)
        if callable(fn):
            return fn, f"autodiff.torch.{name}"
    for prefix, module in PREFIXES.items():
        if name.startswith(prefix):
            mod = _optional(f"autodiff.{module}")
            fn = None if mod is None else _resolve(mod, name[len(prefix):])
            return (fn, f"autodiff.{module}.{name[len(prefix):]}") if callable(fn) else (None, "")
    if "." in name or name.startswith("_"):
        return None, ""
    has_method = has_method_variant and hasattr(Tensor, name)
    if adt is None and name in CONFLICTS:
        # autodiff.<name> means something else (the Array API's meaning)
        return (_method(name), f"Tensor.{name}") if has_method else (None, "")
    fn = getattr(ad, name, None)
    if callable(fn) and not isinstance(fn, type):
        return fn, f"autodiff.{name}"
    if has_method or (hasattr(Tensor, name) and callable(getattr(Tensor, name))):
        return _method(name), f"Tensor.{name}"
    return None, ""


def _optional(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


# --------------------------------------------------------------------------- conversion


class Converter:
    """torch objects to autodiff ones, the same torch tensor always to the same autodiff
    tensor (a sample may pass one tensor twice, and its gradient then accumulates)."""

    def __init__(self, ad: Any, torch: Any, backend: str) -> None:
        self.ad, self.torch, self.backend = ad, torch, backend
        self.memo: dict[int, Any] = {}
        self.pairs: list[tuple[Any, Any]] = []   # (torch, autodiff) of inputs needing a grad

    def __call__(self, obj: Any) -> Any:
        torch, ad = self.torch, self.ad
        if isinstance(obj, torch.Tensor):
            if id(obj) in self.memo:
                return self.memo[id(obj)]
            # force=True: also a ZeroTensor (an efficient zero, e.g. sgn's sample)
            array = obj.detach().numpy(force=True).copy()
            if obj.ndim == 0:
                array = np.asarray(array)
            t = ad.tensor(array, backend=self.backend, requires_grad=bool(obj.requires_grad))
            self.memo[id(obj)] = t
            if obj.requires_grad:
                self.pairs.append((obj, t))
            return t
        if isinstance(obj, torch.dtype):
            return getattr(ad, str(obj).removeprefix("torch."))
        if isinstance(obj, torch.Size):
            return tuple(obj)
        if isinstance(obj, torch.device):
            return None if obj.type == "cpu" else str(obj)
        if isinstance(obj, list):
            return [self(o) for o in obj]
        if isinstance(obj, tuple):
            converted = [self(o) for o in obj]
            return type(obj)(*converted) if hasattr(obj, "_fields") else tuple(converted)
        if isinstance(obj, dict):
            return {k: self(v) for k, v in obj.items()}
        if isinstance(obj, torch.nn.Module) and type(obj).__name__ in MODULE_FUNCTIONS:
            # a torch layer passed as a callable (distance_function=PairwiseDistance()):
            # autodiff's functional form with the layer's settings
            name, attrs = MODULE_FUNCTIONS[type(obj).__name__]
            fn = getattr(ad.nn.functional, name)
            settings = {key: getattr(obj, attr) for key, attr in attrs.items()}
            return lambda *xs: fn(*xs, **settings)
        return obj


def _kwargs(kwargs: dict[str, Any], convert: Converter) -> dict[str, Any]:
    out = {k: convert(v) for k, v in kwargs.items()}
    if out.get("device", 0) is None:
        del out["device"]
    return out


# --------------------------------------------------------------------------- comparison


def _fields(obj: Any) -> tuple[str, ...] | None:
    fields = getattr(type(obj), "_fields", None) or getattr(type(obj), "__match_args__", None)
    return tuple(fields) if fields else None


def leaves(obj: Any, torch: Any, ad: Any, path: str = "out") -> list[tuple[str, Any]]:
    if isinstance(obj, (torch.Tensor, ad.Tensor)):
        return [(path, obj)]
    if isinstance(obj, (list, tuple)):
        out: list[tuple[str, Any]] = []
        for i, o in enumerate(obj):
            out += leaves(o, torch, ad, f"{path}[{i}]")
        return out
    return [(path, obj)]


def structure(obj: Any, torch: Any, ad: Any) -> Any:
    if isinstance(obj, (torch.Tensor, ad.Tensor)):
        return "T"
    if isinstance(obj, (list, tuple)):
        # a list and a tuple are the same structure (the Array API returns lists where
        # PyTorch returns tuples); a named tuple's field names must match
        return ("seq", _fields(obj), [structure(o, torch, ad) for o in obj])
    return "scalar"


def _to_numpy(x: Any, torch: Any) -> np.ndarray:
    if isinstance(x, torch.Tensor):
        return x.detach().numpy(force=True)
    if hasattr(x, "detach"):
        return np.asarray(x.detach().numpy())
    return np.asarray(x)


def compare_values(what: str, expected: Any, got: Any, torch: Any,
                   tolerances: dict[str, tuple[float, float]], values: bool = True) -> str | None:
    """None when equal, else the reason."""
    e, g = _to_numpy(expected, torch), _to_numpy(got, torch)
    if isinstance(expected, torch.Tensor):
        edt = str(expected.dtype).removeprefix("torch.")
        gdt = getattr(getattr(got, "dtype", None), "name", None)
        if gdt is None:
            return f"{what}: expected a tensor of {edt}, got {type(got).__name__}"
        if edt != gdt:
            return f"{what}: dtype {gdt}, expected {edt}"
    if e.shape != g.shape:
        return f"{what}: shape {g.shape}, expected {e.shape}"
    if not values:
        return None
    if e.dtype.kind in "fc" or g.dtype.kind in "fc":
        rtol, atol = tolerances.get(str(e.dtype), (1e-4, 1e-5))
        try:
            ok = np.allclose(g, e, rtol=rtol, atol=atol, equal_nan=True)
        except TypeError as exc:
            return f"{what}: {exc}"
        if not ok:
            with np.errstate(all="ignore"):
                diff = np.abs(g.astype(np.complex128) - e.astype(np.complex128))
                diff = np.where(np.isnan(diff), np.inf, diff)
            return f"{what}: values differ (max abs diff {np.max(diff):.3g})"
        return None
    if not np.array_equal(e, g):
        return f"{what}: values differ"
    return None


# --------------------------------------------------------------------------- one sample


def _cotangent(t: Any, torch: Any, generator: Any) -> Any:
    c = torch.randn(t.shape, dtype=t.real.dtype if t.is_complex() else t.dtype,
                    generator=generator)
    if t.is_complex():
        c = torch.complex(c, torch.randn(t.shape, dtype=c.dtype, generator=generator))
    return c


def run_sample(op: Any, fn: Callable[..., Any], sample: Any, torch: Any, ad: Any, backend: str,
               check_grad: bool, seed: int) -> str | None:
    """None when the sample passes, else the first failure's reason."""
    try:
        expected = op(sample.input, *sample.args, **sample.kwargs)
    except Exception:
        return "skip"   # a sample torch itself refuses says nothing about autodiff
    convert = Converter(ad, torch, backend)
    x = convert(sample.input)
    args = [convert(a) for a in sample.args]
    kwargs = _kwargs(sample.kwargs, convert)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = fn(x, *args, **kwargs)

    if structure(expected, torch, ad) != structure(got, torch, ad):
        return (f"structure {_describe(got, torch, ad)}, expected "
                f"{_describe(expected, torch, ad)}")
    random = _random_sample(op, sample)
    reason = compare_outputs(expected, got, torch, ad, values=not random)
    if reason and op.name in GAUGE and sample.output_process_fn_grad is not None:
        try:
            processed = sample.output_process_fn_grad(got)
        except Exception:
            processed = None
        if processed is not None and not compare_outputs(
                sample.output_process_fn_grad(expected), processed, torch, ad, values=True):
            reason = None
    if reason:
        return reason

    if not check_grad or not convert.pairs or random:
        return None
    process = sample.output_process_fn_grad or (lambda o: o)
    expected_p = process(expected)
    try:
        got_p = process(got)
    except Exception:
        got_p = got
    outs = [(e, g) for (_, e), (_, g) in zip(leaves(expected_p, torch, ad),
                                             leaves(got_p, torch, ad), strict=False)
            if isinstance(e, torch.Tensor) and e.requires_grad
            and (e.is_floating_point() or e.is_complex())]
    if not outs:
        return None
    generator = torch.Generator().manual_seed(seed)
    cots = [_cotangent(e, torch, generator) for e, _ in outs]
    inputs = [p[0] for p in convert.pairs]
    expected_grads = torch.autograd.grad([e for e, _ in outs], inputs, cots, allow_unused=True)
    # an autodiff output outside the graph contributes nothing: torch's gradient through
    # the same output must then be zero too, which the comparison checks
    live = [(g, convert(c)) for (_, g), c in zip(outs, cots, strict=True)
            if isinstance(g, ad.Tensor) and g.requires_grad]
    got_grads: Any = [None] * len(convert.pairs)
    if live:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got_grads = ad.autograd.grad([g for g, _ in live], [p[1] for p in convert.pairs],
                                         [c for _, c in live], allow_unused=True)
    for i, ((t_in, _), eg, gg) in enumerate(zip(convert.pairs, expected_grads, got_grads,
                                                strict=True)):
        eg = torch.zeros_like(t_in) if eg is None else eg
        if gg is None:
            gg = np.zeros(tuple(t_in.shape), dtype=_to_numpy(eg, torch).dtype)
        reason = compare_values(f"grad[{i}]", eg, gg, torch, GRAD_TOLERANCES)
        if reason:
            return reason
    return None


def compare_outputs(expected: Any, got: Any, torch: Any, ad: Any, values: bool) -> str | None:
    for (path, e), (_, g) in zip(leaves(expected, torch, ad), leaves(got, torch, ad),
                                 strict=True):
        if not isinstance(e, torch.Tensor) and not isinstance(g, ad.Tensor):
            if isinstance(e, float) and isinstance(g, float) and math.isclose(
                    e, g, rel_tol=1e-6, abs_tol=1e-9):
                continue
            if e != g and not (e != e and g != g):
                return f"{path}: {g!r}, expected {e!r}"
            continue
        reason = compare_values(path, e, g, torch, TOLERANCES, values)
        if reason:
            return reason
    return None


def _describe(obj: Any, torch: Any, ad: Any) -> str:
    if isinstance(obj, (torch.Tensor, ad.Tensor)):
        return "a tensor"
    if isinstance(obj, (list, tuple)):
        fields = _fields(obj)
        name = type(obj).__name__
        inner = ", ".join(_describe(o, torch, ad) for o in obj[:4])
        more = ", ..." if len(obj) > 4 else ""
        label = f"{name}{list(fields)}" if fields else name
        return f"{label}({inner}{more})"
    return type(obj).__name__


def _reason(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".splitlines()[0] if str(exc) else type(exc).__name__
    return re.sub(r"\s+", " ", text)[:160]


# --------------------------------------------------------------------------- the walk


@dataclass
class Row:
    name: str
    variant: str
    target: str
    xfail: str | None = None
    counts: dict[str, list[int]] = field(default_factory=dict)   # dtype -> [passed, total]
    failures: list[dict[str, str]] = field(default_factory=list)
    sample_xfails: dict[str, int] = field(default_factory=dict)   # dtype -> count


def read_xfails(path: Path, backend: str) -> dict[str, str]:
    """``name[/variant][#sample][@backend]  reason`` lines; '#' starts a comment line."""
    out: dict[str, str] = {}
    if not path.exists():
        return out
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, _, reason = line.partition(" ")
        key, _, only = key.partition("@")
        if only and only != backend:
            continue
        out[key] = reason.strip() or "(no reason given)"
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", help="comma-separated OpInfo names (name or name/variant)")
    parser.add_argument("--backend", default="numpy", choices=["numpy", "array_api_strict"])
    parser.add_argument("--json", help="write every op's counts and failures here")
    parser.add_argument("--max-samples", type=int, default=0,
                        help="at most this many samples per op and dtype (0: all)")
    parser.add_argument("--timeout", type=float, default=SAMPLE_TIMEOUT_S,
                        help="seconds one sample may take")
    parser.add_argument("--quiet", action="store_true", help="print only the last line")
    opts = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    warnings.filterwarnings("ignore")
    import torch
    from torch.testing._internal.common_methods_invocations import op_db

    import autodiff as ad

    torch.set_num_threads(1)
    wanted = None if not opts.ops else {o.strip() for o in opts.ops.split(",") if o.strip()}
    xfails = read_xfails(XFAILS, opts.backend)
    dtypes = {"float64": torch.float64, "float32": torch.float32}
    rows: list[Row] = []
    start = time.perf_counter()
    for entry in op_db:
        key = entry.name + (f"/{entry.variant_test_name}" if entry.variant_test_name else "")
        if wanted is not None and entry.name not in wanted and key not in wanted:
            continue
        fn, target = counterpart(entry, ad)
        row = Row(entry.name, entry.variant_test_name, target,
                  xfails.get(key, xfails.get(entry.name)))
        rows.append(row)
        if fn is None:
            continue
        for dname, dtype in dtypes.items():
            passed = total = 0
            if dtype not in entry.supported_dtypes("cpu"):
                row.counts[dname] = [0, 0]
                continue
            grad = bool(entry.supports_autograd) and dtype in entry.supported_backward_dtypes(
                "cpu")
            torch.manual_seed(0)
            try:
                samples = list(entry.sample_inputs("cpu", dtype, requires_grad=grad))
            except Exception as exc:
                row.failures.append({"dtype": dname, "sample": "-",
                                     "reason": f"sample_inputs: {_reason(exc)}"})
                row.counts[dname] = [0, 0]
                continue
            if opts.max_samples:
                samples = samples[:opts.max_samples]
            for i, sample in enumerate(samples):
                try:
                    with time_limit(opts.timeout):
                        reason = run_sample(entry, fn, sample, torch, ad, opts.backend, grad,
                                            seed=i)
                except (Exception, SampleTimeout) as exc:
                    reason = _reason(exc)
                if reason == "skip":
                    continue
                if reason is not None and f"{key}#{i}" in xfails:
                    row.sample_xfails[dname] = row.sample_xfails.get(dname, 0) + 1
                    continue
                total += 1
                if reason is None:
                    passed += 1
                else:
                    row.failures.append({"dtype": dname, "sample": str(i), "reason": reason})
            row.counts[dname] = [passed, total]

    elapsed = time.perf_counter() - start
    report(rows, opts, elapsed, len(op_db) if wanted is None else len(rows))
    if opts.json:
        Path(opts.json).write_text(json.dumps(
            {"backend": opts.backend, "rows": [row.__dict__ for row in rows]}, indent=1))
    return 0


def report(rows: list[Row], opts: Any, elapsed: float, entries: int) -> None:
    mapped = [r for r in rows if r.target]
    if not opts.quiet:
        print(f"{'op':34} {'variant':22} {'f64':>9} {'f32':>9}  first failure")
        for r in mapped:
            cells = []
            for d in ("float64", "float32"):
                p, t = r.counts.get(d, [0, 0])
                cells.append(f"{p}/{t}" if t else "-")
            first = r.failures[0]["reason"] if r.failures else ""
            if r.xfail and r.failures:
                first = f"[xfail: {r.xfail}] {first}"
            print(f"{r.name[:34]:34} {r.variant[:22]:22} {cells[0]:>9} {cells[1]:>9}  "
                  f"{first[:110]}")
        print()
    parts = [f"entries {entries}", f"with a counterpart {len(mapped)}"]
    for d in ("float64", "float32"):
        counted = [r for r in mapped if not r.xfail]
        p = sum(r.counts.get(d, [0, 0])[0] for r in counted)
        t = sum(r.counts.get(d, [0, 0])[1] for r in counted)
        xf = sum(r.counts.get(d, [0, 0])[1] - r.counts.get(d, [0, 0])[0]
                 for r in mapped if r.xfail) + sum(r.sample_xfails.get(d, 0) for r in mapped)
        pct = f"{100 * p / t:.1f}%" if t else "n/a"
        parts.append(f"{d} samples passing {p}/{t} ({pct}), xfailed {xf}")
    parts.append(f"backend {opts.backend}, {elapsed:.0f} s")
    print(", ".join(parts))


if __name__ == "__main__":
    raise SystemExit(main())
