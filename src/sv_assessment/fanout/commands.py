"""``pipeline.py editions`` and ``pipeline.py national``: the fan-out commands."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from sv_assessment.build import BuildError, BuildOptions
from sv_assessment.config import ConfigError
from sv_assessment.ingest.errors import InputError


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--scheduler",
        default=None,
        help="address of an existing Dask scheduler (e.g. tcp://10.0.0.5:8786, or a "
        "dask-jobqueue cluster's scheduler_address); default: a local cluster",
    )
    parser.add_argument(
        "--workers", type=int, default=None, help="local cluster: builds at once (default: cores)"
    )
    parser.add_argument("--year", type=int, default=None)
    parser.add_argument("--format", choices=["all", "html", "pdf"], default="all")
    parser.add_argument("--engine", choices=["builtin", "quarto"], default="builtin")
    parser.add_argument(
        "--jobs", type=int, default=1, help="notebooks at once within one build (default 1)"
    )
    parser.add_argument("--outputs", type=Path, default=None, help="default outputs/")
    parser.add_argument("--work", type=Path, default=None, help="default build/")
    parser.add_argument("--force", action="store_true", help="re-run every step of every build")


def _options(args: argparse.Namespace, config: Path | None) -> BuildOptions:
    options = BuildOptions(
        config_path=config,
        year=args.year,
        formats=("html", "pdf") if args.format == "all" else (args.format,),
        engine=args.engine,
        jobs=args.jobs,
        force=args.force,
    )
    if args.outputs:
        options.outputs_dir = args.outputs.resolve()
    if args.work:
        options.work_dir = args.work.resolve()
    return options


def _quiet_logs() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    import distributed  # noqa: F401  (its loggers exist, with their levels, once imported)

    for name in [n for n in logging.root.manager.loggerDict if n.startswith("distributed")]:
        logging.getLogger(name).setLevel(logging.WARNING)


def editions_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="pipeline.py editions",
        description="Build the area's assessment and an edition for each district (and each "
        "group in the config's editions.groups) on a Dask cluster, and an index page.",
    )
    parser.add_argument("--config", type=Path, default=None)
    _common(parser)
    args = parser.parse_args(argv)
    _quiet_logs()
    from sv_assessment.fanout.editions import build_editions

    try:
        result = build_editions(_options(args, args.config), args.scheduler, args.workers)
    except (BuildError, ConfigError) as error:
        print(f"EDITIONS FAILED: {error}", file=sys.stderr)
        return 1
    return _summary(result.index, result.outcomes)


def _summary(index: Path, outcomes) -> int:
    failed = [o for o in outcomes if not o.ok]
    print(f"\nIndex: {index}")
    print(f"{len(outcomes) - len(failed)} built or unchanged, {len(failed)} failed")
    for outcome in failed:
        print(f"  FAILED {outcome.name}: {outcome.error.splitlines()[0] if outcome.error else ''}")
    return 1 if failed else 0


def national_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="pipeline.py national",
        description="Ingest a national data.police.uk archive once (DuckDB, Parquet by local "
        "authority) and build an open-data assessment for every local authority in the ONS "
        "mid-year estimates file, on a Dask cluster, with a national index page.",
    )
    parser.add_argument("--archive", type=Path, required=True, help="the unzipped archive")
    parser.add_argument(
        "--population", type=Path, required=True, help="ONS mid-year estimates (docs/national.md)"
    )
    parser.add_argument("--sheet", default=None, help="sheet of an .xlsx population file")
    parser.add_argument(
        "--synthetic", action="store_true", help="mark every report as built from synthetic data"
    )
    parser.add_argument("--minimum-count", type=int, default=5, help="disclosure threshold")
    parser.add_argument(
        "--areas", nargs="*", default=None, help="only these areas (ONS codes or names)"
    )
    parser.add_argument(
        "--partnerships",
        type=Path,
        default=None,
        help="YAML naming groups of local authorities that form one partnership "
        "(docs/national.md); a local authority not grouped is its own partnership",
    )
    _common(parser)
    args = parser.parse_args(argv)
    _quiet_logs()
    from sv_assessment.fanout.national import NationalRequest, build_national

    request = NationalRequest(
        archive=args.archive.resolve(),
        population=args.population.resolve(),
        sheet=args.sheet,
        synthetic=args.synthetic,
        minimum_count=args.minimum_count,
        only=tuple(args.areas or ()),
        partnerships=args.partnerships.resolve() if args.partnerships else None,
    )
    try:
        result = build_national(request, _options(args, None), args.scheduler, args.workers)
    except (BuildError, ConfigError, InputError) as error:
        print(f"NATIONAL BUILD FAILED: {error}", file=sys.stderr)
        return 1
    return _summary(result.index, result.outcomes)
