"""The rankings page's charts and tier thresholds, from SQL aggregates over the rows the viewer may see.

At 5,000 coaches the page used to load every visible row and draw a dot per coach in four charts (#15):
here the database counts instead (a few GROUP BYs over one snapshot), so the page's work and size do not
grow with the number of coaches. A pool of up to DOTS_UP_TO coaches (a team) is still drawn a dot per
coach; a larger one as bands of values stacked by tier. Every query is pinned to the snapshot the table
was read from; `Charts.rows` is how many of its rows were still there (0: a recompute replaced it meanwhile).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import BigInteger, String, func, literal, literal_column, select, type_coerce, union_all

from helpdesk.charts import histogram_of_counts, tier_bands, tier_strip
from helpdesk.extensions import db
from helpdesk.rankings.models import METRIC_SCALE, RankingRow
from helpdesk.rankings.ranking import BONUSES, TIERS
from helpdesk.rankings.reading import rows_visible_to

DOTS_UP_TO = 100
BANDS = 40
BIN_HOURS = 3
HOUR = 3600 * METRIC_SCALE
SHOWN = {"percent": (100, "%"), "hours": (Decimal(1) / 3600, " h"), "score": (1, "")}


def shown(kind: str, value: Decimal) -> str:
    """A metric as the page writes it: 62.50%, 4.00 h, -12.50 (the same text in the charts and around them)."""
    factor, unit = SHOWN[kind]
    return f"{value * factor:.2f}{unit}"


def _raw(column):
    return type_coerce(column, BigInteger)  # the stored integer of 1e-9 units


def _constant(n: int):
    """An integer written into the SQL (not a bound parameter), so that an expression in both the SELECT and
    the GROUP BY is the same text there, as PostgreSQL requires."""
    return literal_column(str(int(n)), BigInteger)


def _metric(raw) -> Decimal:
    return Decimal(int(raw)).scaleb(-9)


@dataclass
class Pool:
    """One bonus's pool as the viewer sees it: coaches per tier, the weakest value of each tier, the chart."""

    title: str
    kind: str
    higher: bool
    counts: dict = field(default_factory=dict)
    edges: dict = field(default_factory=dict)      # tier -> the weakest value still in it
    edge_text: dict = field(default_factory=dict)  # tier -> "from 62.50%" / "up to 4.00 h"
    chart: object = None

    @property
    def size(self) -> int:
        return sum(self.counts.values())


@dataclass
class Charts:
    rows: int
    means: object
    pools: list


def _where(snapshot_id, viewer):
    return (RankingRow.snapshot_id == snapshot_id, rows_visible_to(viewer))


def page_charts(snapshot_id: int, viewer) -> Charts:
    """The mean response histogram and each bonus's pool (thresholds and chart) of the visible rows.

    One statement counts the visible rows, the histogram's bins and each pool's tiers (count, lowest and
    highest value); a second one fetches the dots of the small pools and the bands of the large ones."""
    where = _where(snapshot_id, viewer)
    mean = _raw(RankingRow.mean_response_seconds)
    band = mean // _constant(BIN_HOURS * HOUR)
    none = literal(None, BigInteger)
    parts = [select(literal("rows").label("metric"), literal(None, String).label("tier"), func.count().label("n"),
                    none.label("low"), none.label("high")).where(*where),
             select(literal("means"), literal(None, String), func.count(), band, none)
             .where(*where, mean.is_not(None)).group_by(band)]
    parts += [select(literal(b.metric), getattr(RankingRow, b.tier), func.count(),
                     func.min(_raw(getattr(RankingRow, b.metric))), func.max(_raw(getattr(RankingRow, b.metric))))
              .where(*where, getattr(RankingRow, b.tier).is_not(None)).group_by(getattr(RankingRow, b.tier))
              for b in BONUSES]
    found: dict[str, dict] = {b.metric: {} for b in BONUSES}
    total, bins = 0, {}
    for metric, tier, n, low, high in db.session.execute(select(union_all(*parts).subquery())):
        if metric == "rows":
            total = n
        elif metric == "means":
            bins[int(low)] = n
        else:
            found[metric][tier] = (n, _metric(low), _metric(high))
    pools = {b.metric: _pool(b, found[b.metric]) for b in BONUSES}
    _draw(snapshot_id, viewer, pools, found)
    return Charts(rows=total, means=histogram_of_counts(bins, bin_hours=BIN_HOURS), pools=list(pools.values()))


def _pool(b, tiers: dict) -> Pool:
    pool = Pool(title=b.title, kind=b.kind, higher=b.higher)
    for name in TIERS:
        if name in tiers:
            n, low, high = tiers[name]
            pool.counts[name] = n
            pool.edges[name] = low if b.higher else high
            pool.edge_text[name] = f"{'from' if b.higher else 'up to'} {shown(b.kind, pool.edges[name])}"
    return pool


def _draw(snapshot_id, viewer, pools: dict, found: dict) -> None:
    """Each pool's chart: a dot per coach for a small pool, bands for a large one (one statement for all)."""
    where = _where(snapshot_id, viewer)
    small = [b for b in BONUSES if 0 < pools[b.metric].size <= DOTS_UP_TO]
    large = [b for b in BONUSES if pools[b.metric].size > DOTS_UP_TO]
    parts, ranges = [], {}
    for b in small:  # (metric, tier, value, coach, 1)
        parts.append(select(literal(b.metric).label("metric"), getattr(RankingRow, b.tier).label("tier"),
                            _raw(getattr(RankingRow, b.metric)).label("value"), RankingRow.coach.label("coach"),
                            literal(1, BigInteger).label("n"))
                     .where(*where, getattr(RankingRow, b.tier).is_not(None)))
    for b in large:  # (metric, tier, band, None, coaches)
        low = min(low for _, low, _ in found[b.metric].values())
        high = max(high for _, _, high in found[b.metric].values())
        ranges[b.metric] = (low, high)
        raw_low, width = int(low.scaleb(9)), max(int((high - low).scaleb(9)), 1)
        band = (_raw(getattr(RankingRow, b.metric)) - _constant(raw_low)) * _constant(BANDS) // _constant(width)
        parts.append(select(literal(b.metric).label("metric"), getattr(RankingRow, b.tier).label("tier"),
                            band.label("value"), literal(None, String).label("coach"), func.count().label("n"))
                     .where(*where, getattr(RankingRow, b.tier).is_not(None))
                     .group_by(getattr(RankingRow, b.tier), band))
    points: dict[str, list] = {b.metric: [] for b in BONUSES}
    bands: dict[str, dict] = {b.metric: {} for b in BONUSES}
    if parts:
        drawn = union_all(*parts).subquery()
        query = select(drawn).order_by(drawn.c.metric, drawn.c.coach)
        for metric, tier, value, coach, n in db.session.execute(query):
            if metric in ranges:
                bands[metric].setdefault(min(int(value), BANDS - 1), {})[tier] = n
            else:
                points[metric].append((_metric(value), tier, coach))
    for b in BONUSES:
        pool = pools[b.metric]
        factor, unit = SHOWN[b.kind]
        boundaries = [(float(pool.edges[name] * factor), f"{name} {pool.edge_text[name]}")
                      for name in ("top", "middle") if name in pool.edges]
        label = f"{b.title} tier thresholds"
        if b.metric in ranges:
            low, high = ranges[b.metric]
            step = (high - low) / BANDS
            drawn = [(float((low + i * step) * factor), float((low + (i + 1) * step) * factor), counts)
                     for i, counts in sorted(bands[b.metric].items())]
            pool.chart = tier_bands(drawn, boundaries, label, unit)
        else:
            pool.chart = tier_strip([(round(float(v * factor), 2), tier, coach) for v, tier, coach in points[b.metric]],
                                    boundaries, label, unit)
