"""Chapter: priorities and recommendations, from the analyst's structured entries.

The partnership writes ``report/commentary/13_priorities.yml``: a list of entries, each with a
``priority``, a ``recommendation``, an ``owner`` and the ``evidence`` it rests on (charts by
the name they are published under, e.g. ``sv_monthly``, each with the words ``says``). Each
piece of evidence becomes a cross-reference to its chart (``#figure-<name>``), which works in
the web page and the PDF; a reference to a chart the edition does not have is shown as plain
text by the report filter rather than as a broken link. The demo, which has no entries of its
own, shows synthetic ones, labelled as such.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

ENTRIES_FILE = "13_priorities.yml"


class Evidence(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    figure: str = Field(pattern=r"^[a-z0-9_]+$")
    says: str = Field(min_length=1)


class Priority(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    priority: str = Field(min_length=1)
    recommendation: str = ""
    owner: str = Field(min_length=1)
    evidence: tuple[Evidence, ...] = ()


class PrioritiesError(ValueError):
    """The priorities file cannot be read as entries."""


def parse(text: str, where: str) -> list[Priority]:
    data = yaml.safe_load(text) or []
    if not isinstance(data, list):
        raise PrioritiesError(f"{where}: expected a list of entries (- priority: ...)")
    entries = []
    for number, item in enumerate(data, start=1):
        try:
            entries.append(Priority.model_validate(item))
        except ValidationError as error:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'entry'}: {e['msg']}"
                for e in error.errors()
            )
            raise PrioritiesError(f"{where}, entry {number}: {problems}") from None
    return entries


def load(directory: Path, synthetic: bool) -> tuple[list[Priority], bool] | None:
    """The partnership's entries, or, for a synthetic assessment without any, the demo's
    (second value True). None when there are none to show."""
    path = directory / ENTRIES_FILE
    if path.is_file():
        return parse(path.read_text(encoding="utf-8"), str(path)), False
    if synthetic:
        demo = resources.files("sv_assessment.demo").joinpath("priorities.yml")
        return parse(demo.read_text(encoding="utf-8"), "demo priorities"), True
    return None


def not_available_note() -> str:
    return (
        f"**Not available: priorities and recommendations.** No entries were written for this "
        f"assessment. To add them, write `report/commentary/{ENTRIES_FILE}` as a list of "
        "entries, each with `priority`, `recommendation`, `owner` and `evidence` (each "
        "`{figure: <chart name>, says: <what it shows>}`, the chart names being those of the "
        "published tables, e.g. `sv_monthly`). Where to get it: the partnership's board, "
        "from this assessment's findings."
    )


def markdown(entries: list[Priority], synthetic: bool) -> str:
    """The entries as numbered sections, each piece of evidence a link to its chart."""
    parts = []
    if synthetic:
        parts.append(
            "::: {.synthetic}\n**Synthetic example priorities.** These entries were written for "
            "the demo's synthetic data to show the form; they are not a partnership's.\n:::"
        )
    for number, entry in enumerate(entries, start=1):
        lines = [f"## Priority {number}: {entry.priority} {{#{anchor(number)}}}", ""]
        if entry.recommendation:
            lines += [entry.recommendation.strip(), ""]
        lines.append(f"**Owner:** {entry.owner}")
        if entry.evidence:
            lines += ["", "**Evidence:**", ""]
            lines += [f"- [{e.says}](#figure-{e.figure})" for e in entry.evidence]
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def anchor(number: int) -> str:
    """The id of a priority's heading, which the summary links to (HTML and PDF)."""
    return f"priority-{number}"


def summary_markdown(entries: list[Priority], synthetic: bool) -> str:
    """The priorities as the summary lists them: each a link to its section in the priorities
    chapter, with its owner and a link to each chart it rests on."""
    lines = []
    if synthetic:
        lines += ["*Synthetic example priorities, written for the demo's synthetic data.*", ""]
    for number, entry in enumerate(entries, start=1):
        evidence = "; ".join(f"[{e.says}](#figure-{e.figure})" for e in entry.evidence)
        lines.append(
            f"{number}. [{entry.priority}](#{anchor(number)}). Owner: {entry.owner}."
            + (f" Evidence: {evidence}." if evidence else "")
        )
    return "\n".join(lines)


def summary_table(entries: list[Priority]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "priority": [e.priority for e in entries],
            "owner": [e.owner for e in entries],
            "evidence": ["; ".join(x.says for x in e.evidence) for e in entries],
        }
    )
