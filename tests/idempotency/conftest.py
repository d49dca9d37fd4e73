"""The inbox fixtures (a team, a waiting thread), shared with the double-submit tests."""

from tests.inbox.conftest import team, waiting_thread  # noqa: F401
