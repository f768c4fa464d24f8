"""Sequence padding helpers. See torch.nn.utils.rnn."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ..._tensor import Tensor

__all__ = ["pad_sequence", "unpad_sequence"]


def pad_sequence(sequences: Tensor | list[Tensor], batch_first: bool = False, padding_value: float = 0.0,
                 padding_side: str = "right") -> Tensor:  # fmt: skip
    """Stack variable-length sequences (L_i, *) into (L_max, B, *), or (B, L_max, *) with batch_first.

    >>> pad_sequence([ember.tensor([1, 2]), ember.tensor([3])])
    tensor([[1, 3],
            [2, 0]])
    """
    if not isinstance(sequences, Iterable):
        raise RuntimeError(f"pad_sequence: Expected iterable for input sequences, but got arg of type: "  # noqa: TRY004 - torch's exception type
                           f"{type(sequences)}")  # fmt: skip
    sequences = tuple(sequences)
    if len(sequences) == 0:
        raise RuntimeError("received an empty list of sequences")
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got {padding_side}.")
    first = sequences[0]
    if first.dim() == 0:
        raise RuntimeError("ArrayRef: invalid slice, N = 1; size = 0")
    trailing = tuple(first.shape[1:])
    max_len = max(s.shape[0] for s in sequences)
    n = len(sequences)
    out_dims = (n, max_len) + trailing if batch_first else (max_len, n) + trailing
    out = first.new_full(out_dims, padding_value)
    for i, seq in enumerate(sequences):
        length = seq.shape[0]
        _check_broadcast(tuple(seq.shape[1:]), trailing)
        rows = slice(0, length) if padding_side == "right" else slice(max_len - length, max_len)
        if batch_first:
            out[i, rows, ...] = seq
        else:
            out[rows, i, ...] = seq
    return out


def _check_broadcast(src: tuple[int, ...], dst: tuple[int, ...]) -> None:
    """torch's error when a sequence's trailing dims do not broadcast to the first sequence's."""
    try:
        np.broadcast_shapes(src, dst)
    except ValueError:
        a, b = dst[::-1], src[::-1]
        for k in range(min(len(a), len(b))):
            if a[k] != b[k] and a[k] != 1 and b[k] != 1:
                dim = max(len(a), len(b)) - 1 - k + 1  # +1: the length dim of the sequences
                raise RuntimeError(f"The size of tensor a ({a[k]}) must match the size of tensor b ({b[k]}) at "
                                   f"non-singleton dimension {dim}") from None  # fmt: skip
        raise


def unpad_sequence(padded_sequences: Tensor, lengths: Tensor, batch_first: bool = False) -> list[Tensor]:
    """Split a padded batch back into its sequences (the inverse of pad_sequence)."""
    from ..._creation import arange

    if not batch_first:
        padded_sequences.transpose_(0, 1)  # NOTE: in place, as torch does
    idx = arange(padded_sequences.shape[1])
    return [seq[idx < length] for seq, length in zip(padded_sequences, lengths)]
