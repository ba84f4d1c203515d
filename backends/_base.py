"""The Backend interface: what the engine needs beyond the Array API standard."""

from __future__ import annotations

import contextlib
import copy
import importlib.util
from collections.abc import Sequence
from typing import Any

import numpy as np

from ._lazy import LazyHooks

Shape = tuple[int, ...]


class BackendError(ValueError):
    """An unknown or unavailable backend was asked for, or one that cannot be loaded
    as declared."""


class Backend(LazyHooks):
    """One array library as autodiff sees it.

    Subclasses set ``name``, ``module`` (the import name of the array library) and
    ``device_type``, define ``namespace`` and override what differs from these
    defaults, which suit a host-memory library that numpy can exchange data with.
    ``array_modules``, ``host_arrays``, ``linalg_errors``, ``setitem`` and
    ``test_xfails`` are for a library that differs further, and the hooks of
    ``LazyHooks`` for a lazy one (docs: Add a backend).
    Dtypes cross this interface by their standard names (``"float32"``), so backends
    never need autodiff's own dtype objects.
    """

    name: str = ""
    #: the import name of the library (what ``is_available`` looks for)
    module: str = ""
    #: the root module names of the library's array types, by which the engine infers
    #: this backend from an array (``type(array).__module__``'s first part): JAX's
    #: arrays live in ``jaxlib``, not ``jax``. None means ``(module,)``; ``()`` claims
    #: no arrays (a backend over another backend's library: its arrays then go to that
    #: one unless ``backend=`` says otherwise). Where several backends claim a module,
    #: ``owns`` decides, and two owners of one array are an error at inference.
    array_modules: tuple[str, ...] | None = None
    device_type: str = "cpu"
    #: True when numpy reads the library's arrays where they are (host memory, no
    #: transfer): the default ``scatter_add`` and ``to_numpy`` go through numpy. A
    #: backend that sets it False must define ``scatter_add`` (loading says so)
    host_arrays: bool = True
    #: True when arrays of this backend may live on different devices, so that the
    #: engine must compare devices as well as backends before mixing two arrays.
    multi_device: bool = False
    #: False for a library whose arrays cannot be written in place (as JAX's): in-place
    #: tensor operations then rebind the tensor to a new array under the same semantics
    mutable_arrays: bool = True
    #: the bytes of one block when ``autodiff.compile`` runs a chain of elementwise
    #: instructions over large arrays block by block (a cache's share: a host library
    #: that defines ``flat`` sets it); None: never blocked
    block_bytes: int | None = None
    #: a library that compiles kernels defines ``fuse_elementwise(spec)``: one kernel for
    #: ``autodiff.compile``'s elementwise run ``spec`` (``_fusion.Elementwise``), a function
    #: of its inputs returning its outputs as a tuple; None where a step has no exact form
    fuse_elementwise: Any = None

    def __init__(self) -> None:
        self._rng = np.random.default_rng()
        self._dtype_names: dict[Any, str] = {}
        #: one shared copy of each distinct graph-node input record (``(shape, dtype)``
        #: per input) for this library's arrays: the engine keeps them per backend so
        #: that two libraries' dtypes are never compared
        self.node_metas: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        #: the engine's namespace for derivative rules on this library's arrays, made
        #: by the engine at the first backward pass (read once per node, hence here)
        self.rule_namespace: Any = None
        #: native dtypes seen to be real, so that the engine's complex test per node is
        #: one set lookup (per backend, like ``node_metas``; bounded by the engine)
        self.real_dtypes: set[Any] = set()

    def __repr__(self) -> str:
        return f"<backend {self.name!r}>"

    # -- availability -------------------------------------------------------------
    def is_available(self) -> bool:
        """True when the library imports and can compute here."""
        return importlib.util.find_spec(self.module) is not None

    def unavailable_reason(self) -> str:
        """A sentence saying why ``is_available()`` is False."""
        return f"the {self.module!r} package is not installed (pip install {self.module})"

    def claimed_modules(self) -> tuple[str, ...]:
        """``array_modules``, or ``(module,)`` where it is None.

        >>> from backends import load_backend
        >>> load_backend("numpy").claimed_modules()
        ('numpy',)
        """
        return (self.module,) if self.array_modules is None else tuple(self.array_modules)

    def test_xfails(self) -> Any:
        """This backend's known gaps in autodiff's shared test suite: a path to a file
        of test ids (one a line, ``#`` comments, as ``tests/xfails/<name>.txt``) or an
        iterable of ids, or None. The suite marks them as strict xfails, in addition to
        those in ``tests/xfails/<name>.txt``; an out-of-tree backend ships its own file
        this way. None by default."""
        return None

    # -- the namespace ------------------------------------------------------------
    #: The Array API namespace of the library, its array class (to recognise its arrays
    #: cheaply) and its native real and complex floating dtypes as arrays report them
    #: (outputs of any other dtype never join the graph). ``load`` sets all three.
    xp: Any
    array_type: type
    differentiable_dtypes: frozenset[Any]

    def load(self) -> None:
        """Bind the library, once: ``load_backend`` calls this when the backend is
        available, and sets ``xp``, ``array_type`` and ``differentiable_dtypes`` from
        ``namespace`` and ``native_array_type``.

        They are plain instance attributes because the engine reads them on every op:
        Python specialises the read of an instance attribute, but not of one that a
        class attribute such as a ``cached_property`` shadows (a small op ran 4% more
        instructions that way).

        >>> from backends import load_backend
        >>> load_backend("numpy").xp.__name__
        'array_api_compat.numpy'
        """
        # set last, so it says all three are; and asked with hasattr, not through
        # ``self.__dict__``, whose reading makes Python keep the attributes in a dict
        if hasattr(self, "differentiable_dtypes"):
            return
        self.check_declaration()
        self.xp = self.namespace()
        self.array_type = self.native_array_type()
        found = set()
        for name in ("float16", "float32", "float64", "complex64", "complex128"):
            native = getattr(self.xp, name, None)
            if native is not None:
                found.add(self.xp.empty(0, dtype=native).dtype)
        self.differentiable_dtypes = frozenset(found)

    def check_declaration(self) -> None:
        """Refuse a backend whose declarations contradict its methods, before its first
        array: one whose arrays numpy cannot read where they are (``host_arrays =
        False``: device memory, a cluster) must define ``scatter_add`` and
        ``to_numpy``, whose defaults would go through numpy on the host (silently
        copying every indexing gradient to the host and back, or computing a lazy
        graph). ``load`` calls it."""
        if self.host_arrays:
            return
        missing = [method for method in ("scatter_add", "to_numpy")
                   if getattr(type(self), method) is getattr(Backend, method)]
        if missing:
            needed = " and ".join(f"{method}()" for method in missing)
            raise BackendError(
                f"backend {self.name!r} ({type(self).__name__}) sets host_arrays = False "
                f"(numpy cannot read its arrays where they are) but does not define "
                f"{needed}, whose default goes through numpy on the host: define "
                f"{needed} with the library's own operations, or set host_arrays = True "
                "if numpy reads its arrays directly")

    def namespace(self) -> Any:
        """The Array API namespace of this library (importing it): every backend
        defines it."""
        raise NotImplementedError(f"backend {self.name!r} ({type(self).__name__}) must "
                                  "define namespace(), returning the library's Array API "
                                  "namespace")

    def array_rules(self) -> dict[str, tuple[Any, ...]]:
        """This library's own array rules for some primitives, by primitive name: one
        rule per input, each a drop-in for the primitive's vjp rule on arrays (the same
        arguments, ``rule(xp, g, ans, *inputs, **params)``, reading no more of them and
        saying so the same way, ``_name`` for one it does not read, and the same results
        bit for bit), written because the library has a faster
        way. A rule returns ``NotImplemented`` for arguments it does not take (another
        dtype, say), and the primitive's own rule runs. A first-order backward pass on
        this backend runs them instead of the primitive's; the conformance suite checks
        each against it. None by default. Declaring them must not import the library."""
        return {}

    def special_function(self, name: str) -> Any:
        """This library's own implementation of the special function ``name``, by
        ``scipy.special``'s name (``"erf"``, ``"gammaln"``, ``"psi"``, ``"polygamma"``,
        ``"zeta"`` ...): a function of this library's arrays, with scipy's argument
        order, or None, and autodiff computes it with its generic implementation
        written against the standard (float64-accurate, but several passes over the
        data). None by default. Asking must not fail when an optional library (scipy)
        is missing: say None instead."""
        return None

    def native_array_type(self) -> type:
        """The library's array class; the default asks the namespace for an array."""
        return type(self.xp.asarray(0))

    def coerce(self, value: Any) -> Any:
        """An op result that is not quite an array (a numpy scalar from a 0-d
        reduction, say) as one; arrays of another library pass through."""
        return value

    def owns(self, array: Any) -> bool:
        """True when ``array`` is one of this library's arrays."""
        return isinstance(array, self.array_type)

    # -- dtypes -------------------------------------------------------------------
    def dtype(self, name: str) -> Any:
        """The native dtype for a standard dtype name, or TypeError if unsupported."""
        native = getattr(self.xp, name, None)
        if native is None:
            raise TypeError(f"backend {self.name!r} has no dtype {name!r}")
        return native

    def dtype_name(self, native: Any) -> str:
        """The standard name of a native dtype, remembered: ``Tensor.dtype`` asks it."""
        name = self._dtype_names.get(native)
        if name is None:
            name = self._dtype_names[native] = self.find_dtype_name(native)
        return name

    def find_dtype_name(self, native: Any) -> str:
        """``dtype_name`` the first time a dtype is seen: a search of the namespace's
        dtypes, which a backend whose library names its dtypes itself overrides."""
        for name in ("float32", "float64", "int64", "bool", "int32", "float16", "int8",
                     "int16", "uint8", "uint16", "uint32", "uint64", "complex64",
                     "complex128"):
            candidate = getattr(self.xp, name, None)
            if candidate is not None and candidate == native:
                return name
        raise TypeError(f"backend {self.name!r}: unsupported dtype {native!r}")

    # -- devices ------------------------------------------------------------------
    def device(self, index: int | None = None) -> Any:
        """The native device object for device ``index`` of this backend's type."""
        if index not in (None, 0):
            raise ValueError(
                f"backend {self.name!r} has a single {self.device_type!r} device; "
                f"got index {index}"
            )
        return self.xp.__array_namespace_info__().default_device()

    def device_index(self, array: Any) -> int | None:
        """The index of the device ``array`` lives on (None for a single-device backend)."""
        return None

    # -- data in and out ----------------------------------------------------------
    def asarray(self, data: Any, dtype: str | None = None, device: Any = None,
                copy: bool | None = None) -> Any:
        """A backend array from host data (python scalars, lists, numpy arrays) or
        from an array of this backend; ``copy=True`` never shares memory."""
        native = None if dtype is None else self.dtype(dtype)
        if device is None:
            return self.xp.asarray(data, dtype=native, copy=copy)
        return self.xp.asarray(data, dtype=native, device=device, copy=copy)

    def to_numpy(self, array: Any) -> np.ndarray:
        """A numpy array with the same values (a copy unless the memory is shared)."""
        return np.asarray(array)

    def from_dlpack(self, obj: Any) -> Any:
        """Import an object exporting ``__dlpack__`` without copying where possible."""
        return self.xp.from_dlpack(obj)

    # -- random numbers -------------------------------------------------------------
    # Host backends draw from one numpy generator and convert, so that the same seed
    # gives the same numbers on numpy and array_api_strict alike.
    def seed(self, seed: int) -> None:
        """Reseed this backend's generator."""
        self._rng = np.random.default_rng(seed)

    def get_rng_state(self) -> Any:
        """A snapshot of this backend's generator, for ``set_rng_state``."""
        return copy.deepcopy(self._rng.bit_generator.state)

    def set_rng_state(self, state: Any) -> None:
        """Put the generator back where ``get_rng_state`` found it."""
        self._rng.bit_generator.state = copy.deepcopy(state)

    def normal(self, shape: Shape, dtype: str, device: Any = None) -> Any:
        """Standard normal samples."""
        sample = self._rng.standard_normal(shape, dtype=np.float64).astype(dtype)
        return self.asarray(sample, dtype, device)

    def uniform(self, shape: Shape, dtype: str, device: Any = None) -> Any:
        """Uniform samples on [0, 1)."""
        sample = self._rng.random(shape, dtype=np.float64).astype(dtype)
        return self.asarray(sample, dtype, device)

    def integers(self, low: int, high: int, shape: Shape, dtype: str, device: Any = None) -> Any:
        """Uniform integers on [low, high)."""
        sample = self._rng.integers(low, high, size=shape, dtype=np.int64).astype(dtype)
        return self.asarray(sample, dtype, device)

    def exclusive(self, array: Any) -> bool:
        """True when ``array`` owns its memory and may be written: not a view, not
        read-only. The default (False) is always safe; it only costs a copy."""
        return False

    def flat(self, array: Any) -> Any:
        """``array``'s elements in order as a 1-D view of its memory, where ``array``
        owns that memory in one contiguous piece; None otherwise (the default: never
        blocked). Slices of it are written in place (``autodiff.compile``'s blocks)."""
        return None

    def copy(self, array: Any) -> Any:
        """A new array with the same values, owning its memory."""
        return self.xp.asarray(array, copy=True)

    def linalg_errors(self) -> tuple[type[BaseException], ...]:
        """The exception classes the library raises when a linear algebra routine
        fails on its input (a singular matrix): the engine raises them as
        ``autodiff.linalg.LinAlgError``, naming the op. numpy's by default (what
        numpy, array_api_strict, cupy and dask raise).

        >>> from backends import load_backend
        >>> load_backend("numpy").linalg_errors()
        (<class 'numpy.linalg.LinAlgError'>,)
        """
        return (np.linalg.LinAlgError,)

    def raising_linalg_errors(self) -> contextlib.AbstractContextManager[Any]:
        """A context in which the library raises its ``LinAlgError`` for a singular or
        indefinite matrix, as PyTorch's ``linalg`` functions do (numpy always raises;
        the default context changes nothing)."""
        return contextlib.nullcontext()

    def silent_float_errors(self) -> contextlib.AbstractContextManager[Any]:
        """A context in which the library's floating-point warnings (division by zero,
        an invalid value, overflow) are silent. The engine enters it once per backward
        pass: PyTorch's backward computes infinities and nans without a word (a
        ``sqrt``'s gradient at 0, say), and a first-order pass runs autodiff's own rules,
        not the user's code. The default changes nothing (a library that does not warn).

        >>> from backends import load_backend
        >>> with load_backend("numpy").silent_float_errors():
        ...     print(np.float64(1.0) / 0.0)
        inf
        """
        return contextlib.nullcontext()

    # -- indexing gradients -----------------------------------------------------------
    def write(self, target: Any, values: Any) -> Any:
        """Store ``values`` (same shape and dtype) into ``target``; return the array that
        now holds them: ``target`` itself, or ``values`` where arrays are immutable."""
        if not self.mutable_arrays:
            return values
        target[...] = values
        return target

    def setitem(self, array: Any, index: Any, values: Any) -> Any:
        """``array`` with ``values`` written at ``index`` (a key the library's
        ``__setitem__`` takes); return the array that holds the result. The engine's
        ``x[key] = value`` and ``index_put`` call it on a fresh copy, so a library may
        write in place (the default, ``array[index] = values``) or return a new array
        (JAX: ``array.at[index].set(values)``). Where the library refuses the key (an
        immutable library, or an integer-array key the standard leaves out) the engine
        writes through the positions the key selects, with ``scatter_add`` and
        ``where``; a TypeError or IndexError from here says that it refused.

        >>> from backends import load_backend
        >>> load_backend("numpy").setitem(np.zeros(3), 1, 5.0).tolist()
        [0.0, 5.0, 0.0]
        """
        array[index] = values
        return array

    def shares_memory(self, view: Any, base: Any) -> bool:
        """Whether ``view``, made from ``base`` by an op that may return a view or a copy
        (reshape), shares its memory, so that a write through one shows in the other.
        The default asks the namespace's ``may_share_memory`` (numpy's and cupy's, a
        bounds check); where arrays are immutable, or the namespace cannot tell, it
        answers True and the engine emulates the sharing."""
        check = getattr(self.xp, "may_share_memory", None)
        if not self.mutable_arrays or check is None:
            return True
        return bool(check(view, base))

    def scatter_add(self, target: Any, index: Any, values: Any) -> Any:
        """``target`` with ``values`` added at ``index`` (duplicate indices accumulate).

        The default goes through numpy on the host, which suits ``host_arrays``
        libraries only: a backend whose arrays are elsewhere (a GPU, a cluster) must
        define its own (``load_backend`` refuses it otherwise).
        """
        result = np.array(self.to_numpy(target), copy=True)
        np.add.at(result, _host_index(self, index), self.to_numpy(values))
        return self.asarray(result, self.dtype_name(target.dtype), getattr(target, "device", None))


def _host_index(backend: Backend, index: Any) -> Any:
    """An index with its arrays converted to numpy, for the host scatter-add."""
    if isinstance(index, tuple):
        return tuple(_host_index(backend, part) for part in index)
    if isinstance(index, (int, slice, type(None), type(Ellipsis))):
        return index
    if isinstance(index, Sequence):
        return index
    return backend.to_numpy(index)
