"""SLA statistics (metrics.md section 3) on hand-made waits."""

from datetime import UTC, date, datetime, timedelta

import pytest

from helpdesk.sla.report import (
    Period,
    coach_statistics,
    daily_counts,
    parse_period,
    quick_periods,
    visible_coaches,
)
from helpdesk.sla.services import update_waits

OCTOBER = Period(date(2026, 10, 1), date(2026, 10, 31))
AS_OF = datetime(2026, 11, 2, tzinfo=UTC)
H = 3600


def by_coach(stats):
    return {s.coach.external_id: s for s in stats}


def test_statistics_per_coach(team):
    stats = by_coach(coach_statistics(visible_coaches(team.leader), OCTOBER, AS_OF))
    assert set(stats) == {"co-ann", "co-bob"}
    ann = stats["co-ann"]
    # 1, 2, 9, 10, 30 h: mean 52/5 = 10.4 h, median the 3rd = 9 h, p90 the ceil(4.5) = 5th = 30 h,
    # within 9 h: 1, 2, 9 = 3 of 5, breaches (> 24 h): 1.
    assert ann.samples == 5
    assert ann.mean_seconds == pytest.approx(10.4 * H)
    assert ann.median_seconds == 9 * H
    assert ann.p90_seconds == 30 * H
    assert ann.share_within_target == pytest.approx(0.6)
    assert ann.breaches == 1
    bob = by_coach(coach_statistics([team.b], OCTOBER, AS_OF))["co-bob"]
    # 2, 3, 4, 6, 20 h (3 h is his reply to Ann's client): mean 35/5 = 7 h, median 4 h,
    # p90 the 5th = 20 h, within 9 h 4 of 5, no breach.
    assert (bob.samples, bob.breaches) == (5, 0)
    assert bob.mean_seconds == 7 * H
    assert bob.median_seconds == 4 * H
    assert bob.p90_seconds == 20 * H
    assert bob.share_within_target == pytest.approx(0.8)


def test_even_count_median_is_the_mean_of_the_middle_two(team, make_wait):
    # Bob gets a sixth sample of 8 h on Oct 6: 2, 3, 4, 6, 8, 20 -> median (4 + 6) / 2 = 5 h,
    # p90 the ceil(5.4) = 6th = 20 h, mean 43/6 h.
    make_wait(team.kb, datetime(2026, 10, 6, 9, tzinfo=UTC), team.b, 8)
    update_waits()
    bob = coach_statistics([team.b], OCTOBER, AS_OF)[0]
    assert bob.samples == 6
    assert bob.median_seconds == 5 * H
    assert bob.p90_seconds == 20 * H
    assert bob.mean_seconds == pytest.approx(43 / 6 * H)


def test_open_wait_counts_for_the_coach_at_its_start_as_of_t(team, make_wait, assign):
    # Bob's client asks on Oct 31 at 20:00 and nobody answers; on Nov 1 the client moves to Ann.
    start = datetime(2026, 10, 31, 20, tzinfo=UTC)
    make_wait(team.kb, start)
    update_waits()
    stats = by_coach(coach_statistics([team.a, team.b], OCTOBER, AS_OF))
    bob = stats["co-bob"]
    # As of Nov 2 00:00 the open wait is 28 h long: a sixth sample for Bob, and a breach.
    assert (bob.samples, bob.breaches) == (6, 1)
    assert bob.mean_seconds == pytest.approx((35 + 28) / 6 * H)
    assert stats["co-ann"].samples == 5
    # As of Oct 31 22:00 it is 2 h long and meets the target.
    early = coach_statistics([team.b], OCTOBER, start + timedelta(hours=2))[0]
    assert (early.samples, early.breaches, early.met_target) == (6, 0, 5)


def test_answers_after_t_are_open_waits(team):
    # As of Oct 3 12:00, Ann's Oct 3 08:00 waits (9, 10, 30 h) are still open: 4 h each.
    stats = coach_statistics([team.a], OCTOBER, datetime(2026, 10, 3, 12, tzinfo=UTC))[0]
    assert stats.samples == 5
    assert stats.total_us == (1 + 2 + 4 + 4 + 4) * H * 1_000_000


def test_daily_counts(team):
    days = daily_counts([team.a, team.b], Period(date(2026, 10, 1), date(2026, 10, 5)), AS_OF)
    assert days == [(date(2026, 10, 1), 0, 0), (date(2026, 10, 2), 2, 0), (date(2026, 10, 3), 3, 1),
                    (date(2026, 10, 4), 0, 0), (date(2026, 10, 5), 5, 0)]


def test_coach_without_samples_has_no_figures(create_coach):
    lonely = create_coach()
    stats = coach_statistics([lonely], OCTOBER, AS_OF)[0]
    assert stats.samples == 0 and stats.mean_seconds is None and stats.p90_seconds is None
    assert stats.share_within_target is None


def test_visible_coaches(team, create_user):
    assert {c.external_id for c in visible_coaches(team.leader)} == {"co-ann", "co-bob"}
    assert {c.external_id for c in visible_coaches(create_user("admin"))} >= {"co-ann", "co-bob", "co-cid"}
    assert visible_coaches(create_user("support")) == []


def test_quick_periods_on_the_first_of_a_month_and_across_a_year():
    assert dict(quick_periods(date(2026, 12, 1))) == {
        "This month": Period(date(2026, 12, 1), date(2026, 12, 1)),
        "Last month": Period(date(2026, 11, 1), date(2026, 11, 30)),
        "Last 7 days": Period(date(2026, 11, 25), date(2026, 12, 1)),
        "Last 30 days": Period(date(2026, 11, 2), date(2026, 12, 1)),
    }
    assert dict(quick_periods(date(2027, 1, 15)))["Last month"] == Period(date(2026, 12, 1), date(2026, 12, 31))


def test_parse_period():
    assert parse_period(None, None, date(2026, 11, 22)) == Period(date(2026, 11, 1), date(2026, 11, 22))
    assert parse_period("2026-10-01", "2026-10-31") == OCTOBER
    with pytest.raises(ValueError, match="from"):
        parse_period("2026-13-01", None)
    with pytest.raises(ValueError, match="ends before"):
        parse_period("2026-10-05", "2026-10-01")
