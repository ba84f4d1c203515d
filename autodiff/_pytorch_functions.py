"""PyTorch's top-level functions beyond the Array API standard, re-exported by
``autodiff``: products and shape helpers, statistics and sampling, the special functions
PyTorch also has at the top level, and elementwise functions and tests outside the
standard's chapter. None of these names means something else in the standard.
"""

from __future__ import annotations

# PyTorch's products, shape helpers, statistics and random sampling (tensor-math)
from .ops.contraction import addbmm as addbmm
from .ops.contraction import addcdiv as addcdiv
from .ops.contraction import addcmul as addcmul
from .ops.contraction import addmm as addmm
from .ops.contraction import addmv as addmv
from .ops.contraction import addr as addr
from .ops.contraction import baddbmm as baddbmm
from .ops.contraction import bmm as bmm
from .ops.contraction import chain_matmul as chain_matmul
from .ops.contraction import ger as ger
from .ops.contraction import inner as inner
from .ops.contraction import kron as kron
from .ops.contraction import lerp as lerp
from .ops.contraction import mm as mm
from .ops.contraction import mv as mv
from .ops.contraction import vdot as vdot
from .ops.einsum import einsum as einsum
from .ops.interop import from_numpy as from_numpy
from .ops.interop import is_tensor as is_tensor
from .ops.interop import numel as numel
from .ops.interop import set_printoptions as set_printoptions
from .ops.random_more import bernoulli as bernoulli
from .ops.random_more import multinomial as multinomial
from .ops.random_more import normal as normal
from .ops.random_more import rand_like as rand_like
from .ops.random_more import randint_like as randint_like
from .ops.random_more import randn_like as randn_like
from .ops.random_more import randperm as randperm
from .ops.shaping import atleast_1d as atleast_1d
from .ops.shaping import atleast_2d as atleast_2d
from .ops.shaping import atleast_3d as atleast_3d
from .ops.shaping import block_diag as block_diag
from .ops.shaping import cartesian_prod as cartesian_prod
from .ops.shaping import column_stack as column_stack
from .ops.shaping import combinations as combinations
from .ops.shaping import diag as diag
from .ops.shaping import diagflat as diagflat
from .ops.shaping import dstack as dstack
from .ops.shaping import fliplr as fliplr
from .ops.shaping import flipud as flipud
from .ops.shaping import hstack as hstack
from .ops.shaping import logspace as logspace
from .ops.shaping import ravel as ravel
from .ops.shaping import rot90 as rot90
from .ops.shaping import row_stack as row_stack
from .ops.shaping import tril_indices as tril_indices
from .ops.shaping import triu_indices as triu_indices
from .ops.shaping import unflatten as unflatten
from .ops.shaping import vstack as vstack
from .ops.statistics_more import cdist as cdist
from .ops.statistics_more import corrcoef as corrcoef
from .ops.statistics_more import cov as cov
from .ops.statistics_more import cumulative_trapezoid as cumulative_trapezoid
from .ops.statistics_more import dist as dist
from .ops.statistics_more import nanmean as nanmean
from .ops.statistics_more import nanquantile as nanquantile
from .ops.statistics_more import nansum as nansum
from .ops.statistics_more import quantile as quantile
from .ops.statistics_more import renorm as renorm
from .ops.statistics_more import std_mean as std_mean
from .ops.statistics_more import trapezoid as trapezoid
from .ops.statistics_more import trapz as trapz
from .ops.statistics_more import var_mean as var_mean

# isort: split
# Special functions also at the top level, as in PyTorch (autodiff.special has them all)
from .ops.special import digamma as digamma
from .ops.special import erf as erf
from .ops.special import erfc as erfc
from .ops.special import erfinv as erfinv
from .ops.special import i0 as i0
from .ops.special import lgamma as lgamma
from .ops.special import polygamma as polygamma
from .ops.special_composite import exp2 as exp2
from .ops.special_composite import logit as logit
from .ops.special_composite import sinc as sinc
from .ops.special_composite import xlogy as xlogy

# isort: split
# PyTorch's elementwise functions beyond the standard's chapter
from .ops.elementwise_extra import angle as angle
from .ops.elementwise_extra import clamp_max as clamp_max
from .ops.elementwise_extra import clamp_min as clamp_min
from .ops.elementwise_extra import conj_physical as conj_physical
from .ops.elementwise_extra import deg2rad as deg2rad
from .ops.elementwise_extra import float_power as float_power
from .ops.elementwise_extra import fmax as fmax
from .ops.elementwise_extra import fmin as fmin
from .ops.elementwise_extra import fmod as fmod
from .ops.elementwise_extra import frac as frac
from .ops.elementwise_extra import ldexp as ldexp
from .ops.elementwise_extra import logaddexp2 as logaddexp2
from .ops.elementwise_extra import nan_to_num as nan_to_num
from .ops.elementwise_extra import polar as polar
from .ops.elementwise_extra import rad2deg as rad2deg
from .ops.elementwise_extra import resolve_conj as resolve_conj
from .ops.elementwise_extra import resolve_neg as resolve_neg
from .ops.elementwise_extra import rsqrt as rsqrt
from .ops.elementwise_extra import rsub as rsub
from .ops.elementwise_extra import sgn as sgn
from .ops.elementwise_extra import true_divide as true_divide

# isort: split
# PyTorch's elementwise tests and integer functions (isin: the 2025.12 standard's)
from .ops.elementwise_predicates import allclose as allclose
from .ops.elementwise_predicates import frexp as frexp
from .ops.elementwise_predicates import gcd as gcd
from .ops.elementwise_predicates import heaviside as heaviside
from .ops.elementwise_predicates import isclose as isclose
from .ops.elementwise_predicates import isin as isin
from .ops.elementwise_predicates import isneginf as isneginf
from .ops.elementwise_predicates import isposinf as isposinf
from .ops.elementwise_predicates import isreal as isreal
from .ops.elementwise_predicates import lcm as lcm

__all__ = [
    "addbmm", "addcdiv", "addcmul", "addmm", "addmv", "addr", "allclose", "angle",
    "atleast_1d", "atleast_2d", "atleast_3d", "baddbmm", "bernoulli", "block_diag", "bmm",
    "cartesian_prod", "cdist", "chain_matmul", "clamp_max", "clamp_min", "column_stack",
    "combinations", "conj_physical", "corrcoef", "cov", "cumulative_trapezoid", "deg2rad",
    "diag", "diagflat", "digamma", "dist", "dstack", "einsum", "erf", "erfc", "erfinv", "exp2",
    "fliplr", "flipud", "float_power", "fmax", "fmin", "fmod", "frac", "frexp", "from_numpy",
    "gcd", "ger", "heaviside", "hstack", "i0", "inner", "is_tensor", "isclose", "isin",
    "isneginf", "isposinf", "isreal", "kron", "lcm", "ldexp", "lerp", "lgamma", "logaddexp2",
    "logit", "logspace", "mm", "multinomial", "mv", "nan_to_num", "nanmean", "nanquantile",
    "nansum", "normal", "numel", "polar", "polygamma", "quantile", "rad2deg", "rand_like",
    "randint_like", "randn_like", "randperm", "ravel", "renorm", "resolve_conj", "resolve_neg",
    "rot90", "row_stack", "rsqrt", "rsub", "set_printoptions", "sgn", "sinc", "std_mean",
    "trapezoid", "trapz", "tril_indices", "triu_indices", "true_divide", "unflatten",
    "var_mean", "vdot", "vstack", "xlogy",
]
