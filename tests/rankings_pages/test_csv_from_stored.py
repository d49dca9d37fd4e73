"""The rankings CSV is written from the stored integers (#15: no Decimal per cell), exactly as the export of the
same rows through Decimals (rankings.export.to_csv, what `helpdesk bonus export` prints)."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from helpdesk.rankings.export import money_text, plain_scaled, to_csv
from helpdesk.rankings.snapshot import current_snapshot

STORED = st.integers(min_value=-(10**17), max_value=10**17)


@given(STORED)
def test_a_rate_is_written_as_its_decimal(raw):
    assert plain_scaled(raw, 9) == format(Decimal(raw).scaleb(-9).normalize(), "f")


@given(STORED)
def test_money_is_written_as_its_decimal_to_the_cent(raw):
    assert money_text(raw) == f"{Decimal(raw) / 10_000:.2f}"


def test_edge_values():
    assert [plain_scaled(v, 9) for v in (0, 12_600 * 10**9, -5 * 10**8, 1)] == ["0", "12600", "-0.5", "0.000000001"]
    assert [money_text(v) for v in (0, 15_000, -15_000, 50, 150, -50)] == ["0.00", "1.50", "-1.50", "0.00", "0.02",
                                                                           "-0.00"]


def test_the_download_is_the_export_of_every_visible_row(client, auth, program, snapshot, create_user):
    admin = create_user("admin")
    auth.login(admin)
    body = client.get("/rankings/2026-10.csv").get_data(as_text=True)
    assert body == to_csv(current_snapshot("2026-10"))
    assert len(body.splitlines()) == 4  # the header and the three coaches
