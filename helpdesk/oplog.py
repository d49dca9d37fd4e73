"""Operations are visible: every state change is logged, who did what to which rows (issue 9).

One mechanism instead of a log call in every service: after each flush, one line per (operation, table)
names the signed-in user (or the CLI / worker context), the table, the row ids and, for updates, the
columns that changed (never their values: bodies and notes are private). Statements that change rows in
bulk (`update(...)`, `delete(...)`, the conditional updates that guard races) get a line too. Lines look
like

    oplog op=update table=threads ids=12 user=5 via=POST /threads/12/reply fields=waiting_since

so `grep 'oplog op=.* user=5 '` lists what user 5 changed, `grep 'table=audits'` every audit change.
"""

import logging

from flask import g, has_app_context, has_request_context, request
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

log = logging.getLogger("helpdesk.oplog")

MAX_IDS = 20  # ids listed per line; the count is always given
# Written on every signed-in request (at most once a minute): not an operation anyone performed.
QUIET_FIELDS = {("login_sessions", "last_seen_at"), ("api_tokens", "last_used_at")}


def actor() -> tuple[str, str]:
    """(user, via) of the current operation, without loading anything: the signed-in user if Flask-Login
    already knows them, else "-"; the request's method and path, or the CLI/worker's own label."""
    user = "-"
    if has_app_context():
        loaded = g.get("_login_user")
        if loaded is not None and getattr(loaded, "is_authenticated", False):
            user = str(loaded.id)
        elif g.get("oplog_user"):
            user = str(g.oplog_user)
    if has_request_context():
        return user, f"{request.method} {request.path}"
    return user, (g.get("oplog_via") if has_app_context() else None) or "cli"


def _ids(ids: list) -> str:
    shown = ",".join(str(i) for i in ids[:MAX_IDS])
    return shown + (f",...(+{len(ids) - MAX_IDS})" if len(ids) > MAX_IDS else "")


def _log_flush(session, flush_context) -> None:
    """after_flush: one line per (operation, table) of what this flush wrote."""
    if not log.isEnabledFor(logging.INFO):
        return
    groups: dict[tuple[str, str], tuple[list, set]] = {}
    for op, objects in (("insert", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objects:
            state = inspect(obj)
            table = getattr(obj, "__tablename__", type(obj).__name__)
            fields = set()
            if op == "update":
                fields = {a.key for a in state.attrs if a.history.has_changes()}
                fields -= {f for t, f in QUIET_FIELDS if t == table}
                if not fields:
                    continue
            ids, changed = groups.setdefault((op, table), ([], set()))
            identity = state.identity
            ids.append(identity[0] if identity and len(identity) == 1 else identity)
            changed |= fields
    if not groups:
        return
    user, via = actor()
    for (op, table), (ids, fields) in groups.items():
        extra = f" fields={','.join(sorted(fields))}" if fields else ""
        log.info("oplog op=%s table=%s count=%d ids=%s user=%s via=%s%s", op, table, len(ids), _ids(ids), user,
                 via, extra)


def _log_bulk(orm_execute_state) -> None:
    """do_orm_execute: a line for each UPDATE/DELETE statement (bulk and conditional updates)."""
    if not (orm_execute_state.is_update or orm_execute_state.is_delete) or not log.isEnabledFor(logging.INFO):
        return
    statement = orm_execute_state.statement
    table = getattr(getattr(statement, "table", None), "name", "?")
    op = "update" if orm_execute_state.is_update else "delete"
    fields = ""
    if op == "update":
        names = {getattr(c, "key", str(c)) for c in getattr(statement, "_values", None) or {}}
        names -= {f for t, f in QUIET_FIELDS if t == table}
        if not names and getattr(statement, "_values", None):
            return
        fields = f" fields={','.join(sorted(names))}" if names else ""
    user, via = actor()
    log.info("oplog op=%s table=%s bulk=1 user=%s via=%s%s", op, table, user, via, fields)


def init_app(app) -> None:
    """Listen on every session (the class, so test and worker sessions are covered too); once per process."""
    if not event.contains(Session, "after_flush", _log_flush):
        event.listen(Session, "after_flush", _log_flush)
        event.listen(Session, "do_orm_execute", _log_bulk)
