"""THE place for differentiable ops: each primitive is one Op subclass, forward on ndarrays above backward on Tensors.

REGISTRY maps every primitive's class name to its class; the gradcheck sweep in tests/ covers all of it.
"""

from .op import REGISTRY, Op  # noqa: F401
