"""Checking an import: every line against the format, earlier lines and the database.

Nothing is written here. Lines are taken in chunks: each chunk's references are looked up in bulk, then
its lines are checked in file order, so a reference is good only if an earlier line or a stored row
defines it. The outcome is the records to store (handed to `spool` a chunk at a time, in file order, as
(type, field values) pairs, while no error has been found; services.py writes them), the counts and
every error.
"""

from collections import Counter
from datetime import datetime

from helpdesk.auth.models import STAFF_ROLES
from helpdesk.imports.idless import IdlessChecks
from helpdesk.imports.lookups import Stored
from helpdesk.imports.records import (
    ID_TYPES,
    REFERENCES,
    UNKNOWN,
    Record,
    fingerprint,
    goal_key,
    parse_line,
    spill_key,
    unknown_reference,
)
from helpdesk.imports.spill import Spill

COMPARED_FIELDS = {
    "user": ("role", "name", "email", "reports_to", "joined_on", "moderation_trained"),
    "thread": ("client", "subject"), "message": ("thread", "author", "sent_at", "body"),
    "audit": ("message", "auditor", "color", "at", "comment"),
    "listing": ("seller", "title", "submitted_at", "description"),
}


class Checker(IdlessChecks):
    """Checks an import a chunk at a time; holds what later lines may refer to, the counts and the errors."""

    def __init__(self, session, spill: Spill, spool=None, lookups=None):
        self.stored = Stored(session, lookups)  # lookups: the connection stored rows are read on
        self.spill = spill
        self.spool = spool  # called with each chunk's list of records to store, while there is no error
        # What later lines may refer to grows with the file, so it spills to the database (spill.py).
        # Per id type: ext -> [hash of the fields, new?, what later lines need to know, line number,
        # primary key given by the writer, author's primary key (messages)]
        self.defined = {kind: spill.map() for kind in ID_TYPES}
        # spill_key(fingerprint) of the id-less records seen so far
        self.seen = {kind: spill.map() for kind in ("survey", "profit", "moderation", "vacation")}
        self.goals = spill.map()  # goal_key(client ext, date) -> (hit, line)
        self.intervals = {}  # client ext -> [(from, to, coach ext or stored coach pk, line or None)]
        self.emails = {}  # email -> user ext, for the file's users
        self.audit_pairs = spill.map()  # repr((message ext, auditor ext)) -> (audit ext, line)
        self.to_store: list[tuple[str, tuple]] = []
        self.stored_counts = Counter()
        self.skipped_counts = Counter()
        self.errors: list[tuple[int, str]] = []

    # -- chunks -------------------------------------------------------------------------------------
    def check_chunk(self, chunk: list[tuple[int, str | bytes]]) -> None:
        """Check a run of (line number, text) pairs, in order."""
        records = []
        for lineno, raw in chunk:
            if not raw.strip():
                continue
            record, problems = parse_line(raw)
            if problems:
                self.errors.extend((lineno, p) for p in problems)
            if record is not None:
                records.append((lineno, record, not problems))
        self._prefetch(records)
        self._fetch(records)
        for lineno, record, valid in records:
            self._check(lineno, record, valid)
        if self.errors:
            self.to_store = []
        elif self.to_store and self.spool is not None:
            self.spool(self.to_store)
            self.to_store = []
        self.spill.end_chunk()

    def _prefetch(self, records) -> None:
        """Bring back what this chunk's lines look up among the spilled ids, days and fingerprints."""
        wanted = {spilled: set() for spilled in (*self.defined.values(), *self.seen.values(), self.goals,
                                                 self.audit_pairs)}
        self.seen_keys = {}
        for lineno, record, valid in records:
            kind, v = record.kind, record.values
            if kind in ID_TYPES and v["id"] is not None:
                wanted[self.defined[kind]].add(v["id"])
            for field, target in REFERENCES[kind]:
                if v[field] is not None:
                    wanted[self.defined[target]].add(v[field])
            if not valid:
                continue
            if kind == "daily_goal":
                wanted[self.goals].add(goal_key(v["client"], v["date"]))
            elif kind in self.seen:
                self.seen_keys[lineno] = key = spill_key(fingerprint(record))
                wanted[self.seen[kind]].add(key)
            elif kind == "audit":
                wanted[self.audit_pairs].add(repr((v["message"], v["auditor"])))
        self.spill.prefetch(wanted)

    def _fetch(self, records) -> None:
        """Look up, in bulk, the stored rows this chunk defines or refers to."""
        self.stored.trim()
        refs = {kind: set() for kind in ID_TYPES}
        defs = {kind: set() for kind in ID_TYPES}
        emails = set()
        for _, record, _ in records:
            v = record.values
            if record.kind in ID_TYPES and v["id"] is not None and v["id"] not in self.defined[record.kind]:
                defs[record.kind].add(v["id"])
            for field, target in REFERENCES[record.kind]:
                ext = v[field]
                if ext is None:
                    continue
                earlier = self.defined[target].get(ext)
                if (earlier is None or not earlier[1]) and not self.stored.knows(target, ext):
                    refs[target].add(ext)
            if record.kind == "user" and v["email"] and v["email"] not in self.emails:
                emails.add(v["email"])
        self.found = {kind: self.stored.load(kind, refs[kind], defs[kind]) for kind in ID_TYPES}
        self.found_emails = self.stored.emails(emails)
        self.found_audits = self.stored.audits_of({(r.values["message"], r.values["auditor"])
                                                   for _, r, valid in records if r.kind == "audit" and valid})
        self._fetch_idless(records)

    # -- references ----------------------------------------------------------------------------------
    def role(self, ext):
        """The role of user `ext`, None if its line was bad, UNKNOWN if there is no such user."""
        earlier = self.defined["user"].get(ext)
        if earlier is not None:
            return earlier[2]
        cached = self.stored.cache["user"].get(ext)
        return cached[1] if cached else UNKNOWN

    def _info(self, kind, ext, stored_info):
        earlier = self.defined[kind].get(ext)
        if earlier is not None:
            return earlier[2]
        cached = self.stored.cache[kind].get(ext)
        return UNKNOWN if cached is None else stored_info(cached)

    def _need_role(self, problems, record, field, roles, what):
        ext = record.values[field]
        role = self.role(ext)
        if role is UNKNOWN:
            problems.append(unknown_reference(record, field, "user"))
        elif role is not None and role not in roles:
            problems.append(f'{record.label}: "{field}" must be {what}; user "{ext}" is a {role}')
        return role

    # -- lines ---------------------------------------------------------------------------------------
    def _check(self, lineno: int, record: Record, valid: bool) -> None:
        kind, v = record.kind, record.values
        problems: list[str] = []
        info = None
        if kind == "user":
            info = v["role"]
            if valid:
                self._check_user(problems, record)
        elif kind == "thread":
            info = v["client"]
            if valid:
                self._need_role(problems, record, "client", ("client",), "a client")
        elif kind == "message" and valid:
            info = self._check_message(problems, record)
        elif kind == "audit" and valid:
            self._check_audit(problems, record, lineno)
        elif kind == "listing" and valid:
            self._need_role(problems, record, "seller", ("client",), "a client")
        if kind in ID_TYPES:
            if v["id"] is not None:
                self._define(lineno, record, info, problems, valid)
        elif valid:
            self._check_idless(lineno, record, problems)
        if problems:
            self.errors.extend((lineno, p) for p in problems)

    def _define(self, lineno, record, info, problems, valid) -> None:
        kind, ext = record.kind, record.values["id"]
        fields = fingerprint(record)
        key = hash(fields)
        earlier = self.defined[kind].get(ext)
        if earlier is not None:
            if earlier[0] != key:
                problems.append(f'{record.label}: duplicate id; line {earlier[3]} has {kind} "{ext}" '
                                "with different fields")
            elif valid and not problems:
                self.skipped_counts[kind] += 1
            return
        stored = self.found[kind].get(ext)
        self.defined[kind][ext] = [key, stored is None, info, lineno, None, None]
        if not valid:
            return
        if stored is not None:
            if stored != fields:
                problems.append(f"{record.label}: already stored with different fields: "
                                + _differences(COMPARED_FIELDS[kind], stored, fields))
            elif not problems:
                self.skipped_counts[kind] += 1
        elif not problems:
            self._store(record)

    def _store(self, record) -> None:
        self.to_store.append((record.kind, tuple(record.values.values())))
        self.stored_counts[record.kind] += 1

    def _check_user(self, problems, record) -> None:
        v = record.values
        if v["reports_to"] is not None:
            self._need_role(problems, record, "reports_to", ("team_leader",), "a team leader")
        email = v["email"]
        if email:
            owner = self.emails.get(email) or self.found_emails.get(email)
            if owner is not None and owner != v["id"]:
                problems.append(f'{record.label}: email "{email}" already belongs to user "{owner}"')
            else:
                self.emails[email] = v["id"]

    def _check_message(self, problems, record):
        v = record.values
        client = self._info("thread", v["thread"], lambda cached: cached[1])
        if client is UNKNOWN:
            problems.append(unknown_reference(record, "thread", "thread"))
        role = self.role(v["author"])
        if role is UNKNOWN:
            problems.append(unknown_reference(record, "author", "user"))
        elif role == "client" and client not in (UNKNOWN, None) and v["author"] != client:
            problems.append(f'{record.label}: author "{v["author"]}" is a client, but not this thread\'s '
                            f'client "{client}"; only the thread\'s client or staff may write in it')
        return role

    def _check_audit(self, problems, record, lineno) -> None:
        v = record.values
        ext = v["message"]
        author_role = self._info("message", ext, lambda cached: cached[2])
        if author_role is UNKNOWN:
            problems.append(unknown_reference(record, "message", "message"))
        elif author_role == "client":
            problems.append(f'{record.label}: audit of a client\'s message: message "{ext}" was written by '
                            "a client; only coaches' messages are audited")
        elif author_role is not None and author_role != "coach":
            problems.append(f'{record.label}: message "{ext}" was written by a {author_role}; only coaches\' '
                            "messages are audited")
        self._need_role(problems, record, "auditor", STAFF_ROLES, "a staff member")
        # One audit per message and auditor, in the file and with what is stored.
        pair, again = (ext, v["auditor"]), f'{record.label}: auditor "{v["auditor"]}" already audited message "{ext}"'
        earlier = self.audit_pairs.get(repr(pair))
        if earlier is not None and earlier[0] != v["id"]:
            problems.append(f'{again} (audit "{earlier[0]}", line {earlier[1]}); an auditor audits a message once')
        elif self.found_audits.get(pair, v["id"]) != v["id"]:
            problems.append(f'{again} (audit "{self.found_audits[pair]}", stored); an auditor audits a message once')
        elif earlier is None:
            self.audit_pairs[repr(pair)] = (v["id"], lineno)


def _differences(names, stored, given) -> str:
    parts = [f"{name} (stored {_show(a)}, file {_show(b)})" for name, a, b in zip(names, stored, given, strict=True)
             if a != b]
    return ", ".join(parts)


def _show(value) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    return repr(value) if isinstance(value, str) else str(value)
