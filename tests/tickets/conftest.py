"""Two teams: Lea leads Ann and Bob, Tom leads Cal; support Sue; an admin and an auditor."""

import io
from types import SimpleNamespace

import pytest
from PIL import Image

from helpdesk.tickets.services import file_ticket


@pytest.fixture
def desk(create_team_leader, create_coach, create_client, create_user):
    lea, tom = create_team_leader(name="Lea"), create_team_leader(name="Tom")
    ann = create_coach(team_leader=lea, name="Ann")
    return SimpleNamespace(lea=lea, tom=tom, ann=ann, bob=create_coach(team_leader=lea, name="Bob"),
                           cal=create_coach(team_leader=tom, name="Cal"), kim=create_client(coach=ann, name="Kim"),
                           sue=create_user("support", name="Sue"), admin=create_user("admin"),
                           auditor=create_user("auditor"))


@pytest.fixture
def ticket(desk):
    """Ann's ticket about a payout page error."""
    return file_ticket(desk.ann, "Kim", "Payout page shows an error", "Payouts > History")


def image_bytes(kind: str = "PNG", size=(8, 8), pad_to: int | None = None) -> bytes:
    """A real image of `kind`; with `pad_to`, a PNG text chunk makes it exactly that many bytes."""
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, kind)
    data = out.getvalue()
    if pad_to is not None:
        import struct
        import zlib
        body = b"pad\x00" + b"x" * (pad_to - len(data) - 12 - 4)
        chunk = struct.pack(">I", len(body)) + b"tEXt" + body + struct.pack(">I", zlib.crc32(b"tEXt" + body))
        data = data[:33] + chunk + data[33:]  # after the 8-byte signature and 25-byte IHDR chunk
        assert len(data) == pad_to
    return data


@pytest.fixture
def png():
    return image_bytes


WHEN = {"first_seen": "2026-11-20T09:30:00+00:00", "times": 3, "still_happening": True}
