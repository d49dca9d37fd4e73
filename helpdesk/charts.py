"""Charts as inline SVG built on the server: no JavaScript, readable without colour alone. Shared by the
rankings and the SLA pages."""

from flask import current_app
from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 220
PAD_L, PAD_R, PAD_T, PAD_B = 44, 16, 16, 36
TIER_COLOURS = {"top": "#2e7d32", "middle": "#1565c0", "bottom": "#b7791f", None: "#829ab1"}


def _svg(body: list[str], label: str, height: int = HEIGHT) -> Markup:
    return Markup(
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg"><title>{escape(label)}</title>'
        + "".join(body) + "</svg>")


def _text(x, y, text, anchor="middle", size=11, cls="", fill="#486581") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" fill="{fill}"'
            f'{f" class={chr(34)}{cls}{chr(34)}" if cls else ""}>{escape(text)}</text>')


def _axes(plot_w, plot_h) -> list[str]:
    x0, y0 = PAD_L, PAD_T + plot_h
    return [f'<line x1="{x0}" y1="{PAD_T}" x2="{x0}" y2="{y0}" stroke="#bcccdc"/>',
            f'<line x1="{x0}" y1="{y0}" x2="{x0 + plot_w}" y2="{y0}" stroke="#bcccdc"/>']


def target_and_sla_lines() -> tuple[tuple[float, str], tuple[float, str]]:
    """The chart lines of metrics.md section 3: TARGET_HOURS and SLA_HOURS, as the settings say."""
    target, sla = current_app.config["TARGET_HOURS"], current_app.config["SLA_HOURS"]
    return (target, f"{target:g} h target"), (sla, f"{sla:g} h SLA")


def histogram(values_hours: list[float], lines: tuple | None = None,
              bin_hours: float = 3, label: str = "Distribution of mean response times") -> Markup:
    """Coaches per bin of mean response time (hours), with a vertical line at each of `lines` (default: the
    target and the SLA); a line at or past SLA_HOURS is drawn red."""
    counts: dict[int, int] = {}
    for v in values_hours:
        counts[int(v // bin_hours)] = counts.get(int(v // bin_hours), 0) + 1
    return histogram_of_counts(counts, lines, bin_hours, label)


def histogram_of_counts(counts_by_bin: dict[int, int], lines: tuple | None = None,
                        bin_hours: float = 3, label: str = "Distribution of mean response times") -> Markup:
    """The same chart from counts already made (bin i holds [i * bin_hours, (i + 1) * bin_hours) hours), e.g. by
    a GROUP BY: its size does not grow with the number of coaches."""
    lines = target_and_sla_lines() if lines is None else lines
    sla_hours = current_app.config["SLA_HOURS"]
    top_line = max([h for h, _ in lines], default=sla_hours)
    bins = max([int(top_line // bin_hours) + 1, *(i + 1 for i in counts_by_bin)])
    counts = [counts_by_bin.get(i, 0) for i in range(bins)]
    plot_w, plot_h = WIDTH - PAD_L - PAD_R, HEIGHT - PAD_T - PAD_B
    peak = max(counts, default=0) or 1
    span = bins * bin_hours
    body = _axes(plot_w, plot_h)
    bar_w = plot_w / bins
    for i, n in enumerate(counts):
        h = plot_h * n / peak
        x = PAD_L + i * bar_w
        body.append(f'<rect x="{x + 1:.1f}" y="{PAD_T + plot_h - h:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" '
                    f'fill="#627d98"><title>{i * bin_hours:g}-{(i + 1) * bin_hours:g} h: {n} coach(es)</title></rect>')
        if n:
            body.append(_text(x + bar_w / 2, PAD_T + plot_h - h - 3, str(n), size=10))
    for i in range(0, bins + 1, max(1, bins // 8)):
        body.append(_text(PAD_L + i * bar_w, HEIGHT - PAD_B + 14, f"{i * bin_hours:g} h"))
    for hours, name in lines:
        x = PAD_L + plot_w * hours / span
        colour = "#c62828" if hours >= sla_hours else "#2e7d32"
        body.append(f'<line x1="{x:.1f}" y1="{PAD_T}" x2="{x:.1f}" y2="{PAD_T + plot_h}" stroke="{colour}" '
                    f'stroke-dasharray="4 3" stroke-width="2"/>')
        body.append(_text(x + 4, PAD_T + 10, name, anchor="start", fill=colour, cls="chart-line"))
    body.append(_text(PAD_L - 6, PAD_T + 8, str(peak), anchor="end"))
    body.append(_text(WIDTH / 2, HEIGHT - 4, "mean response time (hours); bars: number of coaches"))
    return _svg(body, label)


def daily_bars(days: list[tuple], label: str = "Samples and breaches per day") -> Markup:
    """Per day, a bar of samples with its breaches drawn over it in red; days are (date, samples, breaches)."""
    plot_w, plot_h = WIDTH - PAD_L - PAD_R, HEIGHT - PAD_T - PAD_B
    peak = max((n for _, n, _ in days), default=0) or 1
    body = _axes(plot_w, plot_h)
    bar_w = plot_w / max(len(days), 1)
    step = max(1, len(days) // 10)
    for i, (day, n, breaches) in enumerate(days):
        x = PAD_L + i * bar_w
        h, hb = plot_h * n / peak, plot_h * breaches / peak
        tip = f"{day.isoformat()}: {n} sample(s), {breaches} breach(es)"
        body.append(f'<rect x="{x + 1:.1f}" y="{PAD_T + plot_h - h:.1f}" width="{max(bar_w - 2, 1):.1f}" '
                    f'height="{h:.1f}" fill="#9fb3c8"><title>{escape(tip)}</title></rect>')
        if breaches:
            body.append(f'<rect x="{x + 1:.1f}" y="{PAD_T + plot_h - hb:.1f}" width="{max(bar_w - 2, 1):.1f}" '
                        f'height="{hb:.1f}" fill="#c62828"><title>{escape(tip)}</title></rect>')
        if i % step == 0:
            body.append(_text(x + bar_w / 2, HEIGHT - PAD_B + 14, day.strftime("%m-%d")))
    body.append(_text(PAD_L - 6, PAD_T + 8, str(peak), anchor="end"))
    body.append(_text(WIDTH / 2, HEIGHT - 4, "grey: samples; red: breaches (over the SLA)"))
    return _svg(body, label)


def tier_strip(points: list[tuple[float, str | None, str]], boundaries: list[tuple[float, str]],
               label: str, unit: str = "") -> Markup:
    """Each coach of a pool as a dot on the metric's axis, coloured by tier, with the tier boundaries.

    `points` are (value, tier, name); `boundaries` are (value, caption), e.g. the last value still in top.
    """
    height = 110
    plot_w = WIDTH - PAD_L - PAD_R
    values = [v for v, _, _ in points] + [v for v, _ in boundaries]
    if not values:
        return _svg([_text(WIDTH / 2, 50, "No coach in this pool yet.")], label, height)
    low, high = min(values), max(values)
    if high == low:
        low, high = low - 1, high + 1
    scale = plot_w / (high - low)
    axis_y = 60
    body = [f'<line x1="{PAD_L}" y1="{axis_y}" x2="{PAD_L + plot_w}" y2="{axis_y}" stroke="#bcccdc"/>']
    for value, caption in boundaries:
        x = PAD_L + (value - low) * scale
        body.append(f'<line x1="{x:.1f}" y1="{axis_y - 30}" x2="{x:.1f}" y2="{axis_y + 14}" stroke="#102a43" '
                    f'stroke-dasharray="3 3"/>')
        body.append(_text(x, axis_y - 34, caption, size=10, fill="#102a43"))
    for value, tier, name in points:
        x = PAD_L + (value - low) * scale
        body.append(f'<circle cx="{x:.1f}" cy="{axis_y}" r="5" fill="{TIER_COLOURS.get(tier, "#829ab1")}" '
                    f'fill-opacity=".8"><title>{escape(name)}: {value:g}{escape(unit)} ({tier or "no tier"})</title>'
                    f'</circle>')
    body.append(_text(PAD_L, axis_y + 30, f"{low:g}{unit}", anchor="start"))
    body.append(_text(PAD_L + plot_w, axis_y + 30, f"{high:g}{unit}", anchor="end"))
    body.append(_text(WIDTH / 2, height - 6, "dots: coaches (green top, blue middle, amber bottom)"))
    return _svg(body, label, height)


def tier_bands(bands: list[tuple[float, float, dict]], boundaries: list[tuple[float, str]], label: str,
               unit: str = "") -> Markup:
    """A pool too large for one dot per coach: along the metric's axis, a bar per band of values, stacked by
    tier, with the tier boundaries. `bands` are (low, high, {tier: coaches}); `boundaries` as in tier_strip."""
    height = 130
    plot_w = WIDTH - PAD_L - PAD_R
    values = [v for low, high, _ in bands for v in (low, high)] + [v for v, _ in boundaries]
    if not values:
        return _svg([_text(WIDTH / 2, 50, "No coach in this pool yet.")], label, height)
    low, high = min(values), max(values)
    if high == low:
        low, high = low - 1, high + 1
    scale = plot_w / (high - low)
    axis_y, bar_h = 86, 52
    peak = max((sum(c.values()) for _, _, c in bands), default=0) or 1
    body = [f'<line x1="{PAD_L}" y1="{axis_y}" x2="{PAD_L + plot_w}" y2="{axis_y}" stroke="#bcccdc"/>']
    for band_low, band_high, by_tier in bands:
        x, w = PAD_L + (band_low - low) * scale, max((band_high - band_low) * scale, 2)
        y = axis_y
        for tier in ("bottom", "middle", "top", None):
            n = by_tier.get(tier, 0)
            if not n:
                continue
            h = bar_h * n / peak
            y -= h
            body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" '
                        f'fill="{TIER_COLOURS.get(tier, "#829ab1")}"><title>{band_low:g}-{band_high:g}{escape(unit)}: '
                        f'{n} coach(es) {tier or "with no tier"}</title></rect>')
    for value, caption in boundaries:
        x = PAD_L + (value - low) * scale
        body.append(f'<line x1="{x:.1f}" y1="{axis_y - bar_h - 6}" x2="{x:.1f}" y2="{axis_y + 8}" stroke="#102a43" '
                    f'stroke-dasharray="3 3"/>')
        body.append(_text(x, axis_y - bar_h - 10, caption, size=10, fill="#102a43"))
    body.append(_text(PAD_L, axis_y + 22, f"{low:g}{unit}", anchor="start"))
    body.append(_text(PAD_L + plot_w, axis_y + 22, f"{high:g}{unit}", anchor="end"))
    body.append(_text(WIDTH / 2, height - 6, f"bars: coaches per band (tallest {peak}); green top, blue middle, "
                      "amber bottom"))
    return _svg(body, label, height)
