"""ember.nn: modules, parameters, functional, init. See torch.nn."""

import importlib as _importlib

from .modules import *
from .parameter import Buffer, Parameter, UninitializedBuffer, UninitializedParameter  # noqa: F401

# NOTE: the star import also brings nn.modules' submodule names, and nn.modules.utils (_pair etc.) is not nn.utils:
# bind these names explicitly (`from . import utils` would return the attribute the star import just set)
functional = _importlib.import_module(".functional", __name__)
init = _importlib.import_module(".init", __name__)
parameter = _importlib.import_module(".parameter", __name__)
utils = _importlib.import_module(".utils", __name__)
