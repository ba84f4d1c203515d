"""The op modules, one per chapter of the Array API standard. Each differentiable op is
declared once, with ``autodiff.primitive``; the public names are re-exported from
``autodiff``, ``autodiff.linalg`` and ``autodiff.nn.functional``."""
