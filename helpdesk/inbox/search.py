"""Full-text search over threads: PostgreSQL text search, a LIKE fallback elsewhere (SQLite).

Callers always combine this with `visible_threads` / `visible_client_condition`, so a search never
reaches a thread the caller cannot see.
"""

from sqlalchemy import String, and_, bindparam, exists, func, literal_column, or_, select, true

from helpdesk.extensions import db
from helpdesk.inbox.models import Message, Thread
from helpdesk.text_match import contains

TS_CONFIG = literal_column("'english'::regconfig")
# The stored tsvectors of a message's body and a thread's subject (PostgreSQL only; see inbox/models.py).
BODY_TSV = literal_column("messages.body_tsv")
SUBJECT_TSV = literal_column("threads.subject_tsv")


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def searches_by_parameter() -> bool:
    """Whether search_condition's SQL is the same for every query, the query being the parameter "q"
    (PostgreSQL's text search); the fallback's SQL has one condition per word."""
    return _dialect() == "postgresql"


def search_condition(q: str):
    """SQL condition on Thread: the subject or any message body matches the query `q`."""
    q = (q or "").strip()
    if not q:
        return true()
    if searches_by_parameter():
        query = func.websearch_to_tsquery(TS_CONFIG, bindparam("q", q, type_=String()))
        in_body = exists(select(Message.id).where(Message.thread_id == Thread.id, BODY_TSV.op("@@")(query)))
        return or_(SUBJECT_TSV.op("@@")(query), in_body)
    # Fallback: every word must appear (case-insensitively) in the subject or in some message.
    conditions = []
    for term in q.split():
        if not term.strip('"'):
            continue
        word = term.strip('"')
        in_body = exists(select(Message.id).where(Message.thread_id == Thread.id, contains(Message.body, word)))
        conditions.append(or_(contains(Thread.subject, word), in_body))
    return and_(true(), *conditions)
