"""The periodic outbox sweep: hands on jobs left waiting while Redis was unreachable."""

from helpdesk.jobs import sweep_outbox as sweep


def sweep_outbox() -> dict:
    """Push outbox rows still waiting after OUTBOX_SWEEP_SECONDS onto their queues."""
    return {"pushed": sweep()}
