"""The plan's running totals per territory, kept up to date from the moved rows only.

All totals are int64 fixed-point (see workload.SCALE), so an incremental update after any sequence of moves
equals a full recomputation exactly, and undo gives back the very same numbers. Index -1 of every per-territory
array is the "unassigned" bucket, which is where assignment value -1 lands naturally.

It reads the plan through `AccountArrays` (the few arrays it needs), so the plan can own its totals without
this module importing the plan back.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np


class AccountArrays(Protocol):
    """What the totals need from a plan: the per-account arrays and the workload of rows by territory."""

    assignment: np.ndarray
    baseline: np.ndarray
    measure_values: np.ndarray
    segment_codes: np.ndarray
    segment_names: list[str]

    @property
    def n_territories(self) -> int: ...

    def rows_in(self, territory: int) -> np.ndarray: ...

    def workload_of(self, rows: np.ndarray, territories: np.ndarray) -> np.ndarray: ...


class KpiState:
    """Running totals per territory slot (+1 unassigned bucket) and the moved-vs-baseline tallies."""

    def __init__(self, counts: np.ndarray, sums: np.ndarray, workload: np.ndarray, seg_counts: np.ndarray,
                 moved_count: int, moved_sums: np.ndarray) -> None:
        self.counts = counts
        self.sums = sums
        self.workload = workload
        self.seg_counts = seg_counts
        self.moved_count = moved_count
        self.moved_sums = moved_sums

    @classmethod
    def full(cls, plan: AccountArrays) -> KpiState:
        """Recompute everything from scratch: the reference the incremental path is tested against."""
        k = plan.n_territories
        a = plan.assignment.astype(np.int64)
        idx = np.where(a < 0, k, a)
        counts = np.bincount(idx, minlength=k + 1).astype(np.int64)
        sums = np.zeros((k + 1, plan.measure_values.shape[1]), dtype=np.int64)
        np.add.at(sums, idx, plan.measure_values)
        workload = np.zeros(k + 1, dtype=np.int64)
        np.add.at(workload, idx, plan.workload_of(np.arange(len(a)), a))
        seg_counts = np.zeros((k + 1, max(len(plan.segment_names), 1)), dtype=np.int64)
        np.add.at(seg_counts, (idx, plan.segment_codes), 1)
        moved = a != plan.baseline
        return cls(counts, sums, workload, seg_counts, int(moved.sum()),
                   plan.measure_values[moved].sum(axis=0).astype(np.int64))

    def move(self, plan: AccountArrays, rows: np.ndarray, old: np.ndarray, new: np.ndarray) -> None:
        """Shift the moved rows' contributions from their old to their new territories."""
        k = plan.n_territories
        old = old.astype(np.int64)
        new = new.astype(np.int64)
        oi = np.where(old < 0, k, old)
        ni = np.where(new < 0, k, new)
        np.subtract.at(self.counts, oi, 1)
        np.add.at(self.counts, ni, 1)
        v = plan.measure_values[rows]
        np.subtract.at(self.sums, oi, v)
        np.add.at(self.sums, ni, v)
        np.subtract.at(self.workload, oi, plan.workload_of(rows, old))
        np.add.at(self.workload, ni, plan.workload_of(rows, new))
        seg = plan.segment_codes[rows]
        np.subtract.at(self.seg_counts, (oi, seg), 1)
        np.add.at(self.seg_counts, (ni, seg), 1)
        base = plan.baseline[rows]
        before = old != base
        after = new != base
        self.moved_count += int(after.sum()) - int(before.sum())
        self.moved_sums += v[after].sum(axis=0) - v[before].sum(axis=0)

    def recompute_workload(self, plan: AccountArrays, territory: int) -> None:
        """After a rep's home moved: re-add the travel of that territory's accounts only."""
        rows = plan.rows_in(territory)
        self.workload[territory] = int(plan.workload_of(rows, np.full(len(rows), territory)).sum())

    def insert_slot(self) -> None:
        """Make room for a new territory just before the unassigned bucket."""
        pos = len(self.counts) - 1
        self.counts = np.insert(self.counts, pos, 0)
        self.sums = np.insert(self.sums, pos, 0, axis=0)
        self.workload = np.insert(self.workload, pos, 0)
        self.seg_counts = np.insert(self.seg_counts, pos, 0, axis=0)

    def drop_last_slot(self) -> None:
        pos = len(self.counts) - 2
        self.counts = np.delete(self.counts, pos)
        self.sums = np.delete(self.sums, pos, axis=0)
        self.workload = np.delete(self.workload, pos)
        self.seg_counts = np.delete(self.seg_counts, pos, axis=0)

    def equals(self, other: KpiState) -> bool:
        return (np.array_equal(self.counts, other.counts) and np.array_equal(self.sums, other.sums)
                and np.array_equal(self.workload, other.workload)
                and np.array_equal(self.seg_counts, other.seg_counts)
                and self.moved_count == other.moved_count and np.array_equal(self.moved_sums, other.moved_sums))
