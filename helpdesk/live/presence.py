"""Presence: which staff have a thread open right now, and who is typing a reply in it.

A thread page (staff only) reports "viewing" every HEARTBEAT seconds while it is open, "typing" while its
reply box is being written in, and "left" when it closes. A mark lasts TTL seconds (TYPING_TTL for typing),
so a closed laptop drops out by itself. Marks live in Redis (a hash per thread, expiring) when REDIS_URL is
set, so every web process sees the same; in this process's memory in the embedded default.

A change of someone's state is published on "staff:thread:ID" (streams of staff who may see the thread);
clients never subscribe to that topic, and /live/state answers presence only to staff, per visible thread.
"""

import json
import logging
import threading
import time
from dataclasses import dataclass

from flask import current_app
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

STATES = ("viewing", "typing", "left")
TTL = 45
TYPING_TTL = 8
HEARTBEAT = 15


@dataclass(frozen=True)
class Mark:
    user_id: int
    name: str
    state: str  # viewing or typing
    until: float


class MemoryPresence:
    """The embedded default: {thread_id: {user_id: Mark}} behind a lock."""

    def __init__(self):
        self._marks: dict[int, dict[int, Mark]] = {}
        self._lock = threading.Lock()

    def set(self, thread_id: int, mark: Mark | None, user_id: int) -> Mark | None:
        with self._lock:
            marks = self._marks.setdefault(thread_id, {})
            before = marks.pop(user_id, None)
            if mark is not None:
                marks[user_id] = mark
            elif not marks:
                self._marks.pop(thread_id, None)
            return before

    def marks(self, thread_ids) -> dict[int, list[Mark]]:
        now = time.time()
        with self._lock:
            return {tid: [m for m in self._marks.get(tid, {}).values() if m.until > now] for tid in thread_ids}


class RedisPresence:
    """A hash per thread (user id -> JSON mark), expiring TTL seconds after its last write."""

    def __init__(self, redis):
        self._redis = redis

    @staticmethod
    def _key(thread_id: int) -> str:
        return f"helpdesk:presence:{thread_id}"

    def set(self, thread_id: int, mark: Mark | None, user_id: int) -> Mark | None:
        key = self._key(thread_id)
        pipe = self._redis.pipeline()
        pipe.hget(key, user_id)
        if mark is None:
            pipe.hdel(key, user_id)
        else:
            pipe.hset(key, user_id, json.dumps([mark.name, mark.state, mark.until]))
            pipe.expire(key, TTL)
        try:
            before = pipe.execute()[0]
        except (RedisError, OSError) as exc:  # presence is a hint: Redis away means nobody is shown, not an error
            log.warning("presence not stored, Redis unavailable: %s", exc)
            return None
        return _load(user_id, before)

    def marks(self, thread_ids) -> dict[int, list[Mark]]:
        thread_ids = list(thread_ids)
        pipe = self._redis.pipeline()
        for tid in thread_ids:
            pipe.hgetall(self._key(tid))
        try:
            found = pipe.execute()
        except (RedisError, OSError) as exc:
            log.warning("presence not read, Redis unavailable: %s", exc)
            return {tid: [] for tid in thread_ids}
        now = time.time()
        out = {}
        for tid, raw in zip(thread_ids, found, strict=True):
            marks = [_load(int(uid), value) for uid, value in raw.items()]
            out[tid] = [m for m in marks if m is not None and m.until > now]
        return out


def _load(user_id: int, raw) -> Mark | None:
    if not raw:
        return None
    try:
        name, state, until = json.loads(raw)
        return Mark(user_id, str(name), str(state), float(until))
    except (ValueError, TypeError):
        return None


_memory: dict[int, MemoryPresence] = {}


def store():
    """The presence store of the current app."""
    if current_app.config.get("REDIS_URL"):
        from helpdesk.jobs import get_redis

        return RedisPresence(get_redis())
    return _memory.setdefault(id(current_app._get_current_object()), MemoryPresence())


def report(thread_id: int, user, state: str) -> bool:
    """Record `user`'s state in the thread; return whether others should hear of it (it changed)."""
    if state not in STATES:
        raise ValueError(state)
    if state == "left":
        before = store().set(thread_id, None, user.id)
        return before is not None and before.until > time.time()
    ttl = TYPING_TTL if state == "typing" else TTL
    before = store().set(thread_id, Mark(user.id, user.name, state, time.time() + ttl), user.id)
    return before is None or before.state != state or before.until <= time.time()


def others_in(thread_ids, viewer_id: int) -> dict[int, list[dict]]:
    """{thread id: [{"name", "state"}]} of the staff in each thread but the viewer, typing first, by name."""
    out = {}
    for tid, marks in store().marks(thread_ids).items():
        others = sorted((m for m in marks if m.user_id != viewer_id), key=lambda m: (m.state != "typing", m.name))
        out[tid] = [{"name": m.name, "state": m.state} for m in others]
    return out
