"""What the database already holds that an import file defines or refers to, read in bulk.

Every query takes a batch of keys (one `IN` per batch), never one row per line. Referenced rows are
cached, up to CACHE_LIMIT of them (then the cache starts again); a table that was empty when the import
began is never queried.

The lookups need only rows stored before the import (what the file itself defines is in the checker's
spilled maps). So on PostgreSQL, when the caller's transaction has written nothing before the import (the
CLI's case), they run on the import's side connection (services.py), and see exactly what the import's own
connection would, without waiting for the COPY thread writing on it. Behind a lock shared with that thread
they held the checking thread for about a fifth of an import into a full database (py-spy, issue #15).
Otherwise (rows the caller has not committed yet, which only its own connection sees) they run on the
import's connection and take the writer's lock (`guard`).

On PostgreSQL a batch is one array parameter (`column = ANY(:keys)`), not an `IN` list of 2,000 parameters:
the statement then stays the same whatever the batch, so it is compiled once. Measured on 700,000 stored
messages, 2,000 external ids not stored, tables never analyzed: 87 ms against 100-119 ms. Most of the rest
was a plan for stale statistics (8 ms once analyzed), which is why an import analyzes what it grew
(services.py, issue #15, bench/RESULTS.md).
"""

from contextlib import nullcontext

from sqlalchemy import any_, bindparam, exists, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import aliased

from helpdesk.audits.models import Audit
from helpdesk.auth.models import User
from helpdesk.clients.models import Assignment, DailyGoal, ProfitRecord, SurveyResponse, Vacation
from helpdesk.inbox.models import Message, Thread
from helpdesk.moderation.models import Listing, ModerationDecision

CACHE_LIMIT = 200_000


def among(postgres: bool):
    """`among(column, keys)`: the condition "column is one of keys", as one array parameter on PostgreSQL."""
    if not postgres:
        return lambda column, keys: column.in_(keys)
    return lambda column, keys: column == any_(bindparam(None, list(keys), type_=ARRAY(column.type)))


MODELS = {
    "user": User, "thread": Thread, "message": Message, "audit": Audit, "listing": Listing,
    "assignment": Assignment, "daily_goal": DailyGoal, "survey": SurveyResponse, "profit": ProfitRecord,
    "moderation": ModerationDecision, "vacation": Vacation,
}


class Stored:
    """Cached facts about stored rows, keyed by external id.

    users: ext -> (pk, role); threads: ext -> (pk, client ext); messages: ext -> (pk, author pk, author role);
    listings: ext -> pk. `missing[kind]` holds external ids known not to be stored."""

    def __init__(self, session, connection=None):
        """`connection` is where the lookups run (the session if None)."""
        self.connection = connection if connection is not None else session
        # Held around every query on the session: the import's writer may be using its connection.
        self.guard = nullcontext()
        self.among = among(session.get_bind().dialect.name == "postgresql")
        self.empty = {kind: not session.scalar(select(exists().select_from(model)))
                      for kind, model in MODELS.items()}
        self.cache = {"user": {}, "thread": {}, "message": {}, "listing": {}, "audit": {}}
        self.missing = {kind: set() for kind in self.cache}

    def trim(self) -> None:
        """Forget the cached rows once there are many (a chunk's lookups bring back what it needs)."""
        if sum(len(cache) for cache in self.cache.values()) + sum(len(m) for m in self.missing.values()) > CACHE_LIMIT:
            for kind in self.cache:
                self.cache[kind].clear()
                self.missing[kind].clear()

    def _rows(self, statement) -> list:
        with self.guard:
            return self.connection.execute(statement).all()

    def knows(self, kind: str, ext: str) -> bool:
        return ext in self.cache[kind] or ext in self.missing[kind]

    def load(self, kind: str, refs: set[str], defs: set[str]) -> dict[str, tuple]:
        """Fetch the stored rows of `kind` among `refs | defs`: cache the referenced ones (all of them for
        the small types) and return {ext: comparable fields} for those in `defs`."""
        wanted = refs | defs
        if not wanted:
            return {}
        if self.empty[kind]:
            self.missing[kind].update(refs)
            return {}
        found = {}
        cache = self.cache[kind]
        cache_all = kind != "message"  # messages are many: keep only those an audit refers to
        keys = sorted(wanted)
        for start in range(0, len(keys), 2000):
            for ext, cached, fields in _QUERIES[kind](self._rows, self.among, keys[start:start + 2000]):
                if cache_all or ext in refs:
                    cache[ext] = cached
                if ext in defs:
                    found[ext] = fields
        self.missing[kind].update(ext for ext in refs if ext not in cache)
        return found

    def emails(self, emails: set[str]) -> dict[str, str]:
        """{email: external id of the stored user with it} for the given addresses."""
        if not emails or self.empty["user"]:
            return {}
        keys = sorted(emails)
        result = {}
        for start in range(0, len(keys), 2000):
            rows = self._rows(select(User.email, User.external_id).where(self.among(User.email, keys[start:start + 2000])))
            result.update((email, ext) for email, ext in rows)
        return result

    def audits_of(self, pairs: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
        """{(message ext, auditor ext): external id of the stored audit} for the given pairs: one audit per
        message and auditor (audits.models uq_audits_message_auditor)."""
        if not pairs or self.empty["audit"]:
            return {}
        auditor = aliased(User)
        keys = sorted({m for m, _ in pairs})
        result = {}
        for start in range(0, len(keys), 2000):
            rows = self._rows(
                select(Message.external_id, auditor.external_id, Audit.external_id)
                .join(Message, Message.id == Audit.message_id).join(auditor, auditor.id == Audit.auditor_id)
                .where(self.among(Message.external_id, keys[start:start + 2000])))
            result.update(((m, a), ext) for m, a, ext in rows if (m, a) in pairs)
        return result

    def matching(self, kind: str, keys: list[tuple]) -> set[tuple] | dict:
        """Stored rows of an id-less type equal to some of `keys` (tuples of primary keys and values).

        daily_goal keys are (client pk, date) and the answer maps them to the stored `hit`; moderation keys
        are (listing pk, moderator pk, decision, at) and the answer maps them to the stored reasons;
        otherwise the answer is the subset of `keys` already stored."""
        if not keys or self.empty[kind]:
            return {} if kind in ("daily_goal", "moderation") else set()
        model = MODELS[kind]
        columns = _MATCH_COLUMNS[kind](model)
        extra = {"daily_goal": [DailyGoal.hit], "moderation": [ModerationDecision.reason]}.get(kind, [])
        wanted = set(keys)
        owners = sorted({key[0] for key in wanted})
        seconds = sorted({key[1] for key in wanted})
        found: dict = {}
        # Two plain IN lists (owner, then date or instant) use the tables' (owner, ...) indexes on both
        # databases; the few extra rows they bring are dropped by the exact match below.
        for start in range(0, len(owners), 1000):
            for part in range(0, len(seconds), 1000):
                rows = self._rows(
                    select(*columns, *extra).where(self.among(columns[0], owners[start:start + 1000]),
                                                   self.among(columns[1], seconds[part:part + 1000])))
                for row in rows:
                    key = tuple(row[:len(columns)])
                    if key not in wanted:
                        continue
                    if kind == "moderation":
                        found.setdefault(key, set()).add(row[-1])
                    else:
                        found[key] = row[-1] if extra else True
        return found if extra else set(found)

    def assignments(self, client_pks: list[int]) -> list[tuple]:
        """(client pk, coach pk, starts_at, ends_at) of every stored assignment of these clients."""
        if not client_pks or self.empty["assignment"]:
            return []
        rows = []
        for start in range(0, len(client_pks), 2000):
            rows.extend(tuple(row) for row in self._rows(
                select(Assignment.client_id, Assignment.coach_id, Assignment.starts_at, Assignment.ends_at)
                .where(self.among(Assignment.client_id, client_pks[start:start + 2000]))))
        return rows


_MATCH_COLUMNS = {
    "daily_goal": lambda m: [m.client_id, m.date],
    "survey": lambda m: [m.client_id, m.at, m.score],
    "profit": lambda m: [m.client_id, m.date, m.amount, m.kind],
    "moderation": lambda m: [m.listing_id, m.moderator_id, m.decision, m.at],
    "vacation": lambda m: [m.coach_id, m.starts_on, m.ends_on],
}


def _users(rows_of, among, exts):
    boss = aliased(User)
    rows = rows_of(
        select(User.external_id, User.id, User.role, User.name, User.email, boss.external_id, User.joined_on,
               User.moderation_trained)
        .outerjoin(boss, boss.id == User.reports_to_id).where(among(User.external_id, exts)))
    for ext, pk, role, name, email, boss_ext, joined_on, trained in rows:
        yield ext, (pk, role), (role, name, email, boss_ext, joined_on, bool(trained))


def _threads(rows_of, among, exts):
    client = aliased(User)
    rows = rows_of(select(Thread.external_id, Thread.id, client.external_id, Thread.subject)
                           .join(client, client.id == Thread.client_id).where(among(Thread.external_id, exts)))
    for ext, pk, client_ext, subject in rows:
        yield ext, (pk, client_ext), (client_ext, subject or "")


def _messages(rows_of, among, exts):
    author = aliased(User)
    rows = rows_of(
        select(Message.external_id, Message.id, Message.author_id, author.role, Thread.external_id,
               author.external_id, Message.sent_at, Message.body)
        .join(Thread, Thread.id == Message.thread_id).join(author, author.id == Message.author_id)
        .where(among(Message.external_id, exts)))
    for ext, pk, author_pk, role, thread_ext, author_ext, sent_at, body in rows:
        yield ext, (pk, author_pk, role), (thread_ext, author_ext, sent_at, body)


def _audits(rows_of, among, exts):
    auditor = aliased(User)
    rows = rows_of(
        select(Audit.external_id, Audit.id, Message.external_id, auditor.external_id, Audit.color, Audit.at,
               Audit.comment)
        .join(Message, Message.id == Audit.message_id).join(auditor, auditor.id == Audit.auditor_id)
        .where(among(Audit.external_id, exts)))
    for ext, pk, message_ext, auditor_ext, color, at, comment in rows:
        yield ext, pk, (message_ext, auditor_ext, color, at, comment)


def _listings(rows_of, among, exts):
    seller = aliased(User)
    rows = rows_of(
        select(Listing.external_id, Listing.id, seller.external_id, Listing.title, Listing.submitted_at,
               Listing.description)
        .join(seller, seller.id == Listing.seller_id).where(among(Listing.external_id, exts)))
    for ext, pk, seller_ext, title, submitted_at, description in rows:
        yield ext, pk, (seller_ext, title, submitted_at, description)


_QUERIES = {"user": _users, "thread": _threads, "message": _messages, "audit": _audits, "listing": _listings}
