"""Command-line options for pipeline.py; all the work is in ``build``."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from sv_assessment.build import BuildError, BuildOptions, build
from sv_assessment.config import ConfigError


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="pipeline.py",
        description="Build the Serious Violence Duty strategic needs assessment: ingest the "
        "inputs, check them against the data contracts, run the chapter notebooks "
        "and publish HTML and PDF under outputs/<year>/.",
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        help="assessment config (YAML); default config/kent_medway.yml (demo)",
    )
    parser.add_argument(
        "--year",
        type=int,
        default=None,
        help="assessment year; default the config's assessment_year",
    )
    parser.add_argument(
        "--format",
        choices=["all", "html", "pdf"],
        default="all",
        help="what to publish (default both)",
    )
    parser.add_argument(
        "--engine",
        choices=["builtin", "quarto"],
        default="builtin",
        help="render with the built-in Pandoc+Typst assembler or with Quarto",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="notebooks to run at once (default: number of cores)",
    )
    parser.add_argument(
        "--outputs", type=Path, default=None, help="outputs folder (default outputs/)"
    )
    parser.add_argument(
        "--work",
        type=Path,
        default=None,
        help="folder for staged inputs and intermediate files (default build/)",
    )
    parser.add_argument(
        "--notebooks",
        type=Path,
        default=None,
        help="folder of chapter notebooks (default notebooks/)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="re-run every step, ignoring what the cache holds from earlier builds",
    )
    parser.add_argument("--quiet", action="store_true", help="only print errors and the summary")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        format="%(asctime)s %(message)s",
        datefmt="%H:%M:%S",
        stream=sys.stderr,
    )
    for noisy in ("great_expectations", "papermill", "traitlets", "kaleido", "choreographer"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    formats = ("html", "pdf") if args.format == "all" else (args.format,)
    options = BuildOptions(
        config_path=args.config,
        year=args.year,
        formats=formats,
        engine=args.engine,
        jobs=args.jobs,
        force=args.force,
    )
    if args.outputs:
        options.outputs_dir = args.outputs.resolve()
    if args.work:
        options.work_dir = args.work.resolve()
    if args.notebooks:
        options.notebooks_dir = args.notebooks.resolve()
    try:
        result = build(options)
    except (BuildError, ConfigError) as error:
        print(
            f"\nBUILD FAILED: {error}\nThe last published assessment (if any) is unchanged.",
            file=sys.stderr,
        )
        return 1
    if result.publish_skipped:
        print(f"\nNothing changed: {result.published} is already this build (not republished)")
    else:
        print(f"\nPublished {result.published}")
        for path in sorted(result.published.rglob("*")):
            if path.is_file() and path.parent == result.published:
                print(f"  {path.name:<24} {path.stat().st_size / 1024:>9,.0f} KiB")
    print("Ran:    " + (", ".join(result.ran) or "nothing"))
    print("Reused: " + (", ".join(result.reused) or "nothing"))
    print("Step timings: " + ", ".join(f"{k} {v:.1f} s" for k, v in result.timings.items()))
    return 0
