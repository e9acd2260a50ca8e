"""What a notebook calls first: ``open_chapter`` gives it the chapter's context.

An entry point like ``cli``: it sits above the build, so that a notebook opened in JupyterLab
with its default parameters can stage the inputs it needs, while the chapter modules below it
never reach up into the build.
"""

from __future__ import annotations

from pathlib import Path

from sv_assessment.build import orchestrate
from sv_assessment.catalog import StagedData, WorkFolder
from sv_assessment.chapters.runtime import Chapter
from sv_assessment.config import load_config


def open_chapter(
    config_path: str | None = None,
    assessment_year: int | None = None,
    staged_dir: str | None = None,
    tables_dir: str | None = None,
    static_images: bool = False,
    district: str | None = None,
) -> Chapter:
    """The chapter's context. With no arguments it uses the demo config and, if the inputs are
    not staged yet, stages them, so a notebook runs top to bottom in JupyterLab as it is.

    Staged data is used only while it is current, as the pipeline judges it (the same inputs,
    config, contracts and staging code) and its contracts passed: otherwise it is staged again,
    so an analyst never works on data staged by older code, and data whose contracts failed is
    refused with the same message on every run. A ``staged_dir`` given (as the pipeline gives
    it) is used as it is once staged. ``district``
    (a name or ONS code) narrows the chapter to that one district, for a district briefing."""
    config = load_config(config_path, assessment_year)
    place = config.for_place(district)
    work = WorkFolder.for_assessment(config.path.stem, config.assessment_year)
    staged = StagedData(Path(staged_dir)) if staged_dir else work.staged
    if not staged_dir or not staged.is_staged():
        orchestrate.stage(config, staged.directory, force=False)
    tables = Path(tables_dir) if tables_dir else work.interactive_tables_dir
    if district and not tables_dir:
        tables = tables / "-".join(d.code for d in place.districts)
    codes = tuple(d.code for d in place.districts)
    code = None if place is config else codes[0] if len(codes) == 1 else codes
    return Chapter(place, staged.directory, tables, static_images, code, area_config=config)
