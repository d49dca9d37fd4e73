"""Queue throughput of a trivial job: plain RQ against helpdesk's worker, measured in the same run.

    DATABASE_URL=postgresql://... REDIS_URL=redis://127.0.0.1:6379/N python bench/queue_bench.py [--jobs 200] [--write]

Both sides run a forking `rq.Worker` in burst mode over N queued jobs of the same function (one that
does nothing); the clock runs from the start of `work()` to its end, so enqueueing is left out of both.
The machine is shared, and a round's rate moves by 5x with its neighbours: so the rounds are short, the
two sides alternate which goes first, and the figure is the median of each round's ratio (the two sides
of a round ran within seconds of each other), beside the median rates.
Plain RQ's jobs are enqueued straight onto a queue of their own; helpdesk's go through the outbox
(`helpdesk.jobs.enqueue`, committed and pushed), and its worker keeps every outbox row up to date, as
in production. The target (issue 15): helpdesk's rate >= 80 % of plain RQ's. Uses queues named
`bench-*` and deletes its outbox rows afterwards. --write appends the figures to bench/RESULTS.md.
"""

import argparse
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

JOB = "bench.queue_bench.trivial"


def trivial(n):
    """The job: no database, no I/O."""
    return {"n": n}


def plain_rq(redis, jobs: int) -> float:
    """Jobs per second of a plain forking RQ worker."""
    from rq import Queue, Worker

    queue = Queue("bench-plain", connection=redis)
    queue.empty()
    for n in range(jobs):
        queue.enqueue(JOB, n)
    worker = Worker([queue], connection=redis)
    started = time.perf_counter()
    worker.work(burst=True)
    elapsed = time.perf_counter() - started
    assert queue.finished_job_registry.count >= jobs, "plain RQ did not finish every job"
    queue.empty()
    return jobs / elapsed


def helpdesk_worker(app, jobs: int) -> float:
    """Jobs per second of `helpdesk worker` (forking), jobs enqueued through the outbox."""
    from sqlalchemy import delete, func, select

    from helpdesk import jobs as outbox
    from helpdesk.extensions import db
    from helpdesk.worker import make_worker

    with app.app_context():
        outbox.get_queue("bench-app").empty()
        for n in range(jobs):
            outbox.enqueue(JOB, n, queue="bench-app")
        db.session.commit()
        outbox.dispatch_ready()
        db.session.remove()
    worker = make_worker(app, ["bench-app"])
    started = time.perf_counter()
    worker.work(burst=True)
    elapsed = time.perf_counter() - started
    with app.app_context():
        finished = db.session.scalar(select(func.count()).where(outbox.OutboxJob.name == JOB,
                                                               outbox.OutboxJob.status == "finished"))
        db.session.execute(delete(outbox.OutboxJob).where(outbox.OutboxJob.name == JOB))
        db.session.commit()
        db.session.remove()
    assert finished == jobs, f"only {finished} of {jobs} outbox rows finished"
    return jobs / elapsed


def machine() -> str:
    """This machine, for the results: host kind, cores, CPU model."""
    model = ""
    try:
        model = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, {model or 'unknown CPU'}"


def write_results(text: str) -> None:
    """Append this run under "## Queue throughput" in bench/RESULTS.md (the section is created once)."""
    path = ROOT / "bench" / "RESULTS.md"
    current = path.read_text() if path.exists() else "# Benchmark results\n"
    if "## Queue throughput" not in current:
        current = current.rstrip("\n") + (
            "\n\n## Queue throughput\n\nA trivial job through a forking worker, by `bench/queue_bench.py`: plain RQ "
            "and `helpdesk worker` in the same run (target: helpdesk >= 80 % of plain RQ).\n")
    # At the end of that section (before the next "## " heading), not at the end of the file.
    start = current.index("## Queue throughput")
    end = current.find("\n## ", start + 1)
    end = len(current) if end < 0 else end + 1
    section = current[:end].rstrip("\n") + "\n\n" + text + "\n"
    path.write_text(section + ("\n" + current[end:] if end < len(current) else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=100, help="jobs per round and side (default 100)")
    parser.add_argument("--rounds", type=int, default=10, help="rounds (default 10), each side once per round")
    parser.add_argument("--write", action="store_true", help="append the figures to bench/RESULTS.md")
    args = parser.parse_args()
    if not os.environ.get("REDIS_URL"):
        sys.exit("REDIS_URL is required (a real Redis; the bench uses queues named bench-*)")

    from helpdesk import create_app
    from helpdesk.extensions import db
    from helpdesk.jobs import get_redis

    app = create_app()
    with app.app_context():
        db.create_all()  # a fresh database gets the tables; an existing one is left as it is
        redis = get_redis()
    plain, ours = [], []
    for n in range(args.rounds):
        if n % 2:
            ours.append(helpdesk_worker(app, args.jobs))
            plain.append(plain_rq(redis, args.jobs))
        else:
            plain.append(plain_rq(redis, args.jobs))
            ours.append(helpdesk_worker(app, args.jobs))
    p, h = statistics.median(plain), statistics.median(ours)
    ratio = statistics.median(o / q for o, q in zip(ours, plain, strict=True))
    dialect = app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]
    line = (f"- {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {machine()}, {dialect}, {args.jobs} jobs x {args.rounds} "
            f"rounds (median): plain RQ {p:.1f} jobs/s, helpdesk worker {h:.1f} jobs/s; median ratio of a round "
            f"{100 * ratio:.0f} % (target >= 80 %)")
    print(line)
    print(f"  plain RQ rounds: {', '.join(f'{x:.1f}' for x in plain)}; helpdesk: {', '.join(f'{x:.1f}' for x in ours)}")
    if args.write:
        write_results(line)


if __name__ == "__main__":
    main()
