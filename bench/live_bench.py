"""What one gunicorn worker holds of the live channel (issue #14): open streams, memory per stream, events
delivered per second, and the latency from a client's post to the coach's event.

One gunicorn worker (gthread, --threads T, LIVE_MAX_STREAMS = T - 8 so eight threads stay for pages) on a
loopback port. Coaches sign in through the login form; S streams are opened (each coach's inbox stream,
several per coach when S is larger). Then:
- memory: the worker's RSS before and after the S streams are open, per stream;
- the process's bound: one more stream than LIVE_MAX_STREAMS is refused (503), and /healthz still answers
  while every stream slot is taken (median of 20);
- latency: clients post messages through the API one at a time; from sending the POST to the event arriving on
  the coach's open stream (p50, p95), beside the POST's own answer time;
- delivery: with REDIS_URL, the bench publishes E events on the desk-wide topic through Redis as fast as it
  can and counts them arriving on every stream (events delivered per second = S x E / time to the last);
  without REDIS_URL (the in-process broker) clients post (from 4 threads; one on SQLite) and the events
  reaching the streams are counted.

Usage (PostgreSQL or SQLite; the bench's users are added with a fresh prefix, nothing is dropped):
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/helpdesk_bench REDIS_URL=redis://127.0.0.1:6379/14 \\
        python bench/live_bench.py --streams 200 --threads 216 --write
"""

import argparse
import http.client
import json
import os
import statistics
import threading
import time
from datetime import UTC, datetime

from live_client import HOST, ROOT, Stream, gunicorn, post_message, rss_kb, seed, sign_in, thread_count

SPARE_THREADS = 8


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def run(database_url: str, redis_url: str | None, streams: int, threads: int, posts: int, events: int) -> dict:
    max_streams = threads - SPARE_THREADS
    if streams > max_streams:
        raise SystemExit(f"--streams {streams} is more than --threads {threads} minus {SPARE_THREADS}")
    coaches = max(1, min(streams, 20))
    plan = seed(database_url, coaches)
    figures = {"streams": streams, "threads": threads, "max_streams": max_streams,
               "broker": "Redis pub/sub" if redis_url else "in-process"}
    with gunicorn(database_url, redis_url, threads, max_streams) as (port, worker):
        cookies = [sign_in(port, c["login"]) for c in plan["coaches"]]
        warm = Stream(port, cookies[0], "/live/stream?inbox=1")  # the broker (and its listener) start
        warm.start()
        warm.opened.wait(10)
        warm.close()
        time.sleep(1.0)
        rss_before, threads_before = rss_kb(worker), thread_count(worker)
        opened = []
        for i in range(streams):
            stream = Stream(port, cookies[i % coaches], "/live/stream?inbox=1")
            stream.coach = plan["coaches"][i % coaches]
            stream.start()
            opened.append(stream)
        for stream in opened:
            stream.opened.wait(30)
        refused = [s.status for s in opened if s.status != 200]
        if refused:
            raise RuntimeError(f"{len(refused)} streams refused: {refused[:5]}")
        time.sleep(1.0)
        rss_after = rss_kb(worker)
        figures.update(rss_before_mb=rss_before / 1024, rss_after_mb=rss_after / 1024,
                       kb_per_stream=(rss_after - rss_before) / streams,
                       threads_in_worker=thread_count(worker), threads_before=threads_before)

        # The bound: one more than LIVE_MAX_STREAMS is refused, pages still answer.
        fillers = []
        for _ in range(max_streams - streams):
            filler = Stream(port, cookies[0], "/live/stream")
            filler.start()
            fillers.append(filler)
        for filler in fillers:
            filler.opened.wait(30)
        extra = Stream(port, cookies[0], "/live/stream")
        extra.start()
        extra.join(30)
        figures["beyond_max_status"] = extra.status
        health = []
        for _ in range(20):
            started = time.perf_counter()
            conn = http.client.HTTPConnection(HOST, port, timeout=30)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            health.append(time.perf_counter() - started)
        figures["healthz_ms_all_slots_taken"] = statistics.median(health) * 1000
        for filler in fillers:
            filler.close()

        # Latency: a client posts, the coach's stream hears "message".
        latencies, post_times = [], []
        for k in range(posts):
            coach = plan["coaches"][k % coaches]
            mine = next(s for s in opened if s.coach is coach)
            seen = len(mine.heard)
            started = time.perf_counter()
            post_times.append(post_message(port, coach["client_token"], coach["thread"], f"bench message {k}"))
            topic = f"coach:{coach['id']}"
            deadline = time.perf_counter() + 10
            while time.perf_counter() < deadline:
                hit = next((t for t, d in mine.heard[seen:] if d["kind"] == "message" and topic in d["topics"]),
                           None)
                if hit is not None:
                    latencies.append(hit - started)
                    break
                time.sleep(0.002)
            else:
                raise RuntimeError(f"the event of post {k} never arrived")
        figures.update(latency_p50_ms=percentile(latencies, 50) * 1000, latency_p95_ms=percentile(latencies, 95) * 1000,
                       post_p50_ms=percentile(post_times, 50) * 1000, posts=posts)

        # Delivery rate.
        counted_from = [len(s.heard) for s in opened]
        if redis_url:
            from redis import Redis

            from helpdesk.live.broker import channel_for, now_ms

            redis = Redis.from_url(redis_url)
            channel = channel_for(redis_url)
            started = time.perf_counter()
            for _ in range(events):
                redis.publish(channel, json.dumps({"ts": now_ms(), "topics": ["desk"], "kind": "bench"}))
            expected = events
            kind = "bench"
        else:
            started = time.perf_counter()
            posters = 1 if database_url.startswith("sqlite") else 4  # SQLite takes one writer at a time
            per_thread = max(1, events // posters)
            failed = []

            def poster(offset):
                for n in range(per_thread):
                    coach = plan["coaches"][(offset + n) % coaches]
                    try:
                        post_message(port, coach["client_token"], coach["thread"], f"rate {offset}-{n}")
                    except (RuntimeError, OSError) as exc:
                        failed.append(str(exc))

            workers = [threading.Thread(target=poster, args=(i,)) for i in range(posters)]
            for w in workers:
                w.start()
            for w in workers:
                w.join()
            if failed:
                raise RuntimeError(f"{len(failed)} posts failed: {failed[:3]}")
            expected = None
            kind = "message"
        deadline = time.perf_counter() + 60
        while time.perf_counter() < deadline:
            got = [sum(1 for _, d in s.heard[c:] if d["kind"] == kind) for s, c in zip(opened, counted_from, strict=True)]
            if expected is None or min(got) >= expected:
                if expected is None:
                    time.sleep(1.0)
                    got = [sum(1 for _, d in s.heard[c:] if d["kind"] == kind)
                           for s, c in zip(opened, counted_from, strict=True)]
                break
            time.sleep(0.01)
        last = max((t for s, c in zip(opened, counted_from, strict=True) for t, d in s.heard[c:] if d["kind"] == kind),
                   default=time.perf_counter())
        delivered = sum(got)
        figures.update(delivered=delivered, delivery_seconds=last - started,
                       events_per_second=delivered / max(1e-6, last - started),
                       lost=(expected * streams - delivered) if expected is not None else None)
        for stream in opened:
            stream.close()
    return figures


def report(f: dict) -> str:
    lost = f"; lost {f['lost']}" if f["lost"] is not None else ""
    return (f"one gthread worker, {f['threads']} threads, LIVE_MAX_STREAMS {f['max_streams']}, {f['broker']}: "
            f"{f['streams']} open streams; worker RSS {f['rss_before_mb']:.1f} MB -> {f['rss_after_mb']:.1f} MB = "
            f"{f['kb_per_stream']:.0f} KB per stream ({f['threads_in_worker']} OS threads); stream "
            f"{f['max_streams'] + 1} answered {f['beyond_max_status']}, /healthz {f['healthz_ms_all_slots_taken']:.1f} ms "
            f"with every slot taken; post -> event p50 {f['latency_p50_ms']:.0f} ms, p95 {f['latency_p95_ms']:.0f} ms "
            f"over {f['posts']} posts (the POST alone p50 {f['post_p50_ms']:.0f} ms); delivered "
            f"{f['delivered']} events in {f['delivery_seconds']:.2f} s = {f['events_per_second']:.0f} events/s{lost}")


def write_results(text: str) -> None:
    """Append this run at the end of its section of bench/RESULTS.md (the section is created once)."""
    path = ROOT / "bench" / "RESULTS.md"
    heading = "## Live channel: what one gunicorn worker holds (bench/live_bench.py)"
    current = path.read_text()
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    database = os.environ.get("DATABASE_URL", "sqlite").split(":")[0]
    line = f"- {stamp}, 2 shared cores, {database}: {text}\n"
    if heading not in current:
        current = current.rstrip("\n") + f"\n\n{heading}\n\n"
    ends = [i for i in (current.find(mark, current.index(heading) + len(heading)) for mark in ("\n## ", "\n### "))
            if i != -1]
    at = min(ends) + 1 if ends else len(current)  # before the next section, or this one's notes
    before = current[:at].rstrip("\n") + "\n\n"
    path.write_text(before + line + ("\n" + current[at:] if at < len(current) else ""))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streams", type=int, default=100, help="open streams to hold")
    parser.add_argument("--threads", type=int, default=116, help="gunicorn --threads of the one worker")
    parser.add_argument("--posts", type=int, default=40, help="posts timed one at a time (latency)")
    parser.add_argument("--events", type=int, default=500, help="events published for the delivery rate")
    parser.add_argument("--write", action="store_true", help="append the figures to bench/RESULTS.md")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{ROOT / 'instance' / 'live_bench.sqlite3'}"
    figures = run(database_url, os.environ.get("REDIS_URL") or None, args.streams, args.threads, args.posts,
                  args.events)
    text = report(figures)
    print(text)
    print("FIGURES " + json.dumps(figures))
    if args.write:
        write_results(text)


if __name__ == "__main__":
    main()
