"""The project's folders, named once: every other module takes its paths from here."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CONFIG_DIR = PROJECT_ROOT / "config"
DEFAULT_CONFIG = CONFIG_DIR / "kent_medway.yml"
CONTRACTS_DIR = PROJECT_ROOT / "data_contracts"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REPORT_DIR = PROJECT_ROOT / "report"  # the Quarto project's sources
COMMENTARY_DIR = REPORT_DIR / "commentary"
WORK_ROOT = PROJECT_ROOT / "build"  # staged data, cache, rendered project: never published
OUTPUTS_DIR = PROJECT_ROOT / "outputs"


def relative_to_project(path: Path) -> str:
    """A path as the reader of a report should see it: relative to the project when inside it."""
    path = Path(path)
    return (
        path.relative_to(PROJECT_ROOT).as_posix()
        if path.is_relative_to(PROJECT_ROOT)
        else str(path)
    )
