"""Calibration tests use the audits tests' small desk (a team leader, coaches, an auditor, a client thread)."""

import pytest  # noqa: E402

from tests.audits.conftest import audit, desk  # noqa: F401 - fixtures shared with tests/audits


@pytest.fixture(autouse=True)
def auditor_pool(create_user):
    """Four auditors beyond the desk's own: an item may ask for no more reviews than there are auditors
    (calibration.mark), and these tests ask for up to three."""
    return [create_user("auditor", name=f"Pool Auditor {n}") for n in range(1, 5)]
