"""Time `helpdesk import` on a generated program: lines per second and peak memory.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/mydb python bench/import_bench.py --lines 1000000

Empties the database's tables (use a database of your own), generates the file (bench/generate_import.py)
unless it exists, imports it once into the empty database and then a second time (everything skipped),
and prints the figures. Peak RSS is this process's maximum resident set size.
"""

import argparse
import os
import platform
import resource
import sys
import time
from datetime import UTC, datetime

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from generate_import import write  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--file", help="import file to use (generated if missing)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--first-only", action="store_true", help="skip the second (all skipped) import")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("set DATABASE_URL to a database of your own (its tables are emptied)")
    path = args.file or f"/tmp/helpdesk-bench-{args.lines}-{args.seed}.jsonl"
    if not os.path.exists(path):
        started = time.perf_counter()
        n = write(path, args.lines, args.seed)
        print(f"generated {n} lines into {path} in {time.perf_counter() - started:.1f} s")
    with open(path, "rb") as f:
        lines = sum(1 for _ in f)

    from helpdesk import create_app
    from helpdesk.extensions import db
    from helpdesk.imports.services import import_path

    app = create_app()
    with app.app_context():
        database = db.engine.url.render_as_string(hide_password=True)
        db.drop_all()
        db.create_all()
        rss_before = _peak_rss_mb()
        figures = []
        for run in ("first import", "second import")[:1 if args.first_only else 2]:
            started = time.perf_counter()
            result = import_path(path)
            if not result.ok:
                sys.exit("\n".join(result.errors[:20]))
            db.session.commit()
            seconds = time.perf_counter() - started
            figures.append((run, seconds, sum(result.stored.values()), sum(result.skipped.values())))
        peak = _peak_rss_mb()
    print(f"date       {datetime.now(UTC):%Y-%m-%d}")
    print(f"machine    {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    print(f"database   {database}")
    print(f"lines      {lines}")
    for run, seconds, stored, skipped in figures:
        print(f"{run:<14} {seconds:7.1f} s  {lines / seconds:10,.0f} lines/s  stored {stored}  skipped {skipped}")
    print(f"peak RSS   {peak:.0f} MB (before importing: {rss_before:.0f} MB)")


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
