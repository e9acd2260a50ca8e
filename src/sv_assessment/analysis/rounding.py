"""Controlled rounding of the counts a table shows, as NHS and ONS sub-national tables round
to the nearest 5: each shown count becomes a multiple of the base next to it (below or above),
chosen so that every total still adds up to its parts as shown, and as close to the true
counts as that allows (the total distance is least; an integer programme, ``scipy.optimize.
milp``, as in tau-Argus's controlled rounding).

Rounding is applied after suppression, whose audit used the exact counts: a reader of rounded
figures knows less than one of exact figures, so no hidden count becomes easier to work out.
A count already a multiple of the base (0 among them) stays as it is. Where no choice keeps
every total (a few linked tables can be so), the relations that cannot hold are dropped one at
a time, the least-needed first, and ``Rounded.unbalanced`` says how many.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from sv_assessment.analysis.suppression_audit import Relation


@dataclass(frozen=True)
class Rounded:
    values: np.ndarray
    unbalanced: int = 0  # relations among shown cells that could not be kept


def round_nearest(values: np.ndarray, base: int) -> np.ndarray:
    """Each value to the nearest multiple of ``base`` (halves up)."""
    return np.floor(np.asarray(values, float) / base + 0.5) * base


def controlled_round(
    values: np.ndarray,
    shown: np.ndarray,
    relations: Sequence[Relation],
    base: int,
    fixed: dict[int, float] | None = None,
) -> Rounded:
    """The cells in ``shown`` rounded to a multiple of ``base`` next to them (the others keep
    their value) so that every relation whose cells are all shown still adds up; ``fixed``
    cells take a value already published (a count another table rounded)."""
    values = np.asarray(values, float)
    out = values.copy()
    if base <= 1:
        return Rounded(out)
    fixed = dict(fixed or {})
    low = np.floor(values / base) * base
    free = [
        int(c)
        for c in np.flatnonzero(shown)
        if c not in fixed and not np.isnan(values[c]) and values[c] != low[c]
    ]
    for c in np.flatnonzero(shown):
        if int(c) in fixed:
            out[c] = fixed[int(c)]
        elif not np.isnan(values[c]):
            out[c] = low[c]  # the free ones get their choice below
    kept = [r for r in relations if all(shown[c] for c in (*r.parts, r.total))]
    column = {c: j for j, c in enumerate(free)}
    # Rounding up costs base - 2 * (value - low) more than rounding down.
    cost = np.array([base - 2 * (values[c] - low[c]) for c in free], float)
    dropped = 0
    while True:
        rows, bounds = [], []
        for relation in kept:
            row = np.zeros(len(free))
            rest = -out[relation.total]
            for part in relation.parts:
                rest += out[part]
                if part in column:
                    row[column[part]] += base
            if relation.total in column:
                row[column[relation.total]] -= base
            rows.append(row)
            bounds.append(-rest)
        if not free:
            if all(abs(b) < 1e-6 for b in bounds) or not kept:
                return Rounded(out, dropped)
        else:
            constraints = (
                [LinearConstraint(np.array(rows), np.array(bounds), np.array(bounds))]
                if rows
                else []
            )
            result = milp(
                cost,
                constraints=constraints,
                integrality=np.ones(len(free)),
                bounds=Bounds(0, 1),
            )
            if result.status == 0:
                for c, up in zip(free, np.round(result.x), strict=True):
                    out[c] = low[c] + base * up
                return Rounded(out, dropped)
        # No choice keeps every total: drop the relation with the most cells (a grand total
        # over many, the least a reader needs), and try again.
        if not kept:
            return Rounded(out, dropped)
        kept.remove(max(kept, key=lambda r: (len(r.parts), r.total)))
        dropped += 1
