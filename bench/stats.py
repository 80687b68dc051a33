"""Small statistics for noisy machines: medians and paired ratios."""

from __future__ import annotations

import statistics
from collections.abc import Sequence


def median(values: Sequence[float]) -> float:
    """The median of ``values`` (at least one)."""
    return float(statistics.median(values))


def paired_ratio(numerators: Sequence[float], denominators: Sequence[float]) -> float:
    """The median of ``numerators[i] / denominators[i]``.

    Runs ``i`` of both sides were taken next to each other, so each pair saw the same moment of
    a shared machine; the median of the pairs' ratios is steadier than a ratio of medians.
    """
    if len(numerators) != len(denominators) or not numerators:
        raise ValueError("paired_ratio needs two non-empty sequences of the same length")
    return median([n / d for n, d in zip(numerators, denominators, strict=True)])
