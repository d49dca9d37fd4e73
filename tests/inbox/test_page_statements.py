"""The inbox page's statements (issue #15): built once per role and view, run with each user's own values."""

import re

import pytest
from sqlalchemy import select

from helpdesk.inbox import queries
from helpdesk.inbox.models import Thread
from tests.statements import statements_for_page


def _subjects(html: str) -> set[str]:
    return set(re.findall(r'<a href="/threads/\d+">([^<]+)</a>', html))


def test_each_user_of_a_role_sees_their_own_threads_from_the_same_statement(client, auth, team, waiting_thread):
    """The statement is built once per role: the second coach and leader must get their own rows and counts."""
    waiting_thread(team["ann_client"], 30, subject="Ann's breached")
    waiting_thread(team["ann_client"], 2, subject="Ann's calm")
    waiting_thread(team["bob_client"], 3, subject="Bob's only")
    waiting_thread(team["carl_client"], 4, subject="Carl's only")
    seen = {}
    for name in ("ann", "bob", "carl", "leader", "other_leader"):
        auth.login(team[name])
        html = client.get("/inbox?view=waiting").get_data(as_text=True)
        seen[name] = (_subjects(html), re.search(r'data-testid="count-waiting">(\d+)<', html).group(1))
        auth.logout()
    assert seen["ann"] == ({"Ann&#39;s breached", "Ann&#39;s calm"}, "2")
    assert seen["bob"] == ({"Bob&#39;s only"}, "1")
    assert seen["carl"] == ({"Carl&#39;s only"}, "1")
    assert seen["leader"] == ({"Ann&#39;s breached", "Ann&#39;s calm", "Bob&#39;s only"}, "3")
    assert seen["other_leader"] == ({"Carl&#39;s only"}, "1")


def test_client_filter_and_pages_are_parameters_too(client, auth, app, team, waiting_thread, create_client):
    other = create_client(coach=team["ann"], name="Second Client")
    for hours in range(1, 4):
        waiting_thread(team["ann_client"], hours, subject=f"first {hours}")
    waiting_thread(other, 5, subject="second 5")
    auth.login(team["ann"])
    size = app.config["INBOX_PAGE_SIZE"]
    app.config["INBOX_PAGE_SIZE"] = 2
    try:
        first = _subjects(client.get(f"/inbox?view=waiting&client={team['ann_client'].id}").get_data(as_text=True))
        second = _subjects(client.get(f"/inbox?view=waiting&client={team['ann_client'].id}&page=2")
                           .get_data(as_text=True))
        only_other = _subjects(client.get(f"/inbox?view=waiting&client={other.id}").get_data(as_text=True))
    finally:
        app.config["INBOX_PAGE_SIZE"] = size
    assert first == {"first 3", "first 2"} and second == {"first 1"} and only_other == {"second 5"}


def test_a_statement_keeping_a_users_value_is_refused(monkeypatch):
    """The guard of _built_once: a user's id written into the statement as a plain value (not one of the
    named parameters) would be run for the next user of the role; building it raises instead."""
    monkeypatch.setitem(queries._BUILDERS, "leaky", lambda user, now: select(Thread).where(Thread.client_id == user.id))
    monkeypatch.setitem(queries._BUILDERS, "sound", lambda user, now: select(Thread).where(
        queries.visibility(user, now)(Thread.client_id)))
    queries._built_once.cache_clear()
    with pytest.raises(RuntimeError, match="keeps a user's value"):
        queries._built_once("leaky", "coach")
    assert queries._built_once("sound", "coach") is queries._built_once("sound", "coach")  # built once


def test_inbox_page_sends_three_statements(client, auth, team, waiting_thread):
    """The sign-in (with the bell), the counts with the client filter, the page's rows: nothing per row."""
    for hours in range(1, 6):
        waiting_thread(team["ann_client"], hours, subject=f"wait {hours}")
    auth.login(team["ann"])
    client.get("/inbox?view=waiting")
    sent = statements_for_page(client, "/inbox?view=waiting")
    assert len(sent) == 3, sent


def test_switching_views_never_sends_the_session_cookie_again(client, auth, team):
    """The view chosen last lives in its own cookie, so a tab click does not re-sign the session (issue #15)."""
    auth.login(team["ann"])
    client.get("/inbox")  # the first page after signing in adds the form token to the session
    for view in ("unread", "all", "waiting", "waiting", "breached"):
        cookies = client.get(f"/inbox?view={view}").headers.getlist("Set-Cookie")
        assert not [c for c in cookies if c.startswith("session=")], (view, cookies)
    assert client.get("/inbox").status_code == 200


def test_search_runs_from_statements_built_once_with_the_query_a_parameter(client, auth, team, waiting_thread,
                                                                           create_client, monkeypatch):
    """On PostgreSQL a search's counts and rows are built once per role too, the query bound as "q": each
    search of each user must find its own threads, with the client filter as well."""
    from collections import Counter

    from helpdesk.extensions import db

    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's search has one condition per word, so it is built per request")
    other = create_client(coach=team["ann"], name="Second Client")
    waiting_thread(team["ann_client"], 2, subject="Fees", body="Where is my refund?")
    waiting_thread(team["ann_client"], 3, subject="Money", body="The payout is late")
    waiting_thread(other, 4, subject="Refund again", body="hello")
    waiting_thread(team["bob_client"], 5, subject="Bob asks", body="refund for Bob's client")
    builds = Counter()
    for kind, build in list(queries._BUILDERS.items()):
        def counted(user, now, *args, kind=kind, build=build):
            builds[kind] += 1
            return build(user, now, *args)
        monkeypatch.setitem(queries._BUILDERS, kind, counted)
    queries._built_once.cache_clear()

    def search(q, **more):
        html = client.get("/inbox", query_string={"q": q, **more}).get_data(as_text=True)
        return _subjects(html), re.search(r'data-testid="count-all">(\d+)<', html).group(1)

    auth.login(team["ann"])
    assert search("refund") == ({"Fees", "Refund again"}, "2")
    assert search("payout") == ({"Money"}, "1")
    assert search("refund", client=other.id) == ({"Refund again"}, "1")
    assert search("payout", client=other.id) == (set(), "0")
    assert search('"is late" -refund') == ({"Money"}, "1")  # websearch syntax, still one bound value
    assert search("marzipan") == (set(), "0")
    sent = statements_for_page(client, "/inbox?q=refund")
    assert len(sent) == 4, sent  # the sign-in, the client filter's summary, the search's counts and rows
    auth.logout()
    auth.login(team["bob"])
    assert search("refund") == ({"Bob asks"}, "1")
    # Built once each (for two made-up users, by the guard), however many searches and users ran them.
    for kind in ("search_counts", "search_rows", "client_search_counts", "client_search_rows"):
        assert builds[kind] == 2, (kind, builds)
    queries._built_once.cache_clear()
