"""helpdesk/template_helpers.py: utc's fast path writes what strftime wrote; fixed_url gives url_for's URL."""

from datetime import UTC, datetime, timedelta, timezone

from flask import url_for

from helpdesk.template_helpers import FIXED_URLS_KEPT, fixed_url, utc


def test_utc_writes_what_strftime_wrote():
    moments = [datetime(2026, 1, 2, 3, 4, 59, tzinfo=UTC), datetime(999, 12, 31, 23, 0, tzinfo=UTC),
               datetime(2026, 7, 1, 0, 30, tzinfo=timezone(timedelta(hours=-5)))]
    for moment in moments:
        assert utc(moment) == moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M") + " UTC"
        assert utc(moment, "%d %b") == moment.astimezone(UTC).strftime("%d %b") + " UTC"
    assert utc(moments[2]) == "2026-07-01 05:30 UTC"  # another zone is shown in UTC
    assert utc(None) == ""


def test_fixed_url_is_url_for_kept_per_root(app):
    with app.test_request_context("/inbox"):
        assert fixed_url("static", filename="app.css") == url_for("static", filename="app.css")
        assert fixed_url("inbox.thread", thread_id=1) == url_for("inbox.thread", thread_id=1)
    with app.test_request_context("/inbox", base_url="http://localhost/desk"):  # served under a prefix
        assert fixed_url("static", filename="app.css") == "/desk/static/app.css"
    with app.test_request_context("/inbox"):
        assert fixed_url("static", filename="app.css") == "/static/app.css"
        for n in range(FIXED_URLS_KEPT + 10):  # values that vary are built, not kept without end
            assert fixed_url("inbox.thread", thread_id=n + 1) == f"/threads/{n + 1}"
        assert len(app.extensions["fixed_urls"]) == FIXED_URLS_KEPT
