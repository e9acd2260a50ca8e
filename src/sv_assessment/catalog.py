"""The catalog: where each assessment's staged data and work files live, under which names, and
how they are read. It is the only module that builds a staged path; everyone else asks it.

Layout of one assessment's work folder, ``build/<config>/<year>/``::

    staged/<input>.parquet             rows used
    staged/<input>.quarantine.parquet  rows set aside, with ``set_aside_reason``
    staged/inputs.json                 what was read from each input (hashes, counts)
    staged/contracts.json              the data-contract results
    staged/manifest.json               the staging key and column fingerprints (the cache's)
    cache/<step>/<key>/                cached executions of each chapter and of the assembly
    chapters/                          the executed chapters gathered for the assembly
    report/                            the Quarto project written for the assembly
    interactive/tables/                tables written when a chapter runs in JupyterLab
    editions/<place>/                  an edition's own cache, chapters and report

pandas is imported only when a frame is read, so a no-change rebuild stays fast.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sv_assessment.paths import WORK_ROOT

if TYPE_CHECKING:
    import pandas as pd

INPUTS_FILE = "inputs.json"
CONTRACTS_FILE = "contracts.json"
MANIFEST_FILE = "manifest.json"
SUMMARY_FILES = (INPUTS_FILE, CONTRACTS_FILE)  # staged summaries a chapter may declare it reads
QUARANTINE = ".quarantine"


@dataclass(frozen=True)
class StagedData:
    """One staged snapshot of an assessment's inputs: the folder every chapter reads from."""

    directory: Path

    def path(self, name: str) -> Path:
        """The Parquet file of a staged input (``name`` may end in ``.quarantine``)."""
        return self.directory / f"{name}.parquet"

    def quarantine_path(self, name: str) -> Path:
        return self.path(name + QUARANTINE)

    @property
    def inputs_file(self) -> Path:
        return self.directory / INPUTS_FILE

    @property
    def contracts_file(self) -> Path:
        return self.directory / CONTRACTS_FILE

    @property
    def manifest_file(self) -> Path:
        return self.directory / MANIFEST_FILE

    def provided(self, name: str) -> bool:
        return self.path(name).exists()

    def read(self, name: str, columns: list[str] | None = None) -> pd.DataFrame:
        import pandas as pd

        return pd.read_parquet(self.path(name), columns=columns)

    def write(self, name: str, frame: pd.DataFrame) -> Path:
        path = self.path(name)
        frame.to_parquet(path, index=False)
        return path

    def quarantined_inputs(self, names: list[str]) -> list[str]:
        """Of ``names``, those with a file of rows set aside."""
        return [n for n in names if self.quarantine_path(n).exists()]

    def input_summary(self) -> dict[str, dict]:
        return json.loads(self.inputs_file.read_text(encoding="utf-8"))

    def contract_reports(self) -> list[dict]:
        return json.loads(self.contracts_file.read_text(encoding="utf-8"))

    def is_staged(self) -> bool:
        return self.inputs_file.exists()


@dataclass(frozen=True)
class WorkFolder:
    """The work folder of one assessment (a config and a year): staged data, cache, project."""

    root: Path

    @classmethod
    def for_assessment(cls, config_stem: str, year: int, work_root: Path = WORK_ROOT) -> WorkFolder:
        return cls(work_root / config_stem / str(year))

    @property
    def staged(self) -> StagedData:
        return StagedData(self.root / "staged")

    def edition(self, name: str) -> WorkFolder:
        """An edition's own work folder (cache, chapters, report) inside the area's: it reads
        the area's staged data (``staged``), never a copy."""
        return WorkFolder(self.root / "editions" / name)

    @property
    def cache_dir(self) -> Path:
        return self.root / "cache"

    @property
    def chapters_dir(self) -> Path:
        return self.root / "chapters"

    @property
    def report_project_dir(self) -> Path:
        return self.root / "report"

    @property
    def failed_dir(self) -> Path:
        """Executed chapters that failed, kept for the analyst to open (never cached)."""
        return self.root / "failed"

    @property
    def interactive_tables_dir(self) -> Path:
        return self.root / "interactive" / "tables"
