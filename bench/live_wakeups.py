"""What waking the live streams costs one process: S streams wait on their own topics while E events for
other users arrive one at a time; the process's CPU seconds, and whether each stream heard exactly its own.

Every stream runs the loop of helpdesk/live/stream.py (wait on the log, read what arrived after its position,
keep what is on its topics) in a thread of its own, on this process's EventLog, with no server or database in
between: the figure is the wake-up cost alone. Events are spaced (a pause after each), as a desk's traffic is,
so that each one is a wake-up of its own rather than one of a burst. Run it on the code before a change by
putting that checkout first on PYTHONPATH.

    python bench/live_wakeups.py --streams 200 --events 5000 --write
"""

import argparse
import json
import resource
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))  # after PYTHONPATH: a checkout put there first is the one measured
from helpdesk.live.broker import EventLog  # noqa: E402, I001 - first: page_timing puts this checkout first

from page_timing import append_results  # noqa: E402


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run(streams: int, events: int, pause_s: float) -> dict:
    log, stop = EventLog(), threading.Event()
    heard = [0] * streams
    try:
        log.wait(log.last_seq, 0.0, frozenset())
        targeted = True
    except TypeError:  # code from before waits named their topics
        targeted = False

    def stream(i: int) -> None:
        topics = frozenset({f"user:{i}", f"coach:{i}", "desk"})
        seq = log.last_seq
        while not stop.is_set():
            if targeted:
                log.wait(seq, 0.5, topics)
            else:
                log.wait(seq, 0.5)
            for event in log.after(seq):
                seq = event.seq
                if topics.intersection(event.topics):
                    heard[i] += 1

    threads = [threading.Thread(target=stream, args=(i,), daemon=True) for i in range(streams)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    cpu, started = _cpu(), time.perf_counter()
    for n in range(events):  # other users' bells, then one for stream 0
        log.append(int(time.time() * 1000), (f"user:{streams + n % 97}",), "bell")
        time.sleep(pause_s)
    log.append(int(time.time() * 1000), ("user:0",), "bell")
    time.sleep(1.0)
    cpu, wall = _cpu() - cpu, time.perf_counter() - started
    stop.set()
    for thread in threads:
        thread.join(5)
    return {"streams": streams, "events": events, "targeted": targeted, "cpu_s": cpu, "wall_s": wall,
            "cpu_us_per_event": cpu / (events + 1) * 1e6, "stream_0_heard": heard[0],
            "others_heard": sum(heard) - heard[0]}


def report(f: dict) -> str:
    how = "waits on their topics" if f["targeted"] else "every wait woken by every event"
    return (f"{f['streams']} streams ({how}), {f['events']} events for other users one at a time: "
            f"{f['cpu_s']:.2f} CPU s over {f['wall_s']:.2f} s = {f['cpu_us_per_event']:.0f} us of CPU per event; "
            f"the stream the last event was for heard {f['stream_0_heard']}, the others {f['others_heard']}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streams", type=int, default=200)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--pause-ms", type=float, default=1.0, help="pause after each event")
    parser.add_argument("--label", default="", help="what code this is")
    parser.add_argument("--write", action="store_true", help="append the figures to bench/RESULTS.md")
    args = parser.parse_args()
    figures = run(args.streams, args.events, args.pause_ms / 1000)
    text = report(figures)
    print(text)
    print("FIGURES " + json.dumps(figures))
    if args.write:
        append_results(f"Live channel: waking the streams (bench/live_wakeups.py){' - ' + args.label if args.label else ''}",
                       text)


if __name__ == "__main__":
    main()
