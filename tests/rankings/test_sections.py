"""Sections 2, 3, 5, 6, 8 and 9 on small hand-made cases; expected figures worked out by hand."""

from datetime import date
from decimal import Decimal

from tests.rankings.conftest import at

T = at(1, month=11)


def test_tenure_on_the_31st_sets_the_rate(rows, create_coach, create_client, assign, profit):
    coach = create_coach(external_id="c")
    client = create_client(joined_on=date(2026, 3, 31))
    assign(client, coach, starts_at=at(1, month=3))
    profit(client, date(2026, 9, 30), "100.00")   # full_months(03-31, 09-30) = 6 - 1 = 5: 10%
    profit(client, date(2026, 10, 1), "100.00")   # full_months(03-31, 10-01) = 7 - 1 = 6: 3%
    profit(client, date(2026, 10, 2), "50.00", kind="ad_credit")  # 3% as well
    assert rows("2026-09", at(1))["c"]["base_compensation"] == Decimal("10.00")
    october = rows("2026-10", T)["c"]
    assert october["base_compensation"] == Decimal("3.00")
    assert october["ad_credit_compensation"] == Decimal("1.50")


def test_new_client_weight_ends_on_the_first_of_the_month_after_a_short_one(rows, create_coach, create_client,
                                                                            assign, goals):
    # Joined 08-31: on 11-30 tenure is 3 - 1 = 2 (new, weight 10); on 12-01 it is 4 - 1 = 3 (weight 1).
    coach = create_coach(external_id="c")
    client = create_client(joined_on=date(2026, 8, 31))
    assign(client, coach, starts_at=at(31, month=8))
    goals(client, hits={30}, days=range(29, 31), month=11)
    goals(client, hits={1}, days=range(1, 3), month=12)
    nov = rows("2026-11", at(1, month=12))["c"]
    assert nov["client_success_rate"] == Decimal("0.033333333")  # 10 / (10*30) = 1/30
    dec = rows("2026-12", at(3, month=12))["c"]                  # Dec 1 and 2 finished: 1 / (1 + 1)
    assert dec["client_success_rate"] == Decimal("0.5")


def test_day_still_running_at_t_does_not_count(rows, create_coach, create_client, goals):
    coach = create_coach(external_id="c")
    client = create_client(coach=coach)                 # joined 2025: weight 1
    goals(client, hits={1, 2, 10})
    # T = Oct 10 15:00: days 1..9 are over (Oct 9 ends at Oct 10 00:00 <= T); Oct 10 still runs.
    assert rows("2026-10", at(10, 15))["c"]["client_success_rate"] == Decimal("0.222222222")  # 2/9
    # T exactly at Oct 11 00:00: day 10 is over and counts.
    assert rows("2026-10", at(11))["c"]["client_success_rate"] == Decimal("0.3")  # 3/10


def test_mid_month_reassignment_splits_days_money_and_waits(rows, create_coach, create_client, assign, goals,
                                                            profit, create_thread, create_message):
    a, b = create_coach(external_id="a"), create_coach(external_id="b")
    client = create_client(joined_on=date(2025, 1, 1))  # tenure 21 in October: weight 1, rate 1.5%
    assign(client, a, starts_at=at(1, month=1, year=2025), ends_at=at(16, 12))
    assign(client, b, starts_at=at(16, 12))
    goals(client, hits={1, 16, 17})
    profit(client, date(2026, 10, 16), "200.00")        # Oct 16 00:00 is still a's: 3.00 to a
    profit(client, date(2026, 10, 17), "100.00")        # b: 1.50
    thread = create_thread(client)
    create_message(thread, client, sent_at=at(16, 6))   # open wait from 06:00, coach_at = a
    result = rows("2026-10", at(16, 18))                # T = Oct 16 18:00
    # a has days 1..15 (16 is running at T, and would be a's): hits {1} -> 1/15
    assert result["a"]["client_success_rate"] == Decimal("0.066666667")
    assert "b" not in result or result["b"]["client_success_rate"] is None
    # The open wait (12 h at T) is a's: a coach_at(client, wait_start) sample.
    assert (result["a"]["samples"], result["a"]["mean_response_seconds"]) == (1, Decimal("43200"))
    later = rows("2026-10", T)
    assert later["a"]["client_success_rate"] == Decimal("0.125")   # days 1..16 (16 from 00:00), hits {1, 16}
    assert later["b"]["client_success_rate"] == Decimal("0.066666667")   # days 17..31, hits {17}: 1/15
    assert later["a"]["base_compensation"] == Decimal("3.00")
    assert later["b"]["base_compensation"] == Decimal("1.50")


def test_wait_crossing_the_month_end_counts_in_its_month(rows, create_coach, create_client, create_thread,
                                                         create_message):
    coach = create_coach(external_id="c")
    client = create_client(coach=coach)
    thread = create_thread(client)
    create_message(thread, client, sent_at=at(31, 20))
    create_message(thread, coach, sent_at=at(2, 20, month=11))   # 48 h later
    create_message(thread, client, sent_at=at(1, 8))
    create_message(thread, coach, sent_at=at(1, 17))             # 9 h exactly: meets the target
    late = rows("2026-10", at(5, month=11))["c"]
    assert (late["samples"], late["breaches"], late["met_target"]) == (2, 1, 1)
    assert late["mean_response_seconds"] == Decimal("102600")     # (172800 + 32400) / 2
    # As of Nov 1 12:00 the first wait is still open: 16 h, not a breach.
    early = rows("2026-10", at(1, 12, month=11))["c"]
    assert (early["samples"], early["breaches"]) == (2, 0)
    assert early["mean_response_seconds"] == Decimal("45000")     # (57600 + 32400) / 2
    assert rows("2026-11", at(5, month=11))["c"]["samples"] == 0


def test_survey_weights_and_neutrals(rows, create_coach, create_client, assign, survey):
    coach = create_coach(external_id="c")
    new = create_client(joined_on=date(2026, 9, 15))     # tenure 1 on Oct 20: weight 10
    old = create_client(joined_on=date(2024, 1, 1))
    other = create_client(joined_on=date(2024, 1, 1))
    for client in (new, old, other):
        assign(client, coach, starts_at=at(1, month=9))
    survey(new, at(20, 12), 10)       # promoter, 10
    survey(old, at(21, 12), 0)        # detractor, 1
    survey(other, at(22, 12), 7)      # neutral, 1
    survey(other, at(1, 0, month=11), 10)  # at T: does not exist
    # 100 * (10 - 1) / 12 = 75
    assert rows("2026-10", T)["c"]["client_happiness"] == Decimal("75")


def test_money_rounds_half_even_once_per_sum(rows, create_coach, create_client, profit, create_thread,
                                             create_message, goals):
    coach = create_coach(external_id="c")
    client = create_client(coach=coach, joined_on=date(2026, 9, 1))   # 10%
    profit(client, date(2026, 10, 5), "0.05")     # 0.005
    profit(client, date(2026, 10, 6), "0.05")     # 0.005: the sum 0.01, not 0.00 + 0.00
    profit(client, date(2026, 10, 7), "0.0125", kind="ad_credit")  # 0.00125 -> 0.00
    profit(client, date(2026, 10, 8), "0.25", kind="ad_credit")    # 0.025 + 0.00125 = 0.02625 -> 0.03
    goals(client, hits={1})
    thread = create_thread(client)
    create_message(thread, coach, sent_at=at(3, 9))
    row = rows("2026-10", T)["c"]
    assert row["base_compensation"] == Decimal("0.01")
    assert row["ad_credit_compensation"] == Decimal("0.03")
    # Alone in every pool: top; 0.01 * 0.30 = 0.003 -> 0.00.
    assert row["client_success_tier"] == "top" and row["bonus_client_success"] == Decimal("0.00")


def test_bonus_rounds_the_product_half_even():
    from helpdesk.rankings.ranking import bonus

    multipliers = {"bottom": Decimal("0.10"), "middle": Decimal("0.20"), "top": Decimal("0.30")}
    assert bonus(Decimal("0.25"), "top", multipliers) == Decimal("0.08")     # 0.075 -> 0.08
    assert bonus(Decimal("0.45"), "bottom", multipliers) == Decimal("0.04")  # 0.045 -> 0.04
    assert bonus(Decimal("0.45"), "top", multipliers) == Decimal("0.14")     # 0.135 -> 0.14
    assert bonus(Decimal("123.45"), None, multipliers) == Decimal("0.00")


def test_moderation_accuracy_and_pool(rows, create_coach, decide):
    trained = create_coach(external_id="m1", moderation_trained=True)
    untrained = create_coach(external_id="m2", moderation_trained=False)
    other = create_coach(external_id="m3", moderation_trained=True)
    for n in range(10):
        decide(trained, "reject", at(2, n))
    approved_then_other = decide(trained, "approve", at(3, 9))
    decide(other, "reject", at(3, 10), listing=approved_then_other)     # overturned by someone else
    approved_then_self = decide(trained, "approve", at(4, 9))
    decide(trained, "reject", at(4, 10), listing=approved_then_self)    # by the same moderator: not an error
    approved_after_t = decide(trained, "approve", at(5, 9))
    decide(other, "reject", at(2, 1, month=11), listing=approved_after_t)  # after T: not counted
    for n in range(12):
        decide(untrained, "approve", at(6, n))
    result = rows("2026-10", T)
    m1 = result["m1"]
    assert (m1["moderated"], m1["approved_later_rejected"]) == (14, 1)
    assert m1["moderation_accuracy"] == Decimal("0.928571429")     # 13/14 = 0.92857142857...
    assert m1["moderation_tier"] == "top"                          # alone in the pool
    assert result["m2"]["moderation_accuracy"] == Decimal("1") and result["m2"]["moderation_tier"] is None
    assert result["m3"]["moderated"] == 1 and result["m3"]["moderation_tier"] is None  # < 10 decisions
