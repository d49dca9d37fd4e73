"""The generated demo program: valid import lines, deterministic, and with content for every page."""

import json
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta

import pytest

from helpdesk.demo.generator import generate, to_lines

NOW = datetime(2026, 11, 12, 15, 30, tzinfo=UTC)

REQUIRED = {
    "user": ("id", "role", "name"), "assignment": ("client", "coach", "from"), "thread": ("id", "client"),
    "message": ("id", "thread", "author", "sent_at", "body"), "audit": ("id", "message", "auditor", "color", "at"),
    "daily_goal": ("client", "date", "hit"), "survey": ("client", "at", "score"),
    "profit": ("client", "date", "amount", "kind"), "listing": ("id", "seller", "title", "submitted_at"),
    "moderation": ("listing", "moderator", "decision", "at"), "vacation": ("coach", "from", "to"),
}
REFERENCES = {  # field -> the type it names
    ("user", "reports_to"): "user", ("assignment", "client"): "user", ("assignment", "coach"): "user",
    ("thread", "client"): "user", ("message", "thread"): "thread", ("message", "author"): "user",
    ("audit", "message"): "message", ("audit", "auditor"): "user", ("daily_goal", "client"): "user",
    ("survey", "client"): "user", ("profit", "client"): "user", ("listing", "seller"): "user",
    ("moderation", "listing"): "listing", ("moderation", "moderator"): "user", ("vacation", "coach"): "user",
}


def ts(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@pytest.fixture(scope="module")
def records():
    return generate(seed=7, scale=0.1, now=NOW)


def test_lines_are_json_with_required_fields_and_earlier_references(records):
    seen = defaultdict(set)
    for n, line in enumerate(to_lines(records), start=1):
        record = json.loads(line)
        kind = record["type"]
        assert all(record.get(f) not in (None, "") for f in REQUIRED[kind]), (n, line)
        for (rkind, fieldname), target in REFERENCES.items():
            if rkind == kind and record.get(fieldname) is not None:
                assert record[fieldname] in seen[target], f"line {n} names {record[fieldname]} before it exists"
        if "id" in record:
            assert record["id"] not in seen[kind] and len(record["id"]) <= 64
            seen[kind].add(record["id"])
    assert not [r for r in records if r["type"] == "user" and r["role"] == "client" and not r.get("joined_on")]


def test_same_seed_same_program_other_seed_another(records):
    assert generate(seed=7, scale=0.1, now=NOW) == records
    assert generate(seed=8, scale=0.1, now=NOW) != records


def test_scale_sets_the_size():
    full = Counter(r["role"] for r in generate(seed=1, scale=1.0, now=NOW) if r["type"] == "user")
    assert full["coach"] == 30 and full["client"] == 300 and full["team_leader"] == 4
    assert full["auditor"] == 2 and full["support"] == 1 and full["admin"] == 1
    small = Counter(r["role"] for r in generate(seed=1, scale=0.1, now=NOW) if r["type"] == "user")
    assert small["coach"] == 3 and small["client"] == 30


def test_people_and_assignments(records):
    users = {r["id"]: r for r in records if r["type"] == "user"}
    assert users["demo-coach"]["reports_to"] == "demo-team-leader"
    assert users["demo-coach"]["moderation_trained"] is True
    joined = [date.fromisoformat(u["joined_on"]) for u in users.values() if u["role"] == "client"]
    assert any(NOW.date() - d < timedelta(days=90) for d in joined), "some clients are new (< 3 months)"
    assert any(NOW.date() - d > timedelta(days=2 * 365) for d in joined)
    spans = defaultdict(list)
    for a in (r for r in records if r["type"] == "assignment"):
        spans[a["client"]].append((ts(a["from"]), ts(a["to"]) if a["to"] else None, a["coach"]))
    for client, intervals in spans.items():
        intervals.sort()
        for (_, end, _), (start, _, _) in zip(intervals, intervals[1:], strict=False):
            assert end is not None and end <= start, f"{client} has overlapping assignments"
    assert spans["demo-client"] == [(spans["demo-client"][0][0], None, "demo-coach")]
    assert any(len(v) == 2 for v in spans.values()), "some client was reassigned"
    assert sum(1 for v in spans.values() if v[-1][1] is not None) >= 2, "a handful are unassigned"
    away = [v for v in records if v["type"] == "vacation" and v["from"] <= NOW.date().isoformat() <= v["to"]]
    assert len(away) == 1 and users[away[0]["coach"]]["reports_to"] == "demo-team-leader"


def test_threads_read_like_conversations_and_some_wait_now(records):
    users = {r["id"]: r for r in records if r["type"] == "user"}
    threads = {r["id"]: r for r in records if r["type"] == "thread"}
    messages = [r for r in records if r["type"] == "message"]
    assert all(ts(m["sent_at"]) < NOW for m in messages)
    assert not any("lorem" in m["body"].lower() or "{" in m["body"] for m in messages)
    assert any("three ways to pay the ad platform fee" in m["body"] for m in messages) or any(
        "listing" in m["body"] for m in messages)
    last = {}
    for m in messages:
        last[m["thread"]] = m  # messages come in time order within a thread
    waiting = {t: ts(m["sent_at"]) for t, m in last.items() if m["author"] == threads[t]["client"]}
    demo_coach_clients = {r["client"] for r in records if r["type"] == "assignment" and r["coach"] == "demo-coach"
                          and r["to"] is None}
    ages = [NOW - at for t, at in waiting.items() if threads[t]["client"] in demo_coach_clients]
    assert any(age < timedelta(hours=9) for age in ages)
    assert any(timedelta(hours=9) < age < timedelta(hours=24) for age in ages)
    assert any(age > timedelta(hours=24) for age in ages)
    assert sum(1 for t in waiting if threads[t]["client"] in demo_coach_clients) >= 4
    assert sum(1 for t in threads.values() if t["client"] == "demo-client") >= 3
    staff_authors = {m["author"] for m in messages if users[m["author"]]["role"] != "client"}
    assert "demo-coach" in staff_authors


def test_audits_listings_goals_surveys_profits(records):
    users = {r["id"]: r for r in records if r["type"] == "user"}
    authors = {r["id"]: r["author"] for r in records if r["type"] == "message"}
    audits = [r for r in records if r["type"] == "audit"]
    assert {a["color"] for a in audits} == {"green", "blue", "yellow"}
    assert all(users[authors[a["message"]]]["role"] == "coach" for a in audits)
    assert all(a.get("comment") for a in audits if a["color"] == "yellow")
    assert {a["color"] for a in audits if authors[a["message"]] == "demo-coach"} == {"green", "blue", "yellow"}

    decisions = defaultdict(list)
    for d in (r for r in records if r["type"] == "moderation"):
        decisions[d["listing"]].append(d)
    listings = [r for r in records if r["type"] == "listing"]
    states = Counter(tuple(d["decision"] for d in decisions[li["id"]]) for li in listings)
    assert states[()] and states[("approve",)] and states[("reject",)] and states[("approve", "reject")]
    for chain in decisions.values():
        if len(chain) == 2:
            assert chain[0]["moderator"] != chain[1]["moderator"] and chain[0]["at"] < chain[1]["at"]
    assert any(NOW - ts(li["submitted_at"]) > timedelta(hours=24) for li in listings if not decisions[li["id"]])

    clients = [u for u in users.values() if u["role"] == "client"]
    goals = Counter(r["client"] for r in records if r["type"] == "daily_goal")
    start = NOW.date() - timedelta(days=120)
    for c in clients:  # one result per client-day from joining (or the period start) to yesterday
        assert goals[c["id"]] == (NOW.date() - max(start, date.fromisoformat(c["joined_on"]))).days
    surveys = [r for r in records if r["type"] == "survey"]
    assert all(0 <= s["score"] <= 10 for s in surveys) and len(surveys) > 2 * len(clients)
    kinds = Counter(r["kind"] for r in records if r["type"] == "profit")
    assert kinds["profit"] > 0 and kinds["ad_credit"] > 0
