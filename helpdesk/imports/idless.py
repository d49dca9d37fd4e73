"""Checking the import's records without an id (assignment, daily_goal, survey, profit, moderation,
vacation): a line equal in all fields to a stored row or an earlier line is skipped, not stored again.

`IdlessChecks` is a part of checker.Checker, kept apart along the format's own seam.
"""

from datetime import UTC, datetime

from helpdesk.auth.models import STAFF_ROLES
from helpdesk.imports.records import ID_TYPES, UNKNOWN, goal_key, unknown_reference

_FOREVER = datetime.max.replace(tzinfo=UTC)


class IdlessChecks:
    """The id-less half of Checker: it uses the Checker's `stored`, `intervals`, `goals`, `seen` and
    counts, and its `_need_role` / `_info`."""

    def _fetch_idless(self, records) -> None:
        """Look up, in bulk, the stored rows equal to this chunk's id-less records, and the stored
        assignments of the clients it assigns."""
        users = self.stored.cache["user"]
        listings = self.stored.cache["listing"]
        keys = {kind: [] for kind in ("daily_goal", "survey", "profit", "moderation", "vacation")}
        load_clients = {}
        for _, record, valid in records:
            kind, v = record.kind, record.values
            if not valid or kind in ID_TYPES:
                continue
            if kind == "assignment":
                client = v["client"]
                if client not in self.intervals and client in users:
                    load_clients[users[client][0]] = client
            elif kind == "moderation":
                if v["listing"] in listings and v["moderator"] in users:
                    keys[kind].append((listings[v["listing"]], users[v["moderator"]][0], v["decision"], v["at"]))
            else:
                person = v["coach"] if kind == "vacation" else v["client"]
                if person in users:
                    keys[kind].append((users[person][0], *_idless_values(kind, v)))
        self.found_idless = {kind: self.stored.matching(kind, k) for kind, k in keys.items()}
        for ext in load_clients.values():
            self.intervals[ext] = []
        for client_pk, coach_pk, starts_at, ends_at in self.stored.assignments(sorted(load_clients)):
            self.intervals[load_clients[client_pk]].append((starts_at, ends_at, coach_pk, None))

    def _check_idless(self, lineno, record, problems) -> None:
        kind, v = record.kind, record.values
        if kind == "assignment":
            client_ok = self._need_role(problems, record, "client", ("client",), "a client") == "client"
            self._need_role(problems, record, "coach", ("coach",), "a coach")
            if problems or not client_ok:
                return
            return self._check_interval(lineno, record, problems)
        if kind == "moderation":
            if self._info("listing", v["listing"], lambda cached: cached) is UNKNOWN:
                problems.append(unknown_reference(record, "listing", "listing"))
            self._need_role(problems, record, "moderator", STAFF_ROLES, "a staff member")
        elif kind == "vacation":
            self._need_role(problems, record, "coach", ("coach",), "a coach")
        else:
            self._need_role(problems, record, "client", ("client",), "a client")
        if problems:
            return
        if kind == "daily_goal":
            return self._check_goal(lineno, record, problems)
        fields = self.seen_keys[lineno]  # spill_key(fingerprint(record)), computed by the prefetch
        if fields in self.seen[kind] or self._stored_idless(kind, v):
            self.seen[kind].add(fields)
            self.skipped_counts[kind] += 1
            return
        self.seen[kind].add(fields)
        self._store(record)

    def _stored_idless(self, kind, v) -> bool:
        users = self.stored.cache["user"]
        found = self.found_idless[kind]
        if kind == "moderation":
            listing = self.stored.cache["listing"].get(v["listing"])
            moderator = users.get(v["moderator"])
            if listing is None or moderator is None:
                return False
            return v["reason"] in found.get((listing, moderator[0], v["decision"], v["at"]), ())
        person = users.get(v["coach"] if kind == "vacation" else v["client"])
        return person is not None and (person[0], *_idless_values(kind, v)) in found

    def _check_goal(self, lineno, record, problems) -> None:
        v = record.values
        key = goal_key(v["client"], v["date"])
        earlier = self.goals.get(key)
        if earlier is None:
            client = self.stored.cache["user"].get(v["client"])
            stored_hit = None if client is None else self.found_idless["daily_goal"].get((client[0], v["date"]))
            if stored_hit is not None:
                earlier = (stored_hit, None)
        if earlier is not None:
            if earlier[0] != v["hit"]:
                where = "already stored" if earlier[1] is None else f"on line {earlier[1]}"
                problems.append(f'{record.label}: the daily goal of "{v["client"]}" on {v["date"]} is {where} '
                                f'with hit={str(earlier[0]).lower()}; one result per client and day')
            else:
                self.skipped_counts["daily_goal"] += 1
                self.goals[key] = earlier
            return
        self.goals[key] = (v["hit"], lineno)
        self._store(record)

    def _check_interval(self, lineno, record, problems) -> None:
        v = record.values
        start, end = v["from"], v["to"]
        intervals = self.intervals.setdefault(v["client"], [])
        coach_pk = self.stored.cache["user"].get(v["coach"], (None,))[0]
        for s, e, coach, line in intervals:
            if s == start and e == end and coach == (v["coach"] if line is not None else coach_pk):
                self.skipped_counts["assignment"] += 1
                return
        for s, e, _coach, line in intervals:
            if start < (e or _FOREVER) and s < (end or _FOREVER):
                where = "stored" if line is None else f"on line {line}"
                until = e.isoformat() if e else "open-ended"
                problems.append(f'{record.label}: overlaps the assignment of "{v["client"]}" {where} '
                                f"({s.isoformat()} to {until}); one client's assignments must not overlap")
                return
        intervals.append((start, end, v["coach"], lineno))
        self._store(record)


def _idless_values(kind, v) -> tuple:
    if kind == "daily_goal":
        return (v["date"],)
    if kind == "survey":
        return (v["at"], v["score"])
    if kind == "profit":
        return (v["date"], v["amount"], v["kind"])
    return (v["from"], v["to"])  # vacation
