"""Calibration tests use the audits tests' small desk (a team leader, coaches, an auditor, a client thread)."""

from tests.audits.conftest import audit, desk  # noqa: F401 - fixtures shared with tests/audits
