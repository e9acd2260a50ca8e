"""The Quarto project in report/ and the copy the build writes obey Quarto's own rules.

Quarto is not installed here, so its validator cannot run; tests/quarto_schema.py restates the
rules of its schema (1.9) that our files touch, and these tests hold every _quarto*.yml to them,
plus the rules of Quarto's profiles (src/project/project-profile.ts, src/core/config.ts).
"""

from __future__ import annotations

import re
import typing
from pathlib import Path

import nbformat
import pytest
import yaml

from sv_assessment.config_file import SourceName
from sv_assessment.paths import PROJECT_ROOT, REPORT_DIR
from sv_assessment.rendering import profiles, project
from tests.quarto_schema import problems

SOURCES = typing.get_args(SourceName)
QUARTO_FILES = sorted(REPORT_DIR.glob("_quarto*.y*ml"))


def read(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def group(shared: dict) -> list[str]:
    """The profile group of _quarto.yml (a list of names, or a list of such lists)."""
    names = (shared.get("profile") or {}).get("group") or []
    return [n for item in names for n in (item if isinstance(item, list) else [item])]


@pytest.mark.parametrize("path", QUARTO_FILES, ids=lambda p: p.name)
def test_every_key_follows_quartos_schema(path):
    assert problems(read(path), path.name) == []


def test_every_file_is_the_shared_config_or_a_profile_of_its_group():
    shared = read(REPORT_DIR / "_quarto.yml")
    for path in QUARTO_FILES:
        if path.name == "_quarto.yml":
            continue
        # Quarto merges `_quarto-<profile>.yml` only (project-profile.ts); any other name is
        # a file Quarto never reads.
        match = re.fullmatch(r"_quarto-(.+)\.ya?ml", path.name)
        assert match, f"{path.name} is not a Quarto profile file (_quarto-<name>.yml)"
        assert match.group(1) in group(shared), f"{path.name} is not in profile.group"


def test_each_source_has_a_profile_listing_its_chapters():
    assert set(group(read(REPORT_DIR / "_quarto.yml"))) == set(SOURCES)
    for source in SOURCES:
        chapters = profiles.load_project(REPORT_DIR, source)["book"]["chapters"]
        assert chapters[0] == "index.md"
        notebooks = [c for c in chapters if c.endswith(".ipynb")]
        assert notebooks and all((PROJECT_ROOT / c).is_file() for c in notebooks), notebooks


def test_no_list_is_split_between_the_shared_file_and_a_profile():
    """Quarto joins lists when it merges a profile (config.ts), so a list in both would repeat."""
    shared = read(REPORT_DIR / "_quarto.yml")

    def lists(config: dict, prefix: str = "") -> set[str]:
        found = set()
        for key, value in config.items():
            if isinstance(value, dict):
                found |= lists(value, f"{prefix}{key}.")
            elif isinstance(value, list):
                found.add(prefix + key)
        return found

    for source in SOURCES:
        profile = read(REPORT_DIR / profiles.profile_file(source))
        assert not lists(profile) & lists(shared)


def test_merge_follows_quartos_rule():
    merged = profiles.merge_config(
        {"book": {"title": "A", "chapters": ["index.md"]}, "lang": "en"},
        {"book": {"title": "B", "chapters": ["index.md", "x.ipynb"]}},
    )
    assert merged == {"book": {"title": "B", "chapters": ["index.md", "x.ipynb"]}, "lang": "en"}


def test_files_the_project_names_exist():
    shared = read(REPORT_DIR / "_quarto.yml")
    named = list(shared.get("filters", []))
    for options in shared["format"].values():
        for key in ("css", "template-partials", "include-before-body"):
            value = options.get(key, [])
            named += value if isinstance(value, list) else [value]
    assert named and all((REPORT_DIR / n).is_file() for n in named), named


def test_environment_pins_a_quarto_with_typst_books_and_pdf_standards():
    environment = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text())
    pins = [d for d in environment["dependencies"] if isinstance(d, str) and d.startswith("quarto")]
    assert pins and re.fullmatch(r"quarto\s*>=\s*1\.(9|[1-9]\d)(\.\d+)?", pins[0]), pins


@pytest.mark.parametrize("source", SOURCES)
def test_the_written_project_follows_the_rules(tmp_path, source):
    config = _config(tmp_path, source)
    executed = tmp_path / "chapters"
    for chapter in profiles.load_project(REPORT_DIR, source)["book"]["chapters"]:
        if chapter.endswith(".ipynb"):  # stand-ins for the executed chapters
            path = executed / Path(chapter).relative_to("notebooks")
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nbformat.v4.new_notebook(), path)
    written = project.write_project(tmp_path / "report", config, executed)
    for path in sorted((tmp_path / "report").glob("_quarto*.yml")):
        assert problems(read(path), path.name) == []
    shared = read(tmp_path / "report" / "_quarto.yml")
    assert shared["profile"]["default"] == source
    book = written["book"]
    # Quarto >= 1.9 renders Typst books with orange-book, which fails without an author.
    assert book["author"] == config.partnership
    assert book["title"] and book["subtitle"] and book["date"]
    assert config.area_name in book["subtitle"] and str(config.assessment_year) in book["subtitle"]
    assert book["chapters"][-1] == project.ACCESSIBILITY_CHAPTER
    assert str(config.minimum_count - 1) in book["page-footer"]
    assert shared["synthetic"] is config.synthetic_data
    html = written["format"]["html"]
    assert not html.get("embed-resources")
    assert (html.get("include-before-body") is not None) is config.synthetic_data
    assert written["format"]["typst"]["pdf-standard"] == "ua-1"
    # Renderable on its own: every file the project names is inside it.
    report_dir = tmp_path / "report"
    named = [
        *written["filters"],
        *written["format"]["typst"]["template-partials"],
        html["css"],
        *([html["include-before-body"]] if config.synthetic_data else []),
        *book["chapters"],
        *written["project"]["render"],
    ]
    for name in named:
        assert (report_dir / name).is_file(), name
    # Quarto HTML draws charts with a local plotly.js that the filter adds to chart pages.
    plotly_js = report_dir / Path(written["filters"][0]).parent / "plotly.min.js"
    assert "Plotly" in plotly_js.read_text(encoding="utf-8")[:5000]


def _config(tmp_path: Path, source: str):
    from sv_assessment.config import load_config
    from sv_assessment.paths import CONFIG_DIR

    name = "kent_medway.yml" if source == "partner" else "kent_open_data.yml"
    return load_config(CONFIG_DIR / name)
