"""RQ job functions: they take ids and strings, call helpdesk services, commit, and report progress.

Each runs inside an app context (the worker provides one; see helpdesk.worker) and is idempotent:
running it twice leaves the same rows as running it once.
"""
