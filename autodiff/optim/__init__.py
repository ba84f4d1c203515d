"""``autodiff.optim``: optimizers and learning-rate schedulers (PyTorch's ``torch.optim``).

``autodiff.optim.lr_scheduler`` holds the schedulers (``StepLR``, ``CosineAnnealingLR``,
``OneCycleLR``, ``ReduceLROnPlateau`` ...); they drive any optimizer with PyTorch's
``param_groups``.
"""

from . import lr_scheduler as lr_scheduler
