"""The shared charts draw the target and SLA lines where the settings put them, not at a fixed 9 h and 24 h."""

from helpdesk.charts import histogram


def test_histogram_lines_follow_target_and_sla_settings(app, monkeypatch):
    assert "9 h target" in histogram([3.0, 30.0]) and "24 h SLA" in histogram([3.0, 30.0])  # the defaults
    monkeypatch.setitem(app.config, "TARGET_HOURS", 6)
    monkeypatch.setitem(app.config, "SLA_HOURS", 12)
    svg = histogram([3.0, 30.0])
    assert "6 h target" in svg and "12 h SLA" in svg
    assert "9 h target" not in svg and "24 h SLA" not in svg
