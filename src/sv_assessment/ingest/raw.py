"""An input's cells as text, before any typing, with where each row came from."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass
class RawTable:
    """An input's cells as text, before any typing, with where each row came from."""

    frame: pd.DataFrame  # text columns under their raw header names
    lines: np.ndarray  # file line (CSV) or sheet row (Excel) of each row, 1-based
    header_line: int
    fmt: str  # "csv" or "xlsx"
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    blank_rows_skipped: int = 0

    def describe(self) -> dict:
        """How the file was read, for inputs.json and the run record."""
        return {
            "format": self.fmt,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "sheet": self.sheet,
            "header_line": self.header_line,
            "blank_rows_skipped": self.blank_rows_skipped,
        }


def unique_names(cells: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    names = []
    for i, cell in enumerate(cells):
        name = str(cell).strip() or f"(unnamed column {i + 1})"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 0
        names.append(name)
    return names
