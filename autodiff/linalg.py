"""``autodiff.linalg``: the Array API linear algebra extension, differentiable.

Every function takes batches of matrices (the last two axes) and works on numpy,
array-api-strict and cupy alike through the backend's own ``linalg`` namespace.
The multi-output functions return named tuples with the standard's field names.

>>> import autodiff as ad
>>> ad.linalg.vector_norm(ad.tensor([[3.0, 4.0]]), axis=1)
tensor([5.])
"""

from __future__ import annotations

from .ops._linalg_util import EighResult as EighResult
from .ops._linalg_util import LinAlgError as LinAlgError
from .ops._linalg_util import QRResult as QRResult
from .ops._linalg_util import SlogdetResult as SlogdetResult
from .ops._linalg_util import SVDResult as SVDResult
from .ops.linalg import cross as cross
from .ops.linalg import matmul as matmul
from .ops.linalg import outer as outer
from .ops.linalg import tensordot as tensordot
from .ops.linalg import vecdot as vecdot
from .ops.linalg_diag import trace as trace
from .ops.linalg_eig import EigResult as EigResult
from .ops.linalg_eig import eig as eig
from .ops.linalg_eig import eigvals as eigvals
from .ops.linalg_ex import LUFactorExResult as LUFactorExResult
from .ops.linalg_ex import SolveExResult as SolveExResult
from .ops.linalg_ex import lu_factor_ex as lu_factor_ex
from .ops.linalg_ex import solve_ex as solve_ex
from .ops.linalg_ex import tensorinv as tensorinv
from .ops.linalg_ex import tensorsolve as tensorsolve
from .ops.linalg_extra import CholeskyExResult as CholeskyExResult
from .ops.linalg_extra import InvExResult as InvExResult
from .ops.linalg_extra import LstsqResult as LstsqResult
from .ops.linalg_extra import cholesky_ex as cholesky_ex
from .ops.linalg_extra import cond as cond
from .ops.linalg_extra import householder_product as householder_product
from .ops.linalg_extra import inv_ex as inv_ex
from .ops.linalg_extra import lstsq as lstsq
from .ops.linalg_extra import matrix_exp as matrix_exp
from .ops.linalg_extra import multi_dot as multi_dot
from .ops.linalg_extra import norm as norm
from .ops.linalg_extra import solve_triangular as solve_triangular
from .ops.linalg_extra import vander as vander
from .ops.linalg_lu import LUFactorResult as LUFactorResult
from .ops.linalg_lu import LUResult as LUResult
from .ops.linalg_lu import lu as lu
from .ops.linalg_lu import lu_factor as lu_factor
from .ops.linalg_lu import lu_solve as lu_solve
from .ops.linalg_solve import cholesky as cholesky
from .ops.linalg_solve import det as det
from .ops.linalg_solve import inv as inv
from .ops.linalg_solve import matrix_power as matrix_power
from .ops.linalg_solve import slogdet as slogdet
from .ops.linalg_solve import solve as solve
from .ops.linalg_spectral import qr as qr
from .ops.linalg_spectral import svd as svd
from .ops.linalg_spectral import svdvals as svdvals
from .ops.linalg_spellings import diagonal as diagonal
from .ops.linalg_spellings import eigh as eigh
from .ops.linalg_spellings import eigvalsh as eigvalsh
from .ops.linalg_spellings import matrix_norm as matrix_norm
from .ops.linalg_spellings import matrix_rank as matrix_rank
from .ops.linalg_spellings import pinv as pinv
from .ops.linalg_spellings import vector_norm as vector_norm
from .ops.manipulation import matrix_transpose as matrix_transpose

__all__ = ["EighResult", "LinAlgError", "QRResult", "SVDResult", "SlogdetResult", "cholesky",
           "cross", "det", "diagonal", "eigh", "eigvalsh", "inv", "matmul", "matrix_norm",
           "matrix_power", "matrix_rank", "matrix_transpose", "outer", "pinv", "qr", "slogdet",
           "solve", "svd", "svdvals", "tensordot", "trace", "vecdot", "vector_norm"]
__all__ += ["CholeskyExResult", "EigResult", "InvExResult", "LstsqResult", "cholesky_ex", "cond",
            "eig", "eigvals", "householder_product", "inv_ex", "lstsq", "matrix_exp",
            "multi_dot", "norm", "solve_triangular", "vander"]
__all__ += ["LUFactorResult", "LUResult", "lu", "lu_factor", "lu_solve"]
__all__ += ["LUFactorExResult", "SolveExResult", "lu_factor_ex", "solve_ex", "tensorinv",
            "tensorsolve"]
