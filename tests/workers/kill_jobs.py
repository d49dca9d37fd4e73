"""A ranking job that dies mid-way, as a worker killed by the OOM killer or a deploy would."""

import os
import signal
from datetime import datetime

from helpdesk.extensions import db
from helpdesk.rankings.snapshot import compute_snapshot


def rank_then_die(month, as_of_iso):
    def progress(percent, text=None):
        if percent >= 90:  # the new rows are written, the switch not yet committed
            os.kill(os.getpid(), signal.SIGKILL)

    compute_snapshot(month, datetime.fromisoformat(as_of_iso), progress=progress)
    db.session.commit()  # never reached
