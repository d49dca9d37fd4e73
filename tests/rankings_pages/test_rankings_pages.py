"""The rankings page: access, the stored table, sorting, CSV, recompute with progress."""

import re

import pytest

from helpdesk.extensions import db
from helpdesk.jobs import OutboxJob
from helpdesk.rankings.export import to_csv
from helpdesk.rankings.snapshot import current_snapshot


def coach_order(html: str) -> list[str]:
    return re.findall(r'<tr data-coach="([^"]+)">', html)


def cells(html: str, coach: str) -> list[str]:
    match = re.search(rf'<tr data-coach="{coach}">(.*?)</tr>', html, re.S)
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)]


def test_leader_sees_grouped_columns_in_human_units_and_the_as_of(client, auth, program, snapshot):
    auth.login(program.leader)
    html = client.get("/rankings?month=2026-10").get_data(as_text=True)
    assert "as of" in html and "2026-11-01 00:00 UTC" in html and "Final" in html
    assert coach_order(html) == ["co-ann", "co-bob", "co-cid"]
    groups = re.findall(r'<th colspan="(\d+)" scope="colgroup"[^>]*>([^<]+)</th>', html)
    assert [g for _, g in groups] == ["Quality", "Speed", "Success", "Happiness", "Moderation", "Money"]
    header = html.split('<tr class="ranking-columns">', 1)[1].split("</tr>", 1)[0]
    assert sum(int(n) for n, _ in groups) == header.count("<th ")
    ann = cells(html, "co-ann")
    # coach | answers, needs impr., quality, rank (eligible) | waits, over 24 h, mean, rank, tier | success rate,
    # tier | happiness score, tier | decided, overturned, accuracy, tier | base, ad credit, bonuses
    assert ann[:10] == ["Ann Coachco-ann", "3", "0", "100.00%", "1 ✓", "3", "0", "2.00 h", "1", "top"]
    assert ann[-3:] == ["1.50", "0.00", "0.90"]  # success top 0.45 + fast responder top 0.45
    bob = cells(html, "co-bob")
    assert bob[1:10] == ["2", "1", "50.00%", "3 ✓", "2", "1", "20.00 h", "3", "–"]
    assert 'class="tier tier-top"' in html
    assert "from <strong>-100</strong>" in html and "to <strong>100</strong>" in html  # the Happiness scale


def test_defaults_to_the_last_complete_month_with_a_switch_to_the_current_one(client, auth, program, snapshot,
                                                                              monkeypatch):
    from helpdesk.rankings import routes, views

    monkeypatch.setattr(views, "previous_month", lambda: "2026-10")
    monkeypatch.setattr(routes, "previous_month", lambda: "2026-10")
    monkeypatch.setattr(routes, "current_month", lambda: "2026-11")
    auth.login(program.leader)
    html = client.get("/rankings").get_data(as_text=True)
    assert "<h1>Rankings 2026-10</h1>" in html and coach_order(html) == ["co-ann", "co-bob", "co-cid"]
    switch = html.split('data-testid="month-switch"', 1)[1].split("</nav>", 1)[0]
    assert 'href="/rankings?month=2026-10" aria-current="page"' in switch
    assert 'href="/rankings?month=2026-11"' in switch and "provisional" in switch


def test_sort_by_any_column(client, auth, program, snapshot):
    auth.login(program.leader)
    asc = client.get("/rankings?month=2026-10&sort=answered").get_data(as_text=True)
    assert coach_order(asc) == ["co-cid", "co-bob", "co-ann"]
    desc = client.get("/rankings?month=2026-10&sort=answered&dir=desc").get_data(as_text=True)
    assert coach_order(desc) == ["co-ann", "co-bob", "co-cid"]
    # Fast Responder rank: Ann 1, Cid 2, Bob 3.
    by_speed = client.get("/rankings?month=2026-10&sort=fast_responder_rank").get_data(as_text=True)
    assert coach_order(by_speed) == ["co-ann", "co-cid", "co-bob"]
    # An unknown column falls back to the coach order.
    assert coach_order(client.get("/rankings?month=2026-10&sort=password").get_data(as_text=True)) == [
        "co-ann", "co-bob", "co-cid"]


def test_charts_are_inline_svg(client, auth, program, snapshot):
    auth.login(program.leader)
    html = client.get("/rankings?month=2026-10").get_data(as_text=True)
    main = html.split('<main class="page"', 1)[1]  # the layout's own icons are not charts
    assert main.count("<svg") == 5  # the histogram and four tier strips
    assert "9 h target" in html and "24 h SLA" in html


def test_csv_download_is_the_export(client, auth, program, snapshot):
    auth.login(program.leader)
    response = client.get("/rankings/2026-10.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.get_data(as_text=True)
    assert body == to_csv(current_snapshot("2026-10"))
    assert body.splitlines()[1].startswith("2026-10,co-ann,3,0,1,1,true,3,0,7200,1,top,")
    assert client.get("/rankings/2026-09.csv").status_code == 404


def test_no_snapshot_yet(client, auth, program):
    auth.login(program.leader)
    html = client.get("/rankings?month=2026-10").get_data(as_text=True)
    assert "No ranking is stored for 2026-10 yet." in html


def test_bad_month_is_400(client, auth, program):
    auth.login(program.leader)
    assert client.get("/rankings?month=2026-13").status_code == 400


def test_recompute_runs_the_job_and_shows_its_progress(app, client, auth, program, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", None)  # in-process: the job runs after the request
    auth.login(program.leader)
    response = client.post("/rankings/recompute", data={"month": "2026-10"})
    assert response.status_code == 302
    job_id = int(re.search(r"job=(\d+)", response.headers["Location"]).group(1))
    job = db.session.get(OutboxJob, job_id)
    assert job.status == "finished" and job.progress == 100 and job.requested_by_id == program.leader.id
    snap = current_snapshot("2026-10")
    assert snap is not None and len(snap.rows) == 3
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'data-job-id="{job_id}"' in html and 'data-status="finished"' in html


def test_page_for_an_unfinished_job_polls_the_api(client, auth, program):
    job = OutboxJob(name="workers.rankings.compute_ranking", args=["2026-10", None], status="started", progress=20,
                    progress_text="computing the month's figures", requested_by_id=program.leader.id)
    db.session.add(job)
    db.session.flush()
    auth.login(program.leader)
    html = client.get(f"/rankings?month=2026-10&job={job.id}").get_data(as_text=True)
    # The polling script is a static file (the CSP refuses inline script); it fetches the data-url.
    assert f"/api/v1/jobs/{job.id}" in html and 'src="/static/job_progress.js"' in html
    assert "fetch(box.dataset.url" in client.get("/static/job_progress.js").get_data(as_text=True)
    assert 'style="width: 20%"' in html and "computing the month&#39;s figures" in html
    # Someone else's job is not shown.
    other = OutboxJob(name="workers.rankings.compute_ranking", args=[], status="started")
    db.session.add(other)
    db.session.flush()
    assert f'data-job-id="{other.id}"' not in client.get(f"/rankings?job={other.id}").get_data(as_text=True)


@pytest.mark.parametrize("role", ["coach", "support", "auditor", "client"])
def test_other_roles_are_refused(client, auth, create_user, role):
    auth.login(create_user(role))
    assert client.get("/rankings").status_code == 403
    assert client.post("/rankings/recompute", data={"month": "2026-10"}).status_code == 403
    assert client.get("/rankings/2026-10.csv").status_code == 403


def test_admin_may_see_it(client, auth, create_user, program, snapshot):
    auth.login(create_user("admin"))
    assert coach_order(client.get("/rankings?month=2026-10").get_data(as_text=True)) == ["co-ann", "co-bob", "co-cid"]


def _pool_text(html: str, title: str) -> str:
    return html.split(f"<h3>{title}</h3>", 1)[1].split("<svg", 1)[0]


def test_chart_captions_say_what_the_text_says(client, auth, program, snapshot):
    # Fast Responder pool: Ann (2 h) top, Cid (4 h) middle; lower is better, so "up to", in text and chart.
    auth.login(program.leader)
    html = client.get("/rankings?month=2026-10").get_data(as_text=True)
    text = _pool_text(html, "Fast Responder")
    assert "top</span> up to 2.00 h (1)" in text and "middle</span> up to 4.00 h (1)" in text
    chart = html.split("<h3>Fast Responder</h3>", 1)[1].split("</svg>", 1)[0]
    assert ">top up to 2.00 h</text>" in chart and ">middle up to 4.00 h</text>" in chart
    assert "from" not in chart.split("<title>", 2)[1]


def test_a_large_pool_is_drawn_as_bands(client, auth, program, snapshot, monkeypatch):
    from helpdesk.rankings import page_charts

    monkeypatch.setattr(page_charts, "DOTS_UP_TO", 1)  # as at 5,000 coaches: no dot per coach
    auth.login(program.leader)
    html = client.get("/rankings?month=2026-10").get_data(as_text=True)
    chart = html.split("<h3>Fast Responder</h3>", 1)[1].split("</svg>", 1)[0]
    assert "<circle" not in chart and chart.count("<rect") == 2  # Ann's band (top) and Cid's (middle)
    assert "1 coach(es) top" in chart and "1 coach(es) middle" in chart
    assert ">top up to 2.00 h</text>" in chart
    assert "top</span> up to 2.00 h (1)" in _pool_text(html, "Fast Responder")


def test_sort_by_the_bonuses_total(client, auth, program, snapshot):
    auth.login(program.leader)
    html = client.get("/rankings?month=2026-10&sort=bonus_total&dir=desc").get_data(as_text=True)
    totals = [cells(html, coach)[-1] for coach in coach_order(html)]
    assert totals == sorted(totals, key=float, reverse=True) and coach_order(html)[0] == "co-ann"
