"""One build in its own process, as a Dask task starts it: ``python -m sv_assessment.fanout.worker
JOB``. Writes the result beside its log for the task to read; exit code 1 on a build error."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

from sv_assessment.build import BuildError, BuildOptions, build, cache, lock
from sv_assessment.build.orchestrate import stage
from sv_assessment.catalog import WorkFolder
from sv_assessment.config import ConfigError, load_config

PATH_OPTIONS = ("config_path", "outputs_dir", "notebooks_dir", "work_dir")


def build_options(options: dict) -> BuildOptions:
    values = dict(options)
    for name in PATH_OPTIONS:
        if values.get(name) is not None:
            values[name] = Path(values[name])
    values["formats"] = tuple(values.get("formats", ("html", "pdf")))
    return BuildOptions(**values)


def run(job: dict) -> dict:
    options = build_options(job["options"])
    if job["task"] == "stage":
        config = load_config(options.config_path, options.year)
        work = WorkFolder.for_assessment(config.path.stem, config.assessment_year, options.work_dir)
        name = f"{config.path.stem} {config.assessment_year}"
        with lock.assessment_lock(work.root, name, options.wait_seconds):  # one stager at a time
            _, _, how = stage(config, work.staged.directory, options.force)
        return {"staged": str(work.staged.directory), "how": how}
    result = build(options)
    return {
        "published": str(result.published),
        "publish_skipped": result.publish_skipped,
        "ran": result.ran,
        "reused": result.reused,
        "timings": result.timings,
    }


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    for noisy in ("great_expectations", "papermill", "traitlets", "kaleido", "choreographer"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    job = json.loads(argv[0])
    try:
        result = run(job)
    except (BuildError, ConfigError) as error:
        print(f"BUILD FAILED: {error}", file=sys.stderr)
        return 1
    target = Path(job["log_dir"]) / f"{job['name']}.result.json"
    cache.write_json_atomic(target, result)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
