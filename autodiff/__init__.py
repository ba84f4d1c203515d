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

from . import _methods, _tensor
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
from ._mode import enable_grad as enable_grad
from ._mode import is_grad_enabled as is_grad_enabled
from ._mode import no_grad as no_grad
from ._mode import set_grad_enabled as set_grad_enabled
from ._primitive import REGISTRY as REGISTRY
from ._primitive import primitive as primitive
from ._tensor import Tensor as Tensor
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
from .ops.elementwise import equal as equal
from .ops.elementwise import exp as exp
from .ops.elementwise import expm1 as expm1
from .ops.elementwise import greater as greater
from .ops.elementwise import greater_equal as greater_equal
from .ops.elementwise import isfinite as isfinite
from .ops.elementwise import isnan as isnan
from .ops.elementwise import less as less
from .ops.elementwise import less_equal as less_equal
from .ops.elementwise import log as log
from .ops.elementwise import log1p as log1p
from .ops.elementwise import logical_and as logical_and
from .ops.elementwise import logical_not as logical_not
from .ops.elementwise import logical_or as logical_or
from .ops.elementwise import multiply as multiply
from .ops.elementwise import negative as negative
from .ops.elementwise import not_equal as not_equal
from .ops.elementwise import pow as pow
from .ops.elementwise import sign as sign
from .ops.elementwise import sin as sin
from .ops.elementwise import sqrt as sqrt
from .ops.elementwise import subtract as subtract
from .ops.elementwise import tanh as tanh
from .ops.elementwise import where as where
from .ops.grids import meshgrid as meshgrid
from .ops.grids import tril as tril
from .ops.grids import triu as triu
from .ops.linalg import dot as dot
from .ops.linalg import matmul as matmul
from .ops.linalg import norm as norm
from .ops.manipulation import broadcast_to as broadcast_to
from .ops.manipulation import expand_dims as expand_dims
from .ops.manipulation import matrix_transpose as matrix_transpose
from .ops.manipulation import permute_dims as permute_dims
from .ops.manipulation import reshape as reshape
from .ops.manipulation import transpose as transpose
from .ops.nn import relu as relu
from .ops.nn import sigmoid as sigmoid
from .ops.random import Generator as Generator
from .ops.random import manual_seed as manual_seed
from .ops.random import rand as rand
from .ops.random import randint as randint
from .ops.random import randn as randn
from .ops.reductions import all as all
from .ops.reductions import any as any
from .ops.reductions import mean as mean
from .ops.reductions import sum as sum

_methods.bind()

#: The version of the Array API standard this namespace implements.
__array_api_version__ = _tensor.SUPPORTED_API_VERSIONS[-1]
e = math.e
inf = math.inf
nan = math.nan
pi = math.pi
newaxis = None

from . import autograd as autograd  # noqa: E402 - needs the bound Tensor
from . import linalg as linalg  # noqa: E402
from . import nn as nn  # noqa: E402
from . import testing as testing  # noqa: E402

# PyTorch spellings
sub = subtract
mul = multiply
div = divide
neg = negative
permute = permute_dims
unsqueeze = expand_dims
float = float32  # noqa: A001 - torch.float
double = float64
long = int64
int = int32  # noqa: A001 - torch.int
