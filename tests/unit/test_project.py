"""The repository keeps its promises: one dependency list in two forms, README commands, CI."""

from __future__ import annotations

import re
import tomllib

import yaml

from sv_assessment.paths import PROJECT_ROOT
from sv_assessment.rendering.profiles import load_project

ROOT = PROJECT_ROOT


def _name(requirement: str) -> str:
    return re.split(r"[<>=\[ ]", requirement.strip(), maxsplit=1)[0].lower()


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]}
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    listed = set()
    for item in environment["dependencies"]:
        if isinstance(item, dict):
            listed |= {_name(r) for r in item["pip"]}
        else:
            listed.add(_name(item))
    missing = wanted - listed
    assert not missing, f"environment.yml lacks {sorted(missing)}"


def test_readme_gives_the_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text()
    assert "make assessment" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_quarto_project_lists_chapters_and_formats():
    project = load_project(ROOT / "report", "partner")
    assert project["book"]["chapters"][0] == "index.md"
    assert {"html", "typst"} <= set(project["format"])
