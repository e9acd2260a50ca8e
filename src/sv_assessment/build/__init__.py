"""Build: orchestration of one assessment (stage the inputs and run the contracts, execute the
chapters with Papermill, render, publish atomically), with the content-keyed cache."""

from sv_assessment.build.orchestrate import (
    NOTEBOOKS_DIR,
    BuildError,
    BuildOptions,
    BuildResult,
    build,
    chapter_notebooks,
)

__all__ = [
    "NOTEBOOKS_DIR",
    "BuildError",
    "BuildOptions",
    "BuildResult",
    "build",
    "chapter_notebooks",
]
