"""autodiff: reverse-mode automatic differentiation with PyTorch's autograd semantics
on any Array API array library (numpy by default, cupy on NVIDIA GPUs).

>>> import autodiff as ad
>>> x = ad.tensor([[2.0]], requires_grad=True)
>>> y = ad.tensor([[3.0]], requires_grad=True)
>>> z = y * ad.log(x) + ad.sin(y)
>>> z.backward()
>>> x.grad, y.grad
(tensor([[1.5000]]), tensor([[-0.2968]]))
"""

from __future__ import annotations

import math
import sys

from . import _assemble, _tensor
from ._backend import available_backends as available_backends
from ._backend import get_backend as get_backend
from ._backend import set_backend as set_backend
from ._backend import use_backend as use_backend
from ._device import Device as Device
from ._device import device as device
from ._dtypes import DType as DType
from ._dtypes import bool as bool
from ._dtypes import complex64 as complex64
from ._dtypes import complex128 as complex128
from ._dtypes import float16 as float16
from ._dtypes import float32 as float32
from ._dtypes import float64 as float64
from ._dtypes import get_default_dtype as get_default_dtype
from ._dtypes import int8 as int8
from ._dtypes import int16 as int16
from ._dtypes import int32 as int32
from ._dtypes import int64 as int64
from ._dtypes import set_default_dtype as set_default_dtype
from ._dtypes import uint8 as uint8
from ._dtypes import uint16 as uint16
from ._dtypes import uint32 as uint32
from ._dtypes import uint64 as uint64
from ._info import __array_namespace_info__ as __array_namespace_info__
from ._lazy import compute as compute
from ._lazy import persist as persist
from ._mode import enable_grad as enable_grad
from ._mode import is_grad_enabled as is_grad_enabled
from ._mode import no_grad as no_grad
from ._mode import set_grad_enabled as set_grad_enabled
from ._primitive import REGISTRY as REGISTRY
from ._primitive import primitive as primitive
from ._tensor import Tensor as Tensor
from .ops.comparison import equal as equal
from .ops.comparison import greater as greater
from .ops.comparison import greater_equal as greater_equal
from .ops.comparison import isfinite as isfinite
from .ops.comparison import isnan as isnan
from .ops.comparison import less as less
from .ops.comparison import less_equal as less_equal
from .ops.comparison import logical_and as logical_and
from .ops.comparison import logical_not as logical_not
from .ops.comparison import logical_or as logical_or
from .ops.comparison import not_equal as not_equal
from .ops.complex import complex as complex
from .ops.complex import conj as conj
from .ops.complex import imag as imag
from .ops.complex import real as real
from .ops.creation import arange as arange
from .ops.creation import asarray as asarray
from .ops.creation import empty as empty
from .ops.creation import empty_like as empty_like
from .ops.creation import eye as eye
from .ops.creation import from_dlpack as from_dlpack
from .ops.creation import full as full
from .ops.creation import full_like as full_like
from .ops.creation import linspace as linspace
from .ops.creation import ones as ones
from .ops.creation import ones_like as ones_like
from .ops.creation import tensor as tensor
from .ops.creation import zeros as zeros
from .ops.creation import zeros_like as zeros_like
from .ops.datatypes import astype as astype
from .ops.datatypes import can_cast as can_cast
from .ops.datatypes import finfo as finfo
from .ops.datatypes import iinfo as iinfo
from .ops.datatypes import isdtype as isdtype
from .ops.datatypes import result_type as result_type
from .ops.elementwise import abs as abs
from .ops.elementwise import add as add
from .ops.elementwise import cos as cos
from .ops.elementwise import divide as divide
from .ops.elementwise import multiply as multiply
from .ops.elementwise import negative as negative
from .ops.elementwise import pow as pow
from .ops.elementwise import sign as sign
from .ops.elementwise import sin as sin
from .ops.elementwise import sqrt as sqrt
from .ops.elementwise import subtract as subtract
from .ops.elementwise import tanh as tanh
from .ops.elementwise import where as where
from .ops.exponential import exp as exp
from .ops.exponential import expm1 as expm1
from .ops.exponential import log as log
from .ops.exponential import log1p as log1p
from .ops.grids import meshgrid as meshgrid
from .ops.grids import tril as tril
from .ops.grids import triu as triu

# isort: split
# Element-wise Functions chapter (the rest of it)
from .ops.bitwise import bitwise_and as bitwise_and
from .ops.bitwise import bitwise_invert as bitwise_invert
from .ops.bitwise import bitwise_left_shift as bitwise_left_shift
from .ops.bitwise import bitwise_or as bitwise_or
from .ops.bitwise import bitwise_right_shift as bitwise_right_shift
from .ops.bitwise import bitwise_xor as bitwise_xor
from .ops.comparison import isinf as isinf
from .ops.comparison import logical_xor as logical_xor
from .ops.comparison import signbit as signbit
from .ops.elementwise import positive as positive
from .ops.elementwise_math import acos as acos
from .ops.elementwise_math import acosh as acosh
from .ops.elementwise_math import asin as asin
from .ops.elementwise_math import asinh as asinh
from .ops.elementwise_math import atan as atan
from .ops.elementwise_math import atan2 as atan2
from .ops.elementwise_math import atanh as atanh
from .ops.elementwise_math import cosh as cosh
from .ops.elementwise_math import hypot as hypot
from .ops.elementwise_math import log2 as log2
from .ops.elementwise_math import log10 as log10
from .ops.elementwise_math import logaddexp as logaddexp
from .ops.elementwise_math import reciprocal as reciprocal
from .ops.elementwise_math import sinh as sinh
from .ops.elementwise_math import square as square
from .ops.elementwise_math import tan as tan
from .ops.piecewise import ceil as ceil
from .ops.piecewise import clamp as clamp
from .ops.piecewise import clip as clip
from .ops.piecewise import copysign as copysign
from .ops.piecewise import floor as floor
from .ops.piecewise import floor_divide as floor_divide
from .ops.piecewise import maximum as maximum
from .ops.piecewise import minimum as minimum
from .ops.piecewise import nextafter as nextafter
from .ops.piecewise import remainder as remainder
from .ops.piecewise import round as round
from .ops.piecewise import trunc as trunc

# isort: split
from .ops.linalg import dot as dot
from .ops.linalg import matmul as matmul
from .ops.linalg import outer as outer
from .ops.linalg import tensordot as tensordot
from .ops.linalg import vecdot as vecdot
from .ops.linalg_diag import diag_embed as diag_embed
from .ops.linalg_diag import trace as trace
from .ops.linalg_extra import matrix_exp as matrix_exp
from .ops.linalg_solve import det as det
from .ops.linalg_solve import slogdet as slogdet
from .ops.manipulation import broadcast_to as broadcast_to
from .ops.manipulation import expand_dims as expand_dims
from .ops.manipulation import matrix_transpose as matrix_transpose
from .ops.manipulation import permute_dims as permute_dims
from .ops.manipulation import reshape as reshape
from .ops.manipulation import transpose as transpose
from .ops.nn import relu as relu
from .ops.nn import sigmoid as sigmoid
from .ops.norms import norm as norm
from .ops.random import Generator as Generator
from .ops.random import default_generator as default_generator
from .ops.random import initial_seed as initial_seed
from .ops.random import manual_seed as manual_seed
from .ops.random import rand as rand
from .ops.random import randint as randint
from .ops.random import randn as randn
from .ops.random import seed as seed
from .ops.reductions import all as all
from .ops.reductions import any as any
from .ops.reductions import mean as mean
from .ops.reductions import sum as sum

# isort: split
# Array API manipulation, indexing, searching, sets, sorting and statistics (arrays)
from .ops.counting import argwhere as argwhere
from .ops.counting import bincount as bincount
from .ops.counting import bucketize as bucketize
from .ops.counting import histc as histc
from .ops.counting import unique_consecutive as unique_consecutive
from .ops.cumulative import cumprod as cumprod
from .ops.cumulative import cumsum as cumsum
from .ops.cumulative import cumulative_prod as cumulative_prod
from .ops.cumulative import cumulative_sum as cumulative_sum
from .ops.cumulative import diff as diff

# PyTorch's gather/scatter family (ops/gather_scatter.py)
from .ops.gather_scatter import gather as gather
from .ops.gather_scatter import scatter as scatter
from .ops.gather_scatter import scatter_add as scatter_add
from .ops.gather_scatter import scatter_reduce as scatter_reduce
from .ops.index_ops import index_add as index_add
from .ops.index_ops import index_copy as index_copy
from .ops.index_ops import index_fill as index_fill
from .ops.index_ops import index_put as index_put
from .ops.index_ops import index_reduce as index_reduce
from .ops.index_ops import index_select as index_select
from .ops.index_ops import masked_fill as masked_fill
from .ops.index_ops import masked_scatter as masked_scatter
from .ops.index_ops import masked_select as masked_select
from .ops.index_ops import put as put
from .ops.indexing import take as take
from .ops.indexing import take_along_axis as take_along_axis
from .ops.indexing import take_along_dim as take_along_dim
from .ops.joining import cat as cat
from .ops.joining import concat as concat
from .ops.joining import concatenate as concatenate
from .ops.joining import repeat as repeat
from .ops.joining import repeat_interleave as repeat_interleave
from .ops.joining import stack as stack
from .ops.joining import tile as tile
from .ops.joining import unbind as unbind
from .ops.joining import unstack as unstack
from .ops.manipulation import broadcast_arrays as broadcast_arrays
from .ops.manipulation import broadcast_shapes as broadcast_shapes
from .ops.manipulation import broadcast_tensors as broadcast_tensors
from .ops.manipulation import flatten as flatten
from .ops.manipulation import flip as flip
from .ops.manipulation import moveaxis as moveaxis
from .ops.manipulation import movedim as movedim
from .ops.manipulation import roll as roll
from .ops.manipulation import squeeze as squeeze
from .ops.searching import argmax as argmax
from .ops.searching import argmin as argmin
from .ops.searching import count_nonzero as count_nonzero
from .ops.searching import nonzero as nonzero
from .ops.searching import searchsorted as searchsorted

# PyTorch's selection and scan ops (ops/selection.py)
from .ops.selection import aminmax as aminmax
from .ops.selection import cummax as cummax
from .ops.selection import cummin as cummin
from .ops.selection import kthvalue as kthvalue
from .ops.selection import logcumsumexp as logcumsumexp
from .ops.selection import logsumexp as logsumexp
from .ops.selection import median as median
from .ops.selection import mode as mode
from .ops.selection import msort as msort
from .ops.selection import nanmedian as nanmedian
from .ops.selection import topk as topk
from .ops.sets import unique as unique
from .ops.sets import unique_all as unique_all
from .ops.sets import unique_counts as unique_counts
from .ops.sets import unique_inverse as unique_inverse
from .ops.sets import unique_values as unique_values
from .ops.sorting import argsort as argsort
from .ops.sorting import sort as sort

# PyTorch's slicing family (ops/splitting.py; split is a Tensor method only)
from .ops.splitting import chunk as chunk
from .ops.splitting import clone as clone
from .ops.splitting import diagonal_scatter as diagonal_scatter
from .ops.splitting import dsplit as dsplit
from .ops.splitting import hsplit as hsplit
from .ops.splitting import narrow as narrow
from .ops.splitting import select as select
from .ops.splitting import select_scatter as select_scatter
from .ops.splitting import slice_scatter as slice_scatter
from .ops.splitting import split_with_sizes as split_with_sizes
from .ops.splitting import tensor_split as tensor_split
from .ops.splitting import vsplit as vsplit
from .ops.statistical import amax as amax
from .ops.statistical import amin as amin
from .ops.statistical import max as max
from .ops.statistical import min as min
from .ops.statistical import prod as prod
from .ops.statistical import std as std
from .ops.statistical import var as var

# isort: split
# PyTorch's top-level functions beyond the standard (one list, in their own module)
from ._pytorch_functions import *  # noqa: F403

_assemble.assemble(sys.modules[__name__])

#: The version of the Array API standard this namespace implements.
__array_api_version__ = _tensor.SUPPORTED_API_VERSIONS[-1]
e = math.e
inf = math.inf
nan = math.nan
pi = math.pi
newaxis = None

from . import autograd as autograd  # noqa: E402
from . import fft as fft  # noqa: E402
from . import func as func  # noqa: E402
from . import linalg as linalg  # noqa: E402
from . import nn as nn  # noqa: E402
from . import optim as optim  # noqa: E402
from . import return_types as return_types  # noqa: E402
from . import special as special  # noqa: E402
from . import testing as testing  # noqa: E402
from . import utils as utils  # noqa: E402
from . import viz as viz  # noqa: E402
from .compile import compile as compile  # noqa: E402  (the function; the package is autodiff.compile)

# PyTorch spellings (sub and div below, with add's alpha= and divide's rounding_mode=)
mul = multiply
neg = negative
permute = permute_dims
unsqueeze = expand_dims
float = float32
double = float64
long = int64
int = int32
inverse = linalg.inv
pinverse = linalg.pinv
bitwise_not = bitwise_invert

# isort: split
# PyTorch's alpha= on add/subtract and rounding_mode= on divide, bound after assembly
# (which checks the namespace against the registry); the operators call the primitives
from .ops.arithmetic_options import add as add  # noqa: E402, F811
from .ops.arithmetic_options import divide as divide  # noqa: E402, F811
from .ops.arithmetic_options import subtract as subtract  # noqa: E402, F811

sub = subtract
div = divide
# torch.special spellings
mvlgamma = special.multigammaln
# PyTorch's short comparison names
eq = equal
ne = not_equal
lt = less
le = less_equal
gt = greater
ge = greater_equal
from ._serialization import load as load  # noqa: E402
from ._serialization import save as save  # noqa: E402
