"""Run the same work in several threads released at once by a barrier, each in an app context and a
session of its own (PostgreSQL: real concurrent transactions)."""

import threading

from helpdesk.extensions import db


def at_once(app, works, timeout: float = 30) -> tuple[list, list]:
    """Start one thread per callable in `works`, release them together, commit each one's work; return
    (results, errors), each in the order they came."""
    barrier, results, errors = threading.Barrier(len(works)), [], []

    def one(work):
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                results.append(work())
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - returned to the test, which asserts on it
                db.session.rollback()
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=one, args=(work,)) for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return results, errors
