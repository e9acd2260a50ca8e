"""Command-line options for pipeline.py; all the work is in ``build``."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from sv_assessment.build import BuildOptions, build, console
from sv_assessment.config import ConfigError


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="pipeline.py",
        description="Build the Serious Violence Duty strategic needs assessment: ingest the "
        "inputs, check them against the data contracts, run the chapter notebooks "
        "and publish HTML and PDF under outputs/<assessment>/<year>/.",
        epilog="Two more commands for a partnership's own extract: "
        "'pipeline.py init --from FILE...' profiles the files and writes a draft config with "
        "their columns and codes mapped (every guess marked); 'pipeline.py check --config C' "
        "reads the inputs and runs the data contracts only, and prints a data-quality summary. "
        "See docs/your_extract.md. Many assessments at once, on Dask: 'pipeline.py editions "
        "--config C' builds the area and an edition per district; 'pipeline.py national "
        "--archive DIR --population FILE' one per local authority (docs/national.md).",
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
    parser.add_argument(
        "--replace",
        action="store_true",
        help="publish even over an assessment built from another config file",
    )
    parser.add_argument(
        "--wait",
        type=float,
        default=0,
        metavar="SECONDS",
        help="wait up to this long for another build of the same assessment (default: stop)",
    )
    parser.add_argument("--quiet", action="store_true", help="only print errors and the summary")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in SUBCOMMANDS:
        return SUBCOMMANDS[argv[0]](argv[1:])
    args = parse_args(argv)
    formats = ("html", "pdf") if args.format == "all" else (args.format,)
    options = BuildOptions(
        config_path=args.config,
        year=args.year,
        formats=formats,
        engine=args.engine,
        jobs=args.jobs,
        force=args.force,
        replace=args.replace,
        wait_seconds=args.wait,
    )
    if args.outputs:
        options.outputs_dir = args.outputs.resolve()
    if args.work:
        options.work_dir = args.work.resolve()
    if args.notebooks:
        options.notebooks_dir = args.notebooks.resolve()
    log_path = console.start(options.work_dir, args.quiet)
    try:
        result = build(options)
    except (Exception, KeyboardInterrupt, console.Stopped) as error:
        print("\n" + console.explain(error, log_path), file=sys.stderr)
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
    print(f"Log: {log_path}")
    return 0


def init_main(argv: list[str]) -> int:
    """``pipeline.py init --from FILE...``: profile extracts and write a draft config."""
    parser = argparse.ArgumentParser(
        prog="pipeline.py init",
        description="Profile unfamiliar extracts (headers, types, codes, date formats, rows) "
        "and write a draft config mapping them to the assessment's fields; every guess is "
        "marked GUESS for you to confirm, every missing value EDIT.",
    )
    parser.add_argument("--from", dest="files", type=Path, nargs="+", required=True)
    parser.add_argument(
        "--output",
        type=Path,
        default=Path("config/draft.yml"),
        help="where to write the draft (default config/draft.yml; never overwritten)",
    )
    args = parser.parse_args(argv)
    import yaml

    from sv_assessment.ingest.draft import profile_files, write_draft
    from sv_assessment.ingest.profile import profile_report
    from sv_assessment.paths import DEFAULT_CONFIG, PROJECT_ROOT

    missing = [f for f in args.files if not f.is_file()]
    if missing:
        print(f"init: no such file: {', '.join(map(str, missing))}", file=sys.stderr)
        return 1
    template = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    try:
        tables = profile_files(args.files)
        written = write_draft(tables, args.output, PROJECT_ROOT, template)
    except (FileExistsError, ValueError) as error:
        print(f"init: {error}", file=sys.stderr)
        return 1
    print("Profile (shown here only, not written to the draft):")
    print(profile_report(tables) + "\n")
    print(written.read_text(encoding="utf-8"))
    print(f"Draft written to {written}: confirm each GUESS, fill each EDIT, then run")
    print(f"  python pipeline.py check --config {written}")
    return 0


def check_main(argv: list[str]) -> int:
    """``pipeline.py check --config C``: ingest and the contracts only, and a summary."""
    parser = argparse.ArgumentParser(
        prog="pipeline.py check",
        description="Read every input as the build would and run the data contracts, then "
        "print the data-quality summary; no report is built or published.",
    )
    parser.add_argument("--config", type=Path, default=None)
    parser.add_argument("--year", type=int, default=None)
    parser.add_argument("--work", type=Path, default=None, help="default build/")
    args = parser.parse_args(argv)
    from sv_assessment.build.check import run_check
    from sv_assessment.paths import WORK_ROOT

    try:
        result = run_check(args.config, args.year, (args.work or WORK_ROOT).resolve())
    except ConfigError as error:
        print(f"CHECK FAILED: {error}", file=sys.stderr)
        return 1
    print(result.summary, file=sys.stdout if result.ok else sys.stderr)
    return 0 if result.ok else 1


def editions_main(argv: list[str]) -> int:
    from sv_assessment.fanout.commands import editions_main as run

    return run(argv)


def national_main(argv: list[str]) -> int:
    from sv_assessment.fanout.commands import national_main as run

    return run(argv)


SUBCOMMANDS = {
    "init": init_main,
    "check": check_main,
    "editions": editions_main,
    "national": national_main,
}
