"""The process's event log: a stream waiting on its topics wakes for those, not for everyone's events."""

import threading
import time

from helpdesk.live.broker import EventLog


def _wait_in_thread(log, seq, topics, timeout=5.0):
    """Start `log.wait` in a thread; return (thread, when it returned: a list filled with the monotonic time)."""
    returned = []

    def run():
        log.wait(seq, timeout, topics)
        returned.append(time.monotonic())

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(0.1)  # it is waiting now
    return thread, returned


def test_a_wait_on_topics_sleeps_through_other_topics_and_wakes_for_its_own():
    log = EventLog()
    seq = log.last_seq
    thread, returned = _wait_in_thread(log, seq, frozenset({"user:1", "desk"}))
    for n in range(20):
        log.append(0, (f"user:{100 + n}", "coach:7"), "bell")
    time.sleep(0.3)
    assert returned == [], "woken by events on other topics"
    sent = time.monotonic()
    log.append(0, ("user:1",), "bell")
    thread.join(2)
    assert returned and returned[0] - sent < 1.0
    assert [e.topics for e in log.after(seq)][-1] == ("user:1",)


def test_a_desk_event_wakes_every_stream_and_a_wait_without_topics_wakes_for_any_event():
    log = EventLog()
    seq = log.last_seq
    waits = [_wait_in_thread(log, seq, frozenset({f"user:{n}", "desk"})) for n in range(3)]
    anything = _wait_in_thread(log, seq, None)
    log.append(0, ("desk",), "refresh")
    for thread, _ in [*waits, anything]:
        thread.join(2)
    assert all(returned for _, returned in [*waits, anything])


def test_a_wait_returns_at_once_when_events_arrived_after_its_position():
    """Events between reading the log and waiting again are not slept through, whatever their topics."""
    log = EventLog()
    seq = log.last_seq
    log.append(0, ("user:2",), "bell")
    started = time.monotonic()
    log.wait(seq, 5.0, frozenset({"user:1"}))
    assert time.monotonic() - started < 0.5
    started = time.monotonic()
    log.wait(log.last_seq, 0.2, frozenset({"user:1"}))  # nothing new: the timeout
    assert time.monotonic() - started >= 0.19
