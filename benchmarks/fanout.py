"""Benchmark the fan-out on this machine, in one run: `python benchmarks/fanout.py`.

Measures, and prints as a table against the issue's targets (never failing on them):

1. a synthetic national archive in the data.police.uk layout (43 forces, 36 months, about 18
   million rows; made once and kept out of git, in $SV_BENCH_DATA or /tmp/sv_bench_data): our
   ingest (DuckDB, Parquet by local authority, line numbers, coverage) against a bare DuckDB
   CSV → Parquet conversion of the same files, each in a fresh process, with peak memory;
2. the partner format at 10 million rows (benchmarks/run.py's file): the pipeline's ingest +
   contracts against a bare DuckDB CSV → Parquet conversion of the same file;
3. editions per minute on this machine, HTML only and HTML + PDF, with 1 and 2 workers (a
   sample of editions, forced to rebuild), extrapolated to every local authority.

Other work on the machine (this is a shared machine) inflates every time; the load average is
printed at the start and the end.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
PY = sys.executable
DATA = Path(os.environ.get("SV_BENCH_DATA", "/tmp/sv_bench_data"))
LOCAL_AUTHORITIES = 318  # in England and Wales (2023 boundaries)
FORCES = 43


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}


def child(kind: str, *args: str) -> dict:
    """Run one measurement in a fresh process; its JSON result with its peak memory."""
    result = subprocess.run(
        [PY, __file__, "--child", kind, *args], cwd=ROOT, env=env(), capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# The national archive ----------------------------------------------------------------------
def national_archive(rows: int) -> tuple[Path, Path]:
    """About ``rows`` street-level rows: 43 forces x 36 months, ~7.4 LAs a force."""
    target = DATA / f"national_{rows}"
    population = target / "mye2_persons.csv"
    if population.exists():
        return target / "archive", population
    from sv_assessment.demo import police_uk as demo

    months = demo.months_between("2022-01", "2024-12")
    per_force = LOCAL_AUTHORITIES // FORCES
    lines = ["Synthetic mid-year estimates (benchmark)", "Code,Name,Geography,All ages"]
    total_population = 60_000_000
    rate = rows / len(months) / (total_population / 1000)
    tmp = target.with_name(target.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    for force in range(FORCES):
        areas = [
            (f"E0{6 + k % 3}{force:03d}{k:03d}", f"Area {force:02d}{k:02d}", 0)
            for k in range(per_force + (1 if force < LOCAL_AUTHORITIES % FORCES else 0))
        ]
        share = total_population // LOCAL_AUTHORITIES
        areas = [(c, n, share) for c, n, _ in areas]
        lines += [f"{c},{n},Unitary Authority,{p}" for c, n, p in areas]
        demo.write_street_files(
            tmp / "archive",
            areas,
            f"force{force:02d}",
            f"Force {force:02d} Police",
            months,
            force,
            rate,
        )
        print(f"  archive: force {force + 1} of {FORCES} written", flush=True)
    (tmp / "mye2_persons.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.rename(target)
    return target / "archive", population


def national_child(archive: str, population: str, out: str) -> dict:
    from sv_assessment.ingest import national
    from sv_assessment.ingest.ons_population import read_mid_year_estimates

    start = time.perf_counter()
    summary = national.ingest_archive(
        Path(archive), read_mid_year_estimates(Path(population)), Path(out)
    )
    rows = sum(sum(f.values()) for f in summary["areas"].values())
    return {"seconds": time.perf_counter() - start, "rows": rows}


def bare_duckdb_child(pattern: str, out: str) -> dict:
    """The floor: DuckDB reading the same CSV files and writing one Parquet file, nothing else."""
    import duckdb

    start = time.perf_counter()
    duckdb.sql(f"COPY (SELECT * FROM read_csv('{pattern}')) TO '{out}' (FORMAT parquet)")
    rows = duckdb.sql(f"SELECT count(*) FROM '{out}'").fetchall()[0][0]
    return {"seconds": time.perf_counter() - start, "rows": rows}


def partner_child(csv_path: str) -> dict:
    """The pipeline's partner ingest + contracts (benchmarks/run.py's measured path)."""
    result = subprocess.run(
        [PY, str(ROOT / "benchmarks" / "run.py"), "--ingest-child", csv_path],
        cwd=ROOT,
        env=env(),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise SystemExit(result.stderr[-3000:])
    got = json.loads(result.stdout.strip().splitlines()[-1])
    return {"seconds": got["seconds"], "rows": got["rows"], "peak_rss_kib": got["peak_rss_kib"]}


# Editions per minute -----------------------------------------------------------------------
def editions_rate(workers: int, formats: tuple[str, ...], base: Path) -> tuple[int, float]:
    """Build the small three-district config's editions (area + 3), forced; editions/minute."""
    from sv_assessment.build import BuildOptions
    from sv_assessment.fanout.editions import build_editions
    from tests.conftest import write_config

    config = write_config(base, offences_per_year=4000)
    options = BuildOptions(
        config_path=config,
        formats=formats,
        jobs=1,
        force=True,
        outputs_dir=base / "outputs",
        work_dir=base / "work",
    )
    start = time.perf_counter()
    result = build_editions(options, workers=workers, report=lambda _: None)
    seconds = time.perf_counter() - start
    built = sum(o.ok for o in result.outcomes)
    return built, 60 * built / seconds


def ok(passed: bool, target: str) -> str:
    return f"target {target}: {'met' if passed else 'NOT met'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--national-rows", type=int, default=18_000_000)
    parser.add_argument("--partner-rows", type=int, default=10_000_000)
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument("--skip-editions", action="store_true")
    parser.add_argument(
        "--editions-formats", default="html,html+pdf", help="comma list of html or html+pdf"
    )
    parser.add_argument("--workers-list", default="1,2", help="workers to measure (comma list)")
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        got = {"national": national_child, "bare": bare_duckdb_child, "partner": partner_child}[
            kind
        ](*rest)
        got.setdefault("peak_rss_kib", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
        print(json.dumps(got))
        return
    rows: list[tuple[str, str, str]] = []
    print(
        f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} (shared)",
        flush=True,
    )
    scratch = DATA / "runs"
    if not args.skip_ingest:
        archive, population = national_archive(args.national_rows)
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir(parents=True)
        ours = child("national", str(archive), str(population), str(scratch / "national"))
        bare = child("bare", f"{archive}/*/*-street.csv", str(scratch / "bare.parquet"))
        ratio = ours["seconds"] / bare["seconds"]
        rows.append(
            (
                f"national archive ingest, {ours['rows']:,} rows",
                f"{ours['seconds']:.1f} s",
                f"{ours['peak_rss_kib'] / 1024**2:.2f} GiB peak",
            )
        )
        rows.append(
            (
                "  bare DuckDB CSV -> Parquet, same files",
                f"{bare['seconds']:.1f} s",
                f"ratio {ratio:.2f}x; " + ok(ratio <= 2, "<= 2x bare DuckDB"),
            )
        )
        from benchmarks.run import synthetic_csv

        partner_csv = synthetic_csv(args.partner_rows)
        ours = child("partner", str(partner_csv))
        bare = child("bare", str(partner_csv), str(scratch / "partner.parquet"))
        ratio, gib = ours["seconds"] / bare["seconds"], ours["peak_rss_kib"] / 1024**2
        rows.append(
            (
                f"partner ingest + contracts, {ours['rows']:,} rows",
                f"{ours['seconds']:.1f} s",
                f"{gib:.2f} GiB peak; " + ok(gib <= 2, "<= 2 GiB"),
            )
        )
        rows.append(
            (
                "  bare DuckDB CSV -> Parquet, same file",
                f"{bare['seconds']:.1f} s",
                f"ratio {ratio:.2f}x; " + ok(ratio <= 2, "<= 2x bare DuckDB"),
            )
        )
        shutil.rmtree(scratch, ignore_errors=True)
    if not args.skip_editions:
        rates = {}
        workers_list = [int(w) for w in args.workers_list.split(",")]
        for formats in [tuple(f.split("+")) for f in args.editions_formats.split(",")]:
            for workers in workers_list:
                base = DATA / f"editions_{'_'.join(formats)}_{workers}"
                shutil.rmtree(base, ignore_errors=True)
                base.mkdir(parents=True)
                built, rate = editions_rate(workers, formats, base)
                rates[(formats, workers)] = rate
                minutes = LOCAL_AUTHORITIES / rate
                label = f"editions/minute, {'+'.join(formats).upper()}, {workers} worker(s)"
                note = f"{built} built; all {LOCAL_AUTHORITIES} LAs in ~{minutes:.0f} min"
                if formats == ("html", "pdf") and workers == 2:
                    note += "; " + ok(minutes <= 60, "<= 60 min")
                rows.append((label, f"{rate:.2f}", note))
            if (formats, 1) not in rates or (formats, 2) not in rates:
                continue
            speedup = rates[(formats, 2)] / rates[(formats, 1)]
            rows.append(
                (
                    f"  2 workers / 1 worker, {'+'.join(formats).upper()}",
                    f"{speedup:.2f}x",
                    ok(speedup >= 1.7, ">= 1.7x"),
                )
            )
    width = max(len(r[0]) for r in rows)
    print(f"\n{'measure':<{width}}  {'value':>12}  note")
    for label, value, note in rows:
        print(f"{label:<{width}}  {value:>12}  {note}")
    print(
        f"\nload average at the end {os.getloadavg()[0]:.1f}: other agents share this machine's "
        "2 cores, so every time here is inflated"
    )


if __name__ == "__main__":
    main()
