"""The spec's worked example and the rules of sections 2, 4, 5 and 7 around it."""

from datetime import date
from decimal import Decimal

from tests.rankings.conftest import at

T = at(1, month=11)


def _answer(create_thread, create_message, client, coach, count, day=2):
    thread = create_thread(client)
    return [create_message(thread, coach, sent_at=at(day, 9, minute)) for minute in range(count)]


def test_worked_example(rows, create_coach, create_client, create_thread, create_message, audit, goals, assign):
    coach_a = create_coach(external_id="A")
    k = create_client(joined_on=date(2026, 8, 20))
    j = create_client(joined_on=date(2024, 1, 1))
    assign(k, coach_a, starts_at=at(20, month=8))
    assign(j, coach_a, starts_at=at(1, month=1, year=2024))
    answers = _answer(create_thread, create_message, k, coach_a, 40)
    audit(answers[0])
    audit(answers[1])
    audit(answers[2], color="green")
    audit(answers[3], color="blue")
    goals(k, hits=set(range(1, 13)))   # 12 of 31 days
    goals(j, hits=set(range(1, 21)))   # 20 of 31 days
    # Seven more coaches answering once each: five flawless (1.0) rank above A, two below (0.0).
    others = [create_coach(external_id=f"Z{n}") for n in range(7)]
    for n, other in enumerate(others):
        client = create_client(coach=other)
        (message,) = _answer(create_thread, create_message, client, other, 1)
        if n >= 5:
            audit(message)
    result = rows("2026-10", T)
    a = result["A"]
    assert (a["answered"], a["needs_improvement"]) == (40, 2)
    assert a["communication_quality"] == Decimal("0.95")
    # 8 ranked, ceil(0.75 * 8) = 6; five coaches rank strictly above A, so A is 6th and eligible.
    assert a["cq_rank"] == 6 and a["eligible"] is True
    assert [result[f"Z{n}"]["cq_rank"] for n in range(7)] == [1, 1, 1, 1, 1, 7, 7]
    assert result["Z5"]["eligible"] is False
    # k is new all October (tenure 1 then 2 full months): weight 10; j weighs 1.
    # (10*12 + 20) / (10*31 + 31) = 140/341 = 0.41055718475... -> 0.410557185
    assert a["client_success_rate"] == Decimal("0.410557185")


def test_a_sixth_coach_above_makes_a_ineligible(rows, create_coach, create_client, create_thread, create_message,
                                                audit):
    coach_a = create_coach(external_id="A")
    client = create_client(coach=coach_a)
    answers = _answer(create_thread, create_message, client, coach_a, 20)
    audit(answers[0])                                   # 0.95
    for n in range(7):                                  # six at 1.0, one at 0.5: A is 7th of 8 > 6
        other = create_coach(external_id=f"Z{n}")
        messages = _answer(create_thread, create_message, create_client(coach=other), other, 2)
        if n == 6:
            audit(messages[0])
    result = rows("2026-10", T)
    assert result["A"]["cq_rank"] == 7 and result["A"]["eligible"] is False
    assert result["Z6"]["cq_rank"] == 8
    # Not eligible: no client bonus tiers at all for A, whatever its other metrics.
    assert result["A"]["client_success_tier"] is None and result["A"]["bonus_client_success"] == Decimal("0.00")

