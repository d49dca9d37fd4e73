"""helpdesk/gate.py: at most REQUEST_CONCURRENCY requests run the app at once; a streamed body holds no slot."""

import threading
import time

import pytest

from helpdesk import create_app
from helpdesk.config import Config, TestConfig
from helpdesk.gate import RequestGate


def _run(gate, environ=None):
    return b"".join(gate(environ or {}, lambda status, headers: None))


def test_no_more_than_limit_requests_run_the_app_at_once():
    inside, most, lock, release = [0], [0], threading.Lock(), threading.Event()

    def app(environ, start_response):
        with lock:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        release.wait(5)
        with lock:
            inside[0] -= 1
        start_response("200 OK", [])
        return [b"ok"]

    gate = RequestGate(app, 2)
    threads = [threading.Thread(target=_run, args=(gate,)) for _ in range(6)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 5
    while inside[0] < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.1)  # give the other four every chance to get in, if the gate let them
    assert inside[0] == 2
    release.set()
    for t in threads:
        t.join(5)
    assert most[0] == 2 and inside[0] == 0


def test_a_streamed_body_is_sent_without_holding_a_slot():
    streaming, sent = threading.Event(), threading.Event()

    def app(environ, start_response):
        start_response("200 OK", [])
        if environ.get("stream"):
            def body():
                streaming.set()
                sent.wait(5)  # a live stream: open for a long time
                yield b"event"
            return body()
        return [b"page"]

    gate = RequestGate(app, 1)
    stream = threading.Thread(target=_run, args=(gate, {"stream": True}))
    stream.start()
    assert streaming.wait(5)
    assert _run(gate) == b"page"  # the one slot is free while the stream is open
    sent.set()
    stream.join(5)


def test_the_health_check_answers_while_every_slot_is_taken():
    release, entered = threading.Event(), threading.Event()

    def app(environ, start_response):
        start_response("200 OK", [])
        if environ["PATH_INFO"] != "/healthz":
            entered.set()
            release.wait(5)
        return [environ["PATH_INFO"].encode()]

    gate = RequestGate(app, 1)
    page = threading.Thread(target=_run, args=(gate, {"PATH_INFO": "/inbox"}))
    page.start()
    assert entered.wait(5)
    answered = []
    check = threading.Thread(target=lambda: answered.append(_run(gate, {"PATH_INFO": "/healthz"})))
    check.start()
    check.join(1)
    answered_while_inside = list(answered) if page.is_alive() else None
    release.set()
    page.join(5)
    check.join(5)
    assert answered_while_inside == [b"/healthz"]


def test_the_app_is_gated_by_its_setting(monkeypatch, tmp_path):
    monkeypatch.delenv("REQUEST_CONCURRENCY", raising=False)
    assert not isinstance(create_app(TestConfig).wsgi_app, RequestGate)  # the suite's threads run unbounded
    gated = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                        "REQUEST_CONCURRENCY": 3})
    assert isinstance(gated.wsgi_app, RequestGate) and gated.wsgi_app.limit == 3
    assert gated.test_client().get("/healthz").status_code == 200
    assert Config.load(str(tmp_path))["REQUEST_CONCURRENCY"] == 2
    monkeypatch.setenv("REQUEST_CONCURRENCY", "6")
    assert TestConfig.load(str(tmp_path))["REQUEST_CONCURRENCY"] == 6
    with pytest.raises(ValueError):
        RequestGate(lambda e, s: [], 0)
