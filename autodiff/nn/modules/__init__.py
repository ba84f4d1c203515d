"""The classes of ``autodiff.nn``: ``Module``, its containers and its layers."""

from .container import ModuleDict as ModuleDict
from .container import ModuleList as ModuleList
from .container import ParameterDict as ParameterDict
from .container import ParameterList as ParameterList
from .container import Sequential as Sequential
from .module import Module as Module
