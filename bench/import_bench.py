"""Time `helpdesk import` on a generated program: into an empty database, then more into the full one.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/mydb python bench/import_bench.py --lines 11200000 --write

Empties the database's tables (use a database of your own), generates two files (bench/generate_import.py)
unless they exist: `--lines` lines, then `--more` lines of other clients (the same staff, skipped). Each is
imported by `helpdesk import` in a process of its own, which gives its time and peak RSS; right after each
import the SLA waits job (`update_waits`) runs once, as the schedule would run it, and its time and what it
replayed are printed too: an import leaves the waits current, so it should find next to nothing.
Targets (issue #15): at most 60 s per million lines at any size, peak RSS at most 1 GB.
"""

import argparse
import os
import platform
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from generate_import import write  # noqa: E402

TARGET_S_PER_MILLION = 60
TARGET_RSS_MB = 1024
SECOND_FILE_FIRST_CLIENT = 10_000_001
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=1_000_000, help="lines of the first file (empty database)")
    parser.add_argument("--more", type=int, help="lines of the second file (default 7/8 of --lines, as 9.8 M "
                                                 "after 11.2 M)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dir", default="/tmp", help="where the generated files are kept")
    parser.add_argument("--label", default="", help="what code this is (e.g. 'before: main')")
    parser.add_argument("--write", action="store_true", help="append the figures to bench/RESULTS.md")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("set DATABASE_URL to a database of your own (its tables are emptied)")
    more = args.more if args.more is not None else args.lines * 7 // 8
    files = [_file(args.dir, "first", args.lines, args.seed, 1)]
    if more:
        files.append(_file(args.dir, "more", more, args.seed, SECOND_FILE_FIRST_CLIENT))

    from helpdesk import create_app
    from helpdesk.extensions import db

    app = create_app()
    with app.app_context():
        database = db.engine.url.render_as_string(hide_password=True)
        db.drop_all()
        db.create_all()
        db.session.commit()
    load_at_start = os.getloadavg()[0]
    runs = []
    for name, (path, lines) in zip(("empty database", "full database"), files, strict=False):
        seconds, cpu_s, peak_mb, summary = _import(path)
        waits = _waits_job(app)
        runs.append({"into": name, "lines": lines, "seconds": seconds, "cpu_s": cpu_s, "peak_mb": peak_mb,
                     "summary": summary, **waits})
    report = _report(runs, database, args.label, (load_at_start, os.getloadavg()[0]))
    print("\n".join(report))
    if args.write:
        with RESULTS.open("a") as out:
            out.write("\n" + "\n".join(report) + "\n")


def _file(directory: str, name: str, lines: int, seed: int, first_client: int) -> tuple[str, int]:
    path = os.path.join(directory, f"helpdesk-import-{name}-{lines}-{seed}.jsonl")
    if not os.path.exists(path):
        started = time.perf_counter()
        write(path, lines, seed, first_client)
        print(f"generated {path} in {time.perf_counter() - started:.1f} s", flush=True)
    with open(path, "rb") as f:
        return path, sum(1 for _ in f)


_CHILD = """
import atexit, resource, sys
def _usage():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print("peak-rss-kb", usage.ru_maxrss, "cpu-s", usage.ru_utime + usage.ru_stime, file=sys.stderr)
atexit.register(_usage)
from helpdesk.cli import main
main()
"""


def _import(path: str) -> tuple[float, float, float, str]:
    """Run `helpdesk import path` in a process of its own: (seconds, its CPU seconds, its peak RSS in MB, its
    last line)."""
    started = time.perf_counter()
    # -P: the code imported is PYTHONPATH's (or the installed one), never the current directory's.
    done = subprocess.run([sys.executable, "-P", "-c", _CHILD, "import", path], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode:
        sys.exit(f"import of {path} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    peak_kb, cpu_s = re.findall(r"^peak-rss-kb (\d+) cpu-s ([\d.]+)$", done.stderr, re.M)[-1]
    return seconds, float(cpu_s), int(peak_kb) / 1024, done.stdout.strip().splitlines()[-1]


def _waits_job(app) -> dict:
    """Run the SLA waits job once, as the schedule does right after an import."""
    from helpdesk.extensions import db
    from helpdesk.sla.services import update_waits

    with app.app_context():
        started = time.perf_counter()
        result = update_waits()
        db.session.commit()
        return {"waits_s": time.perf_counter() - started, "waits_threads": result["threads"],
                "waits_messages": result["messages"]}


def _report(runs: list[dict], database: str, label: str, load: tuple[float, float]) -> list[str]:
    machine = (f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores shared with other suites "
               f"(load average {load[0]:.1f} at the start, {load[1]:.1f} at the end), Python "
               f"{platform.python_version()}")
    lines = [f"### Import: {runs[0]['lines']:,} lines into an empty database"
             + (f", then {runs[1]['lines']:,} more into the full one" if len(runs) > 1 else "")
             + (f" ({label})" if label else ""),
             "",
             f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {machine}, {re.sub(r'//[^@]*@', '//', database)}",
             "",
             "| into | lines | seconds | s per M lines (target 60) | lines/s | CPU s of the import process "
             "| peak RSS MB (target 1024) | waits job after: s | threads replayed | messages replayed |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for run in runs:
        per_million = run["seconds"] / run["lines"] * 1_000_000
        lines.append(f"| {run['into']} | {run['lines']:,} | {run['seconds']:.1f} | {per_million:.1f} | "
                     f"{run['lines'] / run['seconds']:,.0f} | {run['cpu_s']:.1f} | {run['peak_mb']:.0f} | "
                     f"{run['waits_s']:.2f} | "
                     f"{run['waits_threads']:,} | {run['waits_messages']:,} |")
    lines.append("")
    lines.extend(f"- {run['into']}: {run['summary']}" for run in runs)
    return lines


if __name__ == "__main__":
    main()
