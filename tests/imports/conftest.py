"""The example of import-format.md and helpers to import lines in tests."""

import json

import pytest
from sqlalchemy import func, select

from helpdesk.extensions import db

EXAMPLE = [
    '{"type":"user","id":"tl-1","role":"team_leader","name":"Tess Leader"}',
    '{"type":"user","id":"co-1","role":"coach","name":"Cora Coach","reports_to":"tl-1","moderation_trained":true}',
    '{"type":"user","id":"cl-1","role":"client","name":"Cliff Client","joined_on":"2026-08-20"}',
    '{"type":"user","id":"au-1","role":"auditor","name":"Audra Auditor"}',
    '{"type":"assignment","client":"cl-1","coach":"co-1","from":"2026-08-20T00:00:00Z","to":null}',
    '{"type":"thread","id":"th-1","client":"cl-1","subject":"Ad platform fee"}',
    '{"type":"message","id":"m-1","thread":"th-1","author":"cl-1","sent_at":"2026-10-01T08:00:00Z",'
    '"body":"How do I pay the fee?"}',
    '{"type":"message","id":"m-2","thread":"th-1","author":"co-1","sent_at":"2026-10-01T11:30:00Z",'
    '"body":"There are three options..."}',
    '{"type":"audit","id":"a-1","message":"m-2","auditor":"au-1","color":"blue","at":"2026-10-02T09:00:00Z",'
    '"comment":"Link the Learning Center article."}',
    '{"type":"daily_goal","client":"cl-1","date":"2026-10-01","hit":true}',
    '{"type":"survey","client":"cl-1","at":"2026-10-28T12:00:00Z","score":9}',
    '{"type":"profit","client":"cl-1","date":"2026-10-03","amount":"120.00","kind":"profit"}',
]

EXAMPLE_COUNTS = {"user": 4, "assignment": 1, "thread": 1, "message": 2, "audit": 1, "daily_goal": 1,
                  "survey": 1, "profit": 1}


def line(**fields) -> str:
    return json.dumps(fields)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def example_file(tmp_path):
    path = tmp_path / "program.jsonl"
    path.write_text("\n".join(EXAMPLE) + "\n")
    return path
