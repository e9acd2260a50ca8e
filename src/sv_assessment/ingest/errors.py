"""The one error every reader raises for input it cannot read unambiguously: it names the file,
the sheet, the column, example rows and values, and what is wrong."""

from __future__ import annotations

from pathlib import Path

MAX_EXAMPLES = 5


class InputError(ValueError):
    """An input cannot be read as the canonical schema; the message says where and why."""

    def __init__(
        self,
        path: Path,
        problem: str,
        column: str | None = None,
        rows: list[int] | None = None,
        values: list[str] | None = None,
        sheet: str | None = None,
    ) -> None:
        self.path, self.problem, self.column, self.sheet = path, problem, column, sheet
        self.rows = rows or []
        self.values = values or []
        where = f"{path}"
        if sheet:
            where += f", sheet '{sheet}'"
        if column:
            where += f", column '{column}'"
        if self.rows:
            shown = ", ".join(str(r) for r in self.rows[:MAX_EXAMPLES])
            more = (
                f" and {len(self.rows) - MAX_EXAMPLES} more"
                if len(self.rows) > MAX_EXAMPLES
                else ""
            )
            where += f", rows {shown}{more}"
        if values:
            where += f" (values: {', '.join(repr(v) for v in values[:MAX_EXAMPLES])})"
        super().__init__(f"{where}: {problem}")
