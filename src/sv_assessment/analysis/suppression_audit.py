"""Exact secondary suppression: an interval audit by linear programming, and a greedy choice of
the extra cells to hide until every hidden cell passes it. Long because the audit and the greedy
choice it steers (with what keeps it fast on linked tables) are one algorithm, kept together.

This is the audit the statistical agencies' tools run (tau-Argus, sdcTable): given every
published cell and every additive relation a reader knows (a row adds up to its total, the
columns add up to an area total published elsewhere), the least and greatest value each hidden
cell could take are two linear programmes. A hidden cell is protected when that interval is wide
enough that a reader cannot tell a small count from zero or from the threshold. Checking only
"no relation has exactly one hidden cell" is necessary but not sufficient: two hidden cells in a
row can be pinned by their columns, or five hidden cells by a total of five.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

__all__ = [
    "PROTECTION_RULES",
    "Relation",
    "AuditRule",
    "UnprotectableError",
    "choose_hidden",
    "audit_cells",
    "failing_cells",
    "feasible_intervals",
    "is_protected",
]

PROTECTION_RULES = ("range", "width")
"""When a hidden cell is protected, given the interval [low, high] a reader can narrow it to.
``range``: the interval spans at least the threshold, or it reaches from the least a hidden
count can be (1 where zeros are shown, since a shown zero tells the reader a hidden cell is not
zero; else 0) up to the threshold, so a reader cannot rule out either a count of 1 or a count
that would not have been hidden. ``width``: the interval spans at least the threshold (the
stricter, sdcTable-style protection level). Under both, a hidden cell that can be shown to be
at least the threshold is no small count and passes."""


@dataclass(frozen=True)
class Relation:
    """The cells ``parts`` add up to the cell ``total`` (indices into one flat array of cells)."""

    parts: tuple[int, ...]
    total: int


class UnprotectableError(ValueError):
    """No choice of extra cells protects the hidden ones: a total they add up to is known and
    too small to leave room (``failing``: the cells that fail)."""

    def __init__(self, message: str, failing: Sequence[int] = ()):
        super().__init__(message)
        self.failing = list(failing)


def is_protected(
    low: float, high: float, threshold: int, rule: str = "range", least: float = 1.0
) -> bool:
    """Whether a reader who can narrow a hidden cell to [low, high] still cannot tell it is a
    small count (``least``: the smallest value a hidden cell can have)."""
    tolerance = 1e-6
    if low >= threshold - tolerance or high - low >= threshold - tolerance:
        return True
    return rule == "range" and low <= least + tolerance and high >= threshold - tolerance


def _components(n: int, relations: Sequence[Relation], hidden: np.ndarray) -> list[list[int]]:
    """Relations grouped where they share a hidden cell: each group is one small LP."""
    parent = list(range(len(relations)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[int, int] = {}
    for index, relation in enumerate(relations):
        for cell in (*relation.parts, relation.total):
            if not hidden[cell]:
                continue
            if cell in owner:
                parent[find(index)] = find(owner[cell])
            else:
                owner[cell] = index
    groups: dict[int, list[int]] = {}
    for index, relation in enumerate(relations):
        if any(hidden[c] for c in (*relation.parts, relation.total)):
            groups.setdefault(find(index), []).append(index)
    return list(groups.values())


def feasible_intervals(
    values: np.ndarray,
    hidden: np.ndarray,
    relations: Sequence[Relation],
    least: float = 1.0,
    cells: set[int] | None = None,
    shortcut: float | None = None,
    stop=None,
    slack: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """The least and greatest value each hidden cell can take, given the published cells and
    the relations, with every hidden cell at least ``least``. Visible cells get their value;
    with ``cells``, only those hidden cells are solved (the rest keep [least, inf)). With
    ``shortcut`` (the gate, which knows the true values), the least value is not solved where
    the greatest is already ``shortcut`` above the true value (low is then left at ``least``).
    With ``stop`` (a test of a cell's interval), it returns as soon as one cell meets it.
    With ``slack`` (rounded figures), a visible cell is only known to within that of its
    value, so the visible cells of a group are unknowns too, each within its slack."""
    low = np.where(hidden, least, values).astype(float)
    high = np.where(hidden, np.inf, values).astype(float)
    # Under slack, a visible cell is an unknown too and joins the relations it is in.
    linking = hidden if not slack else np.ones(len(values), bool)
    for group in _components(len(values), relations, linking):
        unknowns = sorted(
            {
                c
                for r in group
                for c in (*relations[r].parts, relations[r].total)
                if hidden[c] or slack
            }
        )
        column = {cell: j for j, cell in enumerate(unknowns)}
        a_eq = np.zeros((len(group), len(unknowns)))
        b_eq = np.zeros(len(group))
        for i, r in enumerate(group):
            relation = relations[r]
            for cell, sign in [*((p, 1.0) for p in relation.parts), (relation.total, -1.0)]:
                if cell in column:
                    a_eq[i, column[cell]] += sign
                else:
                    b_eq[i] -= sign * values[cell]
        bounds = [
            (least, None) if hidden[c] else (max(values[c] - slack, 0.0), values[c] + slack)
            for c in unknowns
        ]
        for cell, j in column.items():
            if not hidden[cell]:
                continue
            if cells is not None and cell not in cells:
                continue
            objective = np.zeros(len(unknowns))
            objective[j] = 1.0
            most = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
            if most.status == 2:  # infeasible: the published figures contradict each other
                raise ValueError("published cells are inconsistent with their totals")
            high[cell] = -most.fun if most.status == 0 else np.inf
            if shortcut is not None and high[cell] - values[cell] >= shortcut:
                continue  # lo <= the true value, so the interval is wide enough already
            lowest = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
            low[cell] = lowest.fun if lowest.status == 0 else least
            if stop is not None and stop(low[cell], high[cell]):
                return low, high
    return low, high


def _exactly_pinned(hidden: np.ndarray, relations: Sequence[Relation]) -> set[int]:
    """Hidden cells alone among their relation's cells: a subtraction recovers them (no LP)."""
    pinned: set[int] = set()
    for relation in relations:
        cells = [c for c in (*relation.parts, relation.total) if hidden[c]]
        if len(cells) == 1:
            pinned.add(cells[0])
    return pinned


@dataclass(frozen=True)
class AuditRule:
    """What counts as protected: the threshold, the rule, and the least a hidden cell can be."""

    threshold: int
    rule: str = "range"
    least: float = 1.0


def _stays_protected(low: float, high: float, audit: AuditRule) -> bool:
    """Protected in a way that hiding more cells cannot undo: the interval only widens, so a
    wide one stays wide and one that spans [least, threshold] still does. (Protected only
    because it is known to be at least the threshold is not: [6, 6] passes, [3, 7] fails.)"""
    tolerance = 1e-6
    if high - low >= audit.threshold - tolerance:
        return True
    return (
        audit.rule == "range"
        and low <= audit.least + tolerance
        and high >= audit.threshold - tolerance
    )


def audit_cells(
    values: np.ndarray,
    hidden: np.ndarray,
    relations: Sequence[Relation],
    protect: np.ndarray,
    audit: AuditRule,
    skip: set[int] = frozenset(),
    values_known: bool = True,
    first_only: bool = False,
    slack: float = 0.0,
) -> tuple[list[int], set[int]]:
    """The hidden cells in ``protect`` that fail (not looking at ``skip``), and those that pass
    for good (``_stays_protected``: they need no second look after more cells are hidden).
    With ``first_only``, it stops at the first failing cell (a yes-or-no question); ``slack``
    as ``feasible_intervals`` (rounded figures)."""
    wanted = protect & hidden
    wanted[list(skip)] = False
    pinned = [
        c for c in _exactly_pinned(hidden, relations) if wanted[c] and values[c] < audit.threshold
    ]
    if pinned and values_known:  # cheap first: a lone hidden cell in a relation needs no LP to find
        return sorted(pinned), set()
    check = set(np.flatnonzero(wanted).tolist())
    shortcut = audit.threshold if values_known else None

    def fails(low: float, high: float) -> bool:
        return not is_protected(low, high, audit.threshold, audit.rule, audit.least)

    stop = fails if first_only else None
    low, high = feasible_intervals(
        values, hidden, relations, audit.least, check, shortcut, stop, slack
    )
    failing, for_good = [], set()
    for c in np.flatnonzero(wanted):
        if fails(low[c], high[c]):
            failing.append(int(c))
        elif _stays_protected(low[c], high[c], audit):
            for_good.add(int(c))
    return failing, for_good


def failing_cells(
    values: np.ndarray,
    hidden: np.ndarray,
    relations: Sequence[Relation],
    protect: np.ndarray,
    audit: AuditRule,
    skip: set[int] = frozenset(),
    values_known: bool = True,
    first_only: bool = False,
    slack: float = 0.0,
) -> list[int]:
    """Hidden cells in ``protect`` that a reader can narrow too far (not looking at ``skip``)."""
    return audit_cells(
        values, hidden, relations, protect, audit, skip, values_known, first_only, slack
    )[0]


def _neighbours(cell: int, relations: Sequence[Relation]) -> set[int]:
    return {
        c
        for relation in relations
        if cell in relation.parts or cell == relation.total
        for c in (*relation.parts, relation.total)
    }


def _linked(cells: list[int], hidden: np.ndarray, relations: Sequence[Relation]) -> set[int]:
    """The hidden cells joined to ``cells`` through relations: a failing cell is pinned through
    its partners' relations as well as its own, so the cure may lie a step away."""
    found, frontier = set(cells), list(cells)
    while frontier:
        for cell in _neighbours(frontier.pop(), relations):
            if hidden[cell] and cell not in found:
                found.add(cell)
                frontier.append(cell)
    return found


def choose_hidden(
    values: np.ndarray,
    primary: np.ndarray,
    relations: Sequence[Relation],
    audit: AuditRule,
    locked: np.ndarray | None = None,
    protect: np.ndarray | None = None,
) -> np.ndarray:
    """Hide ``primary`` and, greedily, as little else as needed for every hidden cell in
    ``protect`` (default: every hidden cell) to pass the audit.

    Each round hides the visible cell sharing a relation with a failing cell that has the
    smallest value (the least information lost, as sdcTable weighs cells by default); a last
    pass un-hides any extra cell the audit does not need, largest first. ``locked`` cells are
    known to the reader whatever this table does (totals published elsewhere) and are never
    hidden; zeros are never hidden where zeros are shown (a hidden cell is then known not to
    be zero, ``audit.least == 1``).
    """
    n = len(values)
    locked = np.zeros(n, bool) if locked is None else locked
    if audit.least > 0:
        locked = locked | (values == 0)
    hidden = primary.copy()
    protect_mask = np.ones(n, bool) if protect is None else protect
    extra: list[int] = []
    # Hiding a cell only widens the others' intervals, so a cell whose interval is wide enough
    # stays passed; one that passed only as known to be at least the threshold is looked at
    # again (widened to e.g. [3, 7] it fails: the Medway edition's knife table did).
    passed: set[int] = set()

    def audit_again(skip: set[int]) -> list[int]:
        found, for_good = audit_cells(values, hidden, relations, protect_mask, audit, skip | passed)
        passed.update(for_good)
        return found

    failing = audit_again(set())
    while failing:
        # The failing cells' own relations first; if they are used up, a step further out
        # (a failing cell is pinned through its hidden partners' relations too).
        near = set().union(*(_neighbours(c, relations) for c in failing))
        candidates = [c for c in near if not hidden[c] and not locked[c]]
        if not candidates:
            linked = _linked(failing, hidden, relations)
            near = set().union(*(_neighbours(c, relations) for c in linked))
            candidates = [c for c in near if not hidden[c] and not locked[c]]
        if not candidates:  # last resort: any cell that may still be hidden
            candidates = [int(c) for c in np.flatnonzero(~hidden & ~locked)]
        if not candidates:
            raise UnprotectableError(
                f"{len(failing)} hidden cell(s) cannot be protected by hiding more cells "
                "(a total they belong to is published and small)",
                sorted(_linked(failing, hidden, relations)),
            )
        chosen = [min(candidates, key=lambda c: (values[c], c))]
        # In a large table, one cell for each failing cell whose relations have none hidden
        # in this round, so that a round does more than one cell's work (the last pass shows
        # again any that turn out not to be needed).
        for cell in failing:
            mine = _neighbours(cell, relations)
            if mine & set(chosen):
                continue
            own = [c for c in mine if not hidden[c] and not locked[c] and c not in chosen]
            if own:
                chosen.append(min(own, key=lambda c: (values[c], c)))
        hidden[chosen] = True
        extra.extend(chosen)
        # Hiding a cell widens only the intervals of the hidden cells joined to it: the others
        # keep their verdict, and only the joined ones are solved again.
        joined = _linked(chosen, hidden, relations)
        rest = set(np.flatnonzero(hidden).tolist()) - joined
        failing = sorted({c for c in failing if c not in joined} | set(audit_again(rest)))
        if not failing:  # a last look at every cell before stopping
            failing = audit_again(set())
    for cell in sorted(extra, key=lambda c: -values[c]):
        hidden[cell] = False
        # Showing a cell narrows only the hidden cells joined to it through relations.
        joined = _linked([c for c in _neighbours(cell, relations) if hidden[c]], hidden, relations)
        others = set(np.flatnonzero(hidden).tolist()) - joined
        if failing_cells(values, hidden, relations, protect_mask, audit, others, first_only=True):
            hidden[cell] = True
    return hidden
