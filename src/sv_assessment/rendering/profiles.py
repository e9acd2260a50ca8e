"""The Quarto project in ``report/`` as Quarto reads it: ``_quarto.yml`` holds what every
assessment shares, and a profile, ``_quarto-<source>.yml``, the chapters of one kind of
assessment (``partner`` data or ``police_uk`` files). The build takes its notebook list from
here, the built-in assembler its chapters and stylesheet, and ``project.write_project`` the
files it writes for Quarto. Only YAML is read, so the build can ask without loading the renderers.
"""

from __future__ import annotations

import copy
from pathlib import Path

import yaml

from sv_assessment.paths import REPORT_DIR

SHARED_FILE = "_quarto.yml"


def profile_file(source: str) -> str:
    """Quarto merges ``_quarto-<profile>.yml`` over ``_quarto.yml`` for an active profile
    (src/project/project-profile.ts); each config ``source`` is one profile."""
    return f"_quarto-{source}.yml"


def merge_config(base: dict, *overrides: dict) -> dict:
    """Merge as Quarto merges a profile (src/core/config.ts): mappings key by key, lists joined
    with repeats dropped, anything else replaced by the later value."""
    merged = copy.deepcopy(base)
    for override in overrides:
        for key, value in override.items():
            current = merged.get(key)
            if isinstance(current, dict) and isinstance(value, dict):
                merged[key] = merge_config(current, value)
            elif isinstance(current, list) or isinstance(value, list):
                joined = _as_list(current) + _as_list(value)
                merged[key] = [v for i, v in enumerate(joined) if v not in joined[:i]]
            else:
                merged[key] = copy.deepcopy(value)
    return merged


def _as_list(value: object) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def read_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def load_project(report_dir: Path = REPORT_DIR, source: str = "partner") -> dict:
    """The project as Quarto sees it with the source's profile active."""
    profile = report_dir / profile_file(source)
    if not profile.is_file():
        raise FileNotFoundError(f"no Quarto profile {profile} for the config's source {source!r}")
    return merge_config(read_yaml(report_dir / SHARED_FILE), read_yaml(profile))


def chapter_notebooks(source: str = "partner", report_dir: Path = REPORT_DIR) -> list[str]:
    """Notebooks in report order, relative to notebooks/ without the suffix."""
    return [
        Path(c).relative_to("notebooks").with_suffix("").as_posix()
        for c in load_project(report_dir, source)["book"]["chapters"]
        if c.endswith(".ipynb")
    ]
