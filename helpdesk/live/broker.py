"""The live broker: events published after a commit, delivered to this process's open streams.

One event is (ts, topics, kind): `ts` the publisher's clock in milliseconds, `topics` who may care
("thread:12", "staff:thread:12", "user:7", "coach:3", "team:2", "unassigned"), `kind` what changed.

- Embedded default (no REDIS_URL): publishing appends to this process's log directly (one process serves).
- REDIS_URL set: publishing is one PUBLISH on the desk's channel; every web process runs one listener
  thread subscribed to that channel (from its first stream on), which appends what it hears to its own log. So each process holds the
  whole desk's recent events, and a stream that reconnects to another process (gunicorn picks any worker)
  can be replayed from its Last-Event-ID there.

The log keeps the last LOG_SIZE events; streams wait on one Condition and read the log from their own
position. `listening_since` is when this process began hearing events: a reconnect whose last id is older
than that may have missed some, and is told to refresh instead.
"""

import json
import logging
import threading
import time
from collections import deque
from dataclasses import dataclass

log = logging.getLogger(__name__)

LOG_SIZE = 5000
ANY = "\0any"  # where a wait for every event registers (no topic is named so)


def now_ms() -> int:
    return int(time.time() * 1000)


@dataclass(frozen=True)
class Event:
    seq: int  # this process's arrival number (positions in the log)
    ts: int  # the publisher's clock, ms: what the browser's Last-Event-ID carries
    topics: tuple[str, ...]
    kind: str


class EventLog:
    """This process's recent events, in arrival order; a stream waits for the next event on its own topics.

    Each waiting stream registers under its topics, and an event wakes only the streams of its topics (a
    "desk" event, which every stream hears, wakes them all). Waking every stream for every event cost
    about 10 us of CPU per stream per event: with 200 open streams a process spent a whole core waking them
    at 500 events/s for other users (bench/live_wakeups.py, bench/RESULTS.md)."""

    def __init__(self, size: int = LOG_SIZE):
        self._events: deque[Event] = deque(maxlen=size)
        self._next_seq = 1
        self._lock = threading.Lock()
        self._waiting: dict[str, set[threading.Event]] = {}  # topic -> the waits of streams that hear it
        self.listening_since = now_ms()

    def append(self, ts: int, topics, kind: str) -> Event:
        with self._lock:
            event = Event(self._next_seq, ts, tuple(topics), kind)
            self._next_seq += 1
            self._events.append(event)
            for topic in event.topics + (ANY,):
                for waiter in self._waiting.get(topic, ()):
                    waiter.set()
        return event

    @property
    def last_seq(self) -> int:
        return self._next_seq - 1

    def after(self, seq: int) -> list[Event]:
        """Events that arrived after position `seq` (those the log still holds)."""
        with self._lock:
            if not self._events or self._events[-1].seq <= seq:
                return []
            start = max(0, seq + 1 - self._events[0].seq)
            return [self._events[i] for i in range(start, len(self._events))]

    def since_ts(self, ts: int) -> list[Event]:
        """Events published at or after `ts` (ms), for a stream that reconnects (duplicates are harmless)."""
        with self._lock:
            return [e for e in self._events if e.ts >= ts]

    def covers(self, ts: int) -> bool:
        """Whether this log holds every event published since `ts`: it was listening then, and the oldest
        event it still holds is no later than that."""
        with self._lock:
            full = len(self._events) == self._events.maxlen
            return ts >= self.listening_since and (not full or self._events[0].ts <= ts)

    def wait(self, seq: int, timeout: float, topics=None) -> None:
        """Block until an event on one of `topics` (any event if None) arrives after `seq`, or `timeout`
        seconds pass. Returns at once if any event arrived after `seq`: the caller reads them with `after`
        and moves `seq` past them, so events on other topics never keep it awake."""
        waiter = threading.Event()
        keys = tuple(topics) if topics is not None else (ANY,)
        with self._lock:
            if self._next_seq - 1 > seq:
                return
            for key in keys:
                self._waiting.setdefault(key, set()).add(waiter)
        try:
            waiter.wait(timeout)
        finally:
            with self._lock:
                for key in keys:
                    waiters = self._waiting.get(key)
                    if waiters is not None:
                        waiters.discard(waiter)
                        if not waiters:
                            del self._waiting[key]


class InProcessBroker:
    """The embedded default: events go straight into this process's log."""

    def __init__(self):
        self.log = EventLog()

    def publish(self, topics, kind: str) -> None:
        if topics:
            self.log.append(now_ms(), topics, kind)

    def stop(self) -> None:
        pass


class RedisBroker:
    """Redis pub/sub on one channel; a daemon thread per process listens and fills the log."""

    RETRY_SECONDS = 2.0

    def __init__(self, url: str, channel: str):
        from redis import Redis

        self.channel = channel
        self._log = EventLog()
        self._redis = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        self._listen_redis = Redis.from_url(url, socket_connect_timeout=2, health_check_interval=30)
        self._stopped = threading.Event()
        self._subscribed = threading.Event()
        self._thread = None
        self._start_lock = threading.Lock()

    @property
    def log(self) -> EventLog:
        """The log, listening from the first time a stream (or test) asks for it: a process that only
        publishes (an RQ job, a command) never subscribes."""
        if self._thread is None:
            with self._start_lock:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._listen, name="live-listener", daemon=True)
                    self._thread.start()
        return self._log

    def publish(self, topics, kind: str) -> None:
        """One PUBLISH; a Redis outage loses the signal (pages catch up on their next refresh), never a write."""
        if not topics:
            return
        from redis.exceptions import RedisError

        payload = json.dumps({"ts": now_ms(), "topics": list(topics), "kind": kind})
        try:
            self._redis.publish(self.channel, payload)
        except (RedisError, OSError) as exc:
            log.warning("live event not published (Redis unreachable): %s", exc.__class__.__name__)

    def wait_subscribed(self, timeout: float = 5.0) -> bool:
        self.log  # noqa: B018 - starts the listener
        return self._subscribed.wait(timeout)

    def _listen(self) -> None:
        from redis.exceptions import RedisError

        while not self._stopped.is_set():
            pubsub = self._listen_redis.pubsub(ignore_subscribe_messages=True)
            try:
                pubsub.subscribe(self.channel)
                # Heard from now on: a reconnect whose last event is older than this is told to refresh.
                self._log.listening_since = now_ms()
                self._subscribed.set()
                while not self._stopped.is_set():
                    message = pubsub.get_message(timeout=1.0)
                    if message and message.get("type") == "message":
                        self._take(message["data"])
            except (RedisError, OSError) as exc:
                self._subscribed.clear()
                log.warning("live listener lost Redis (%s); retrying", exc.__class__.__name__)
                self._stopped.wait(self.RETRY_SECONDS)
            finally:
                try:
                    pubsub.close()
                except (RedisError, OSError):
                    pass

    def _take(self, data) -> None:
        try:
            body = json.loads(data)
            self._log.append(int(body["ts"]), [str(t) for t in body["topics"]], str(body["kind"]))
        except (ValueError, KeyError, TypeError):
            log.warning("live listener ignored a malformed event")

    def stop(self) -> None:
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(timeout=3)


_brokers: dict = {}
_lock = threading.Lock()


def channel_for(url: str) -> str:
    """Pub/sub channels are shared by every database of a Redis server; name ours after the db number."""
    from redis.connection import parse_url

    return f"helpdesk:live:{parse_url(url).get('db', 0)}"


def get_broker(app):
    """This process's broker for `app` (created on first use, never at import)."""
    app = app._get_current_object() if hasattr(app, "_get_current_object") else app  # current_app is a proxy
    url = app.config.get("REDIS_URL")
    key = (url or "in-process", id(app) if not url else None)
    with _lock:
        broker = _brokers.get(key)
        if broker is None:
            broker = RedisBroker(url, app.config.get("LIVE_CHANNEL") or channel_for(url)) if url else InProcessBroker()
            _brokers[key] = broker
        return broker
