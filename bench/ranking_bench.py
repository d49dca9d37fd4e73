"""The monthly ranking, in-process, beside its floor: one hand-written SQL query giving the same aggregates.

    DATABASE_URL=postgresql://... python bench/ranking_bench.py [--month YYYY-MM] [--as-of ISO] [--rounds 3]
        [--sections] [--compare [--reference REF]] [--write [--label TEXT]]

Against a database holding a generated program (`helpdesk generate --scale large --months 3`), it times the
ranking of the last complete month (default; as of that month's end) the way the monthly job runs it,
`rankings.snapshot.compute_snapshot`, rolled back at the end so the database is left as it was. Each round
runs in a fresh process, which reports its time and peak RSS (getrusage), then the floor runs in another
(`bench/ranking_floor.sql`, with the same session settings as the job). It prints the median of each and
their ratio; the target (issue 15) is at most 1.5x the floor, and flat as history doubles (run it on 3 and
6 months of history).

--sections prints how long each of the ranking's aggregates took. --compare checks, in the same run, that
every figure of the ranking's export (metrics.md section 10) equals the export computed by the code at
REF (default: main as it was before the ranking was reworked, REFERENCE below), run from a `git archive` of
that commit, and that the floor's aggregates equal the ranking's. --write appends the figures to
bench/RESULTS.md.
"""

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The code whose export the ranking must still equal: main before the ranking was reworked (issue 15).
REFERENCE = "8964e54"
FLOOR_SQL = ROOT / "bench" / "ranking_floor.sql"
SECTIONS = ("communication_quality_counts", "response_samples", "client_success_sums", "client_happiness_sums",
            "compensation_sums", "moderation_counts", "coaches_assigned")


def _code_path() -> Path:
    """Where `helpdesk` is imported from in this process: this checkout, or the reference's tree."""
    return Path(os.environ.get("RANKING_BENCH_CODE", ROOT))


sys.path.insert(0, str(_code_path()))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- the child processes -------------------------------------------------------------------------------------

def child_ranking(month: str, as_of: datetime, sections: bool, dump: str | None) -> dict:
    """Time compute_snapshot(month, as_of) of the imported code, rolled back; optionally dump its export."""
    from sqlalchemy.orm import configure_mappers

    from helpdesk import create_app
    from helpdesk.extensions import db
    from helpdesk.rankings import metrics
    from helpdesk.rankings.export import export_record
    from helpdesk.rankings.snapshot import compute_snapshot

    spent: dict[str, float] = {}
    if sections:
        for name in SECTIONS:
            if hasattr(metrics, name):
                setattr(metrics, name, _timed(getattr(metrics, name), name, spent))
    app = create_app()
    with app.app_context():
        # Outside the clock, as in a long-running worker: the connection, and the mappers' one-time set-up.
        db.session.execute(db.text("SELECT 1"))
        configure_mappers()
        rss_before = peak_rss_mb()
        started = time.perf_counter()
        snapshot = compute_snapshot(month, as_of)
        db.session.flush()
        seconds = time.perf_counter() - started
        rows = [{**export_record(row), **_sums(row)} for row in snapshot.rows]
        db.session.rollback()
    if dump:
        Path(dump).write_text(json.dumps(rows, default=str))
    return {"seconds": seconds, "peak_rss_mb": peak_rss_mb(), "rss_before_mb": rss_before, "coaches": len(rows),
            "sections": spent}


def _sums(row) -> dict:
    """The raw figures behind a ranking row that the floor also gives (missing in older code: skipped)."""
    names = ("coach_id", "met_target", "success_weight_total", "success_weight_hits", "happiness_weight_total",
             "happiness_promoters", "happiness_detractors")
    return {name: getattr(row, name) for name in names if hasattr(row, name)}


def _timed(function, name, spent):
    def timed(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - started
    return timed


def floor_params(month: str, as_of: datetime) -> dict:
    """The floor's parameters for the month as of T, with the app's settings."""
    from helpdesk.config import Config
    from helpdesk.periods import parse_month

    start, end = parse_month(month)
    naive = {name: value.astimezone(UTC).replace(tzinfo=None) for name, value in
             (("m_start", start), ("m_end", end), ("t", as_of))}
    upper = min(end, as_of)
    days = [start + timedelta(days=n) for n in range((end - start).days)]
    finished = [d for d in days if d + timedelta(days=1) <= as_of]
    started = [d for d in days if d < as_of]

    def us(value: datetime) -> int:
        return int((value - datetime(1970, 1, 1, tzinfo=UTC)) / timedelta(microseconds=1))

    return {**naive, "t_us": us(as_of), "m_start_us": us(start), "upper_us": us(upper),
            "first_day": finished[0].date(), "last_day": finished[-1].date(),
            "money_last_day": started[-1].date(), "new_months": int(Config.NEW_CLIENT_MONTHS),
            "new_weight": int(Config.NEW_CLIENT_WEIGHT), "sla_us": int(Config.SLA_HOURS * 3600 * 10**6),
            "target_us": int(Config.TARGET_HOURS * 3600 * 10**6)}


def child_floor(month: str, as_of: datetime, dump: str | None) -> dict:
    """Time the floor query (with the job's session settings) and fetch every row."""
    import psycopg

    from helpdesk.rankings.metrics import RANKING_SESSION_SETTINGS

    params = floor_params(month, as_of)
    url = os.environ["DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT 1")
        for statement in RANKING_SESSION_SETTINGS:
            cur.execute(statement)
        started = time.perf_counter()
        cur.execute(FLOOR_SQL.read_text(), params)
        names = [c.name for c in cur.description]
        rows = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
        seconds = time.perf_counter() - started
        conn.rollback()
    if dump:
        Path(dump).write_text(json.dumps(rows, default=str))
    return {"seconds": seconds, "peak_rss_mb": peak_rss_mb(), "coaches": len(rows)}


# --- the parent -------------------------------------------------------------------------------------------------

def run_child(kind: str, month: str, as_of: datetime, code: Path | None = None, sections: bool = False,
              dump: str | None = None) -> dict:
    env = dict(os.environ)
    if code is not None:
        env["RANKING_BENCH_CODE"] = str(code)
        env["PYTHONPATH"] = str(code)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind, "--month", month,
           "--as-of", as_of.isoformat()]
    if sections:
        cmd.append("--sections")
    if dump:
        cmd += ["--dump", dump]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"the {kind} run failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def reference_tree(ref: str, into: Path) -> Path:
    """The `helpdesk` package of commit `ref`, extracted with git archive into `into`."""
    resolved = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--verify", f"{ref}^{{commit}}"],
                              capture_output=True, text=True)
    if resolved.returncode != 0:
        sys.exit(f"--reference {ref}: no such commit in {ROOT} (a shallow clone? fetch the history first)")
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", resolved.stdout.strip(), "helpdesk"],
                             capture_output=True, check=True)
    into.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


def compare_exports(ours: list[dict], theirs: list[dict], fields) -> list[str]:
    """Every difference between two exports, field by field, per coach."""
    problems = []
    mine = {row["coach"]: row for row in ours}
    other = {row["coach"]: row for row in theirs}
    if set(mine) != set(other):
        problems.append(f"coaches differ: {len(set(mine) - set(other))} only here, "
                        f"{len(set(other) - set(mine))} only in the reference")
    for coach in sorted(set(mine) & set(other)):
        for field in fields:
            if mine[coach][field] != other[coach][field]:
                problems.append(f"{coach} {field}: {mine[coach][field]!r} here, {other[coach][field]!r} in the reference")
    return problems


def compare_floor(ranking: list[dict], floor: list[dict]) -> list[str]:
    """Every figure the floor gives that differs from the ranking's (money compared in cents, rounded once)."""
    from decimal import Decimal

    from helpdesk.rankings.ranking import round9, to_cents

    problems = []
    rows = {row["coach"]: row for row in ranking}
    floors = {row["coach"]: row for row in floor}
    if set(rows) != set(floors):
        problems.append(f"coaches differ: ranking {len(rows)}, floor {len(floors)}")
    same = ("answered", "needs_improvement", "samples", "breaches", "met_target", "success_weight_total",
            "success_weight_hits", "happiness_weight_total", "happiness_promoters", "happiness_detractors",
            "moderated", "approved_later_rejected")
    for coach in sorted(set(rows) & set(floors)):
        row, f = rows[coach], floors[coach]
        expected = {name: int(f[name]) for name in same}
        expected["base_compensation"] = f"{to_cents(int(f['profit_total']), 8):.2f}"
        expected["ad_credit_compensation"] = f"{to_cents(int(f['ad_credit_total']), 8):.2f}"
        expected["mean_response_seconds"] = (round9(int(f["total_us"]), int(f["samples"]) * 10**6)
                                             if f["samples"] else None)
        for name, value in expected.items():
            have = row.get(name)
            if name == "mean_response_seconds" and have is not None:
                have = Decimal(str(have))
            if have != value:
                problems.append(f"{coach} {name}: ranking {have!r}, floor {value!r}")
    return problems


def last_complete_month() -> str:
    from helpdesk.periods import previous_month

    return previous_month()


def machine() -> str:
    model = ""
    try:
        model = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} shared cores, {model or 'unknown CPU'}"


def program_size() -> str:
    import psycopg

    url = os.environ["DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url) as conn:
        counts = {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 - fixed names
                  for table in ("messages", "daily_goals", "response_waits")}
        coaches = conn.execute("SELECT count(*) FROM users WHERE role = 'coach'").fetchone()[0]
        first = conn.execute("SELECT min(date), max(date) FROM daily_goals").fetchone()
    return (f"{coaches:,} coaches, {counts['messages']:,} messages, {counts['daily_goals']:,} daily goals "
            f"({first[0]} to {first[1]}), {counts['response_waits']:,} waits")


def write_results(text: str) -> None:
    """Append this run under "## Monthly ranking" in bench/RESULTS.md (the section is created once)."""
    path = ROOT / "bench" / "RESULTS.md"
    current = path.read_text() if path.exists() else "# Benchmark results\n"
    if "## Monthly ranking" not in current:
        current = current.rstrip("\n") + (
            "\n\n## Monthly ranking\n\nThe ranking of a month in-process (`compute_snapshot`, as the job runs it) "
            "beside its floor, one hand-written query giving the same aggregates (`bench/ranking_floor.sql`), "
            "by `bench/ranking_bench.py`. Target (issue 15): at most 1.5x the floor, and time and peak RSS "
            "within 1.2x when the history doubles.\n")
    path.write_text(current.rstrip("\n") + "\n\n" + text + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--month", help="YYYY-MM (default: the last complete month)")
    parser.add_argument("--as-of", dest="as_of", help="the instant T, ISO 8601 (default: the month's end)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of ranking then floor (default 3)")
    parser.add_argument("--sections", action="store_true", help="print the time of each aggregate")
    parser.add_argument("--compare", action="store_true",
                        help="check the export against the code at --reference, and the floor against the ranking")
    parser.add_argument("--reference", default=REFERENCE, help=f"the commit to compare with (default {REFERENCE})")
    parser.add_argument("--code", help="time the ranking of the code at this commit instead of this checkout's "
                                       "(e.g. the reference, for the figures before)")
    parser.add_argument("--write", action="store_true", help="append the figures to bench/RESULTS.md")
    parser.add_argument("--label", default="", help="what this run measures, for RESULTS.md (e.g. 'after, 6 months')")
    parser.add_argument("--child", choices=("ranking", "floor"), help=argparse.SUPPRESS)
    parser.add_argument("--dump", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("DATABASE_URL must name a PostgreSQL database holding a generated program")

    from helpdesk.periods import as_utc, parse_month

    month = args.month or last_complete_month()
    start, end = parse_month(month)
    as_of = as_utc(datetime.fromisoformat(args.as_of)) if args.as_of else end
    if as_of < start + timedelta(days=1):
        sys.exit("--as-of must leave at least the month's first day finished")
    if args.child == "ranking":
        print(json.dumps(child_ranking(month, as_of, args.sections, args.dump)))
        return
    if args.child == "floor":
        print(json.dumps(child_floor(month, as_of, args.dump)))
        return

    work = Path(tempfile.mkdtemp(prefix="ranking_bench_"))
    try:
        code = reference_tree(args.code, work / "code") if args.code else None
        ours, floors = [], []
        for n in range(args.rounds):
            dump = str(work / "ours.json") if n == 0 else None
            ours.append(run_child("ranking", month, as_of, code=code, sections=args.sections, dump=dump))
            floors.append(run_child("floor", month, as_of, dump=str(work / "floor.json") if n == 0 else None))
            print(f"  round {n + 1}: ranking {ours[-1]['seconds']:.2f} s ({ours[-1]['peak_rss_mb']:.0f} MB peak), "
                  f"floor {floors[-1]['seconds']:.2f} s", flush=True)
            if args.sections:
                print("    " + ", ".join(f"{name} {s:.2f} s" for name, s in ours[-1]["sections"].items()), flush=True)
        r = statistics.median(o["seconds"] for o in ours)
        f = statistics.median(o["seconds"] for o in floors)
        rss = max(o["peak_rss_mb"] for o in ours)
        base = min(o["rss_before_mb"] for o in ours)
        label = ", ".join(filter(None, [args.label, f"the code at {args.code}" if args.code else ""]))
        lines = [f"- {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {machine()}{', ' + label if label else ''}: "
                 f"{program_size()}; month {month} as of {as_of.isoformat()}, {ours[0]['coaches']:,} coach rows, "
                 f"{args.rounds} round(s), median: ranking {r:.2f} s, floor {f:.2f} s, ratio {r / f:.2f}x; "
                 f"peak RSS {rss:.0f} MB ({base:.0f} MB before the computation)"]
        if args.compare:
            from helpdesk.rankings.export import FIELDS

            ranking = json.loads((work / "ours.json").read_text())
            floor = json.loads((work / "floor.json").read_text())
            tree = reference_tree(args.reference, work / "reference")
            reference = run_child("ranking", month, as_of, code=tree, dump=str(work / "reference.json"))
            theirs = json.loads((work / "reference.json").read_text())
            problems = compare_exports(ranking, theirs, FIELDS) + compare_floor(ranking, floor)
            for problem in problems[:20]:
                print("  DIFFERS: " + problem)
            if problems:
                sys.exit(f"compare: {len(problems)} difference(s)")
            lines.append(f"  compare: the export of all {len(ranking):,} coaches equals that of {args.reference} "
                         f"(which took {reference['seconds']:.2f} s, {reference['peak_rss_mb']:.0f} MB peak), "
                         f"and the floor's aggregates equal the ranking's")
        print("\n".join(lines))
        if args.write:
            write_results("\n".join(lines))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
