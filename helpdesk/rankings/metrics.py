"""The metrics of metrics.md, each section as set-based SQL (SQLite and PostgreSQL alike)."""

from helpdesk.rankings.quality import communication_quality_counts, communication_quality_query

__all__ = ["communication_quality_counts", "communication_quality_query"]
