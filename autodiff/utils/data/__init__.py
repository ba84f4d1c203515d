"""``autodiff.utils.data``: datasets, samplers and the ``DataLoader`` (PyTorch's
``torch.utils.data``), loading in the calling process (``num_workers=0``).

>>> import autodiff as ad
>>> from autodiff.utils.data import DataLoader, TensorDataset, random_split
>>> data = TensorDataset(ad.randn(100, 3), ad.randint(0, 2, (100,)))
>>> train, test = random_split(data, [0.8, 0.2], generator=ad.Generator().manual_seed(0))
>>> loader = DataLoader(train, batch_size=32, shuffle=True)
>>> [tuple(x.shape) for x, y in loader]
[(32, 3), (32, 3), (16, 3)]
"""

from ._collate import default_collate as default_collate
from ._collate import default_convert as default_convert
from .dataloader import DataLoader as DataLoader
from .dataloader import get_worker_info as get_worker_info
from .dataset import ChainDataset as ChainDataset
from .dataset import ConcatDataset as ConcatDataset
from .dataset import Dataset as Dataset
from .dataset import IterableDataset as IterableDataset
from .dataset import Subset as Subset
from .dataset import TensorDataset as TensorDataset
from .dataset import random_split as random_split
from .sampler import BatchSampler as BatchSampler
from .sampler import RandomSampler as RandomSampler
from .sampler import Sampler as Sampler
from .sampler import SequentialSampler as SequentialSampler
from .sampler import SubsetRandomSampler as SubsetRandomSampler
from .sampler import WeightedRandomSampler as WeightedRandomSampler

__all__ = ["BatchSampler", "ChainDataset", "ConcatDataset", "DataLoader", "Dataset",
           "IterableDataset", "RandomSampler", "Sampler", "SequentialSampler", "Subset",
           "SubsetRandomSampler", "TensorDataset", "WeightedRandomSampler", "default_collate",
           "default_convert", "get_worker_info", "random_split"]
