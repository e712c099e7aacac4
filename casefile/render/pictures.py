"""Offline pictures for the dossier: an incident map and a casualty timeline, as inline SVG.

Why SVG strings built by hand: the renderer must not touch the network (no
tile server, no web fonts), the same case must render the same bytes, and the
labels are hostile user text. So every number is formatted with a fixed
precision, every piece of text goes through :func:`_text` (XML-escaped, with
characters XML 1.0 forbids removed), and nothing depends on the locale, the
clock or dict/set ordering.

Both pictures are sized for an A4 text column: 170 mm wide, the user unit of
the ``viewBox`` is one millimetre, and fonts are given in millimetres (2.8 mm
is about 8 pt). Colours are dark grey plus one dark red, legible in greyscale.

The map is an equirectangular plot (x scaled by cos of the central latitude,
so distances near the centre are roughly true). It is a position sketch, not
a survey: no coastlines or roads, and the antimeridian is not handled.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from xml.sax.saxutils import escape

WIDTH_MM = 170.0
"""Width of both pictures: an A4 page with 20 mm margins."""

_FONT = "DejaVu Sans, Noto Sans, Noto Naskh Arabic, Amiri, sans-serif"
_INK = "#222222"
_GRID = "#b0b0b0"
_ACCENT = "#9e1b1b"
_PAPER = "#ffffff"

_KM_PER_DEGREE = 2 * math.pi * 6371.0088 / 360  # mean Earth radius (IUGG)
_MIN_SPAN_KM = 2.0  # smallest map window: one point still shows its surroundings
_CLUSTER_MM = 4.5  # markers closer than this on paper are merged

# Characters XML 1.0 does not allow at all (controls other than tab/newline/CR,
# surrogates, U+FFFE/U+FFFF). Hostile labels may contain them; a single one
# would make the whole SVG (and the dossier) unparseable.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class MapPoint:
    """An incident's position: ``label`` is its id, ``title`` its short description."""

    label: str
    lat: float
    lon: float
    title: str


@dataclass(frozen=True)
class TimelineItem:
    """An incident on the timeline; ``killed`` is the highest claimed figure, or ``None``."""

    label: str
    date: dt.date
    killed: int | None
    title: str


# -- text and numbers -----------------------------------------------------------


def _text(value: object, limit: int | None = None) -> str:
    """Make hostile text safe for an SVG text node or attribute value.

    Removes characters XML forbids, collapses whitespace (SVG would anyway),
    truncates to ``limit`` characters with an ellipsis, and escapes ``& < > "``.
    """
    clean = " ".join(_XML_INVALID.sub("", str(value)).split())
    if limit is not None and len(clean) > limit:
        clean = clean[: max(limit - 1, 1)].rstrip() + "…"
    return escape(clean, {'"': "&quot;", "'": "&#39;"})


def _n(value: float) -> str:
    """Format a coordinate with fixed precision, so output bytes never vary."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _chars_fitting(width_mm: float, font_mm: float) -> int:
    """Rough number of characters of a proportional font that fit in a width."""
    return max(int(width_mm / (font_mm * 0.56)), 4)


def _nice_step(span: float, target_lines: int, steps: tuple[float, ...]) -> float:
    """The smallest step from ``steps`` that gives at most ``target_lines`` lines."""
    for step in steps:
        if span / step <= target_lines:
            return step
    return steps[-1]


def _svg_open(height: float, title: str) -> list[str]:
    """The opening of a standalone-or-inline SVG sized in millimetres."""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(WIDTH_MM)}mm" '
        f'height="{_n(height)}mm" viewBox="0 0 {_n(WIDTH_MM)} {_n(height)}" '
        f'font-family="{_FONT}" role="img">',
        f"<title>{_text(title)}</title>",
    ]


def _placeholder(message: str) -> str:
    """A small, well-formed picture saying why there is nothing to draw."""
    parts = _svg_open(12, message)
    parts.append(
        f'<text x="{_n(WIDTH_MM / 2)}" y="7" font-size="3" text-anchor="middle" '
        f'fill="{_INK}">{_text(message)}</text>'
    )
    parts.append("</svg>")
    return "\n".join(parts)


def _legend(rows: list[tuple[str, str]], top: float, font: float = 2.6) -> tuple[list[str], float]:
    """Numbered legend rows below a plot, in two columns when long.

    Returns the SVG parts and the height used.
    """
    columns = 2 if len(rows) > 8 else 1
    per_column = math.ceil(len(rows) / columns)
    column_width = (WIDTH_MM - 10) / columns
    line = font * 1.6
    limit = _chars_fitting(column_width - 9, font)
    parts = []
    for index, (number, text) in enumerate(rows):
        column, row = divmod(index, per_column)
        x = 5 + column * column_width
        y = top + line * (row + 1)
        parts.append(
            f'<text x="{_n(x + 4)}" y="{_n(y)}" font-size="{_n(font)}" font-weight="bold" '
            f'text-anchor="end" fill="{_ACCENT}">{_text(number)}</text>'
            f'<text x="{_n(x + 6)}" y="{_n(y)}" font-size="{_n(font)}" fill="{_INK}">'
            f"{_text(text, limit)}</text>"
        )
    return parts, line * per_column + line * 0.6


# -- map ------------------------------------------------------------------------


def _degree_label(value: float, decimals: int, positive: str, negative: str) -> str:
    """``36.25°N`` style label with a fixed number of decimals."""
    hemisphere = positive if value >= 0 else negative
    text = f"{abs(value):.{decimals}f}"
    if float(text) == 0:
        hemisphere = ""
    return f"{text}°{hemisphere}"


def _decimals(step: float) -> int:
    """Decimals needed to print multiples of a graticule step exactly."""
    for decimals in range(0, 5):
        if abs(round(step, decimals) - step) < 1e-9:
            return decimals
    return 4


_GRATICULE_STEPS = (
    0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 5.0,
    10.0, 15.0, 30.0, 45.0, 90.0,
)  # fmt: skip
_SCALE_STEPS_KM = (
    0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10, 20, 25, 50, 100, 200, 250, 500,
    1000, 2000, 2500, 5000,
)  # fmt: skip


def incident_map_svg(points: list[MapPoint]) -> str:
    """Plot incident positions on a graticule, with numbered markers and a legend.

    Points that would overlap on paper share one marker (``1,2``). The window is the
    points' bounding box plus a margin, never smaller than about 2 km, so a
    single incident still gets a readable scale bar.
    """
    if not points:
        return _placeholder("No incident coordinates recorded.")
    for point in points:
        if not (math.isfinite(point.lat) and math.isfinite(point.lon)):
            raise ValueError(f"coordinates of {point.label!r} are not finite numbers")
        if not (-90 <= point.lat <= 90 and -180 <= point.lon <= 180):
            raise ValueError(f"coordinates of {point.label!r} are out of range")

    plot_x, plot_y, plot_w = 14.0, 4.0, WIDTH_MM - 30.0  # room for labels and north arrow
    lat_lo = min(p.lat for p in points)
    lat_hi = max(p.lat for p in points)
    lon_lo = min(p.lon for p in points)
    lon_hi = max(p.lon for p in points)
    lat_c = (lat_lo + lat_hi) / 2
    cos_c = max(math.cos(math.radians(lat_c)), 0.05)

    # Work in "scaled degrees": x = lon * cos(lat_c), y = lat; one unit is the
    # same ground distance on both axes.
    min_span = _MIN_SPAN_KM / _KM_PER_DEGREE
    span_x = max((lon_hi - lon_lo) * cos_c * 1.4, min_span)  # 20% margin each side
    span_y = max((lat_hi - lat_lo) * 1.4, min_span)
    # Fit the box into the plot area, height between 60 and 120 mm.
    plot_h = min(max(plot_w * span_y / span_x, 60.0), 120.0)
    if span_y / span_x < plot_h / plot_w:
        span_y = span_x * plot_h / plot_w
    else:
        span_x = span_y * plot_w / plot_h
    mm_per_unit = plot_w / span_x
    centre_x = (lon_lo + lon_hi) / 2 * cos_c
    x0 = centre_x - span_x / 2
    y1 = (lat_lo + lat_hi) / 2 + span_y / 2

    def project(lat: float, lon: float) -> tuple[float, float]:
        return (
            plot_x + (lon * cos_c - x0) * mm_per_unit,
            plot_y + (y1 - lat) * mm_per_unit,
        )

    lon_min, lon_max = x0 / cos_c, (x0 + span_x) / cos_c
    lat_min, lat_max = y1 - span_y, y1

    # Points closer than a marker's width on paper share one marker ("1,2"),
    # anchored at the first of them; the legend keeps every exact position.
    groups: list[tuple[float, float, list[int]]] = []
    for number, point in enumerate(points, start=1):
        x, y = project(point.lat, point.lon)
        for gx, gy, members in groups:
            if math.hypot(x - gx, y - gy) < _CLUSTER_MM:
                members.append(number)
                break
        else:
            groups.append((x, y, [number]))

    parts = []
    # Graticule.
    grat: list[str] = [
        f'<rect x="{_n(plot_x)}" y="{_n(plot_y)}" width="{_n(plot_w)}" height="{_n(plot_h)}" '
        f'fill="{_PAPER}" stroke="{_INK}" stroke-width="0.3"/>'
    ]
    lat_step = _nice_step(lat_max - lat_min, 6, _GRATICULE_STEPS)
    lon_step = _nice_step(lon_max - lon_min, 6, _GRATICULE_STEPS)
    lat_dec, lon_dec = _decimals(lat_step), _decimals(lon_step)
    k = math.ceil(lat_min / lat_step - 1e-9)
    while k * lat_step <= lat_max + 1e-9:
        lat = k * lat_step
        _, y = project(lat, 0)
        grat.append(
            f'<line x1="{_n(plot_x)}" y1="{_n(y)}" x2="{_n(plot_x + plot_w)}" y2="{_n(y)}" '
            f'stroke="{_GRID}" stroke-width="0.2"/>'
            f'<text x="{_n(plot_x - 1)}" y="{_n(y + 0.8)}" font-size="2.2" text-anchor="end" '
            f'fill="{_INK}">{_text(_degree_label(lat, lat_dec, "N", "S"))}</text>'
        )
        k += 1
    k = math.ceil(lon_min / lon_step - 1e-9)
    while k * lon_step <= lon_max + 1e-9:
        lon = k * lon_step
        x, _ = project(0, lon)
        grat.append(
            f'<line x1="{_n(x)}" y1="{_n(plot_y)}" x2="{_n(x)}" y2="{_n(plot_y + plot_h)}" '
            f'stroke="{_GRID}" stroke-width="0.2"/>'
            f'<text x="{_n(x)}" y="{_n(plot_y + plot_h + 3.2)}" font-size="2.2" '
            f'text-anchor="middle" fill="{_INK}">'
            f"{_text(_degree_label(lon, lon_dec, 'E', 'W'))}</text>"
        )
        k += 1
    parts.append('<g class="graticule">' + "".join(grat) + "</g>")

    # Markers, drawn in input order of their first incident.
    markers = []
    for x, y, numbers in groups:
        label = ",".join(str(n) for n in numbers)
        radius = 2.2 + 0.9 * max(len(label) - 1, 0)
        markers.append(
            f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(radius)}" fill="{_PAPER}" '
            f'stroke="{_ACCENT}" stroke-width="0.5"/>'
            f'<text x="{_n(x)}" y="{_n(y + 0.9)}" font-size="2.5" font-weight="bold" '
            f'text-anchor="middle" fill="{_ACCENT}">{_text(label)}</text>'
        )
    parts.append('<g class="markers">' + "".join(markers) + "</g>")

    # Scale bar (below the frame, left) and north arrow (right of the frame, top).
    ground_km = span_x * _KM_PER_DEGREE
    bar_km = _SCALE_STEPS_KM[0]
    for step in _SCALE_STEPS_KM:
        if step <= ground_km / 4:
            bar_km = step
    bar_mm = bar_km / _KM_PER_DEGREE * mm_per_unit
    bar_label = f"{bar_km * 1000:g} m" if bar_km < 1 else f"{bar_km:g} km"
    sx, sy = plot_x, plot_y + plot_h + 8
    parts.append(
        '<g class="scale">'
        f'<rect x="{_n(sx)}" y="{_n(sy)}" width="{_n(bar_mm / 2)}" height="1" fill="{_INK}"/>'
        f'<rect x="{_n(sx + bar_mm / 2)}" y="{_n(sy)}" width="{_n(bar_mm / 2)}" height="1" '
        f'fill="{_PAPER}" stroke="{_INK}" stroke-width="0.2"/>'
        f'<text x="{_n(sx)}" y="{_n(sy - 1)}" font-size="2.2" fill="{_INK}">0</text>'
        f'<text x="{_n(sx + bar_mm)}" y="{_n(sy - 1)}" font-size="2.2" text-anchor="middle" '
        f'fill="{_INK}">{_text(bar_label)}</text>'
        "</g>"
    )
    nx, ny = plot_x + plot_w + 8, plot_y
    parts.append(
        '<g class="north">'
        f'<path d="M{_n(nx)},{_n(ny)} L{_n(nx + 2)},{_n(ny + 6)} L{_n(nx)},{_n(ny + 4.8)} '
        f'L{_n(nx - 2)},{_n(ny + 6)} Z" fill="{_INK}"/>'
        f'<text x="{_n(nx)}" y="{_n(ny + 8.3)}" font-size="2.4" font-weight="bold" '
        f'text-anchor="middle" fill="{_INK}">N</text>'
        "</g>"
    )

    rows = [
        (
            str(number),
            f"{point.label} — {point.title} "
            f"({_degree_label(point.lat, 5, 'N', 'S')}, {_degree_label(point.lon, 5, 'E', 'W')})",
        )
        for number, point in enumerate(points, start=1)
    ]
    legend, legend_h = _legend(rows, sy + 2)
    height = sy + 2 + legend_h
    return "\n".join(
        [
            *_svg_open(height, "Incident map"),
            *parts,
            '<g class="legend">' + "".join(legend) + "</g>",
            "</svg>",
        ]
    )


# -- timeline -------------------------------------------------------------------


def _month_ticks(start: dt.date, end: dt.date, every: int) -> list[tuple[dt.date, str]]:
    """First-of-month ticks every ``every`` months, labelled ``Jan 2015``."""
    year, month = start.year, start.month
    month = ((month - 1) // every) * every + 1
    ticks = []
    while True:
        day = dt.date(year, month, 1)
        if day > end:
            return ticks
        if day >= start:
            ticks.append((day, f"{_MONTHS[month - 1]} {year}"))
        month += every
        while month > 12:
            month -= 12
            year += 1


def _ticks(start: dt.date, end: dt.date) -> list[tuple[dt.date, str]]:
    """Axis ticks for a date range: days, weeks, months or years, 3-10 of them."""
    days = (end - start).days
    if days <= 12:
        return [
            (start + dt.timedelta(d), f"{(start + dt.timedelta(d)).day} "
             f"{_MONTHS[(start + dt.timedelta(d)).month - 1]}")
            for d in range(days + 1)
        ]  # fmt: skip
    if days <= 70:
        first = start + dt.timedelta((7 - start.weekday()) % 7)  # Mondays
        return [
            (first + dt.timedelta(w * 7), f"{(first + dt.timedelta(w * 7)).day} "
             f"{_MONTHS[(first + dt.timedelta(w * 7)).month - 1]}")
            for w in range((end - first).days // 7 + 1)
        ]  # fmt: skip
    for every in (1, 2, 3, 6):
        if days / (30.4 * every) <= 10:
            return _month_ticks(start, end, every)
    years = end.year - start.year + 1
    every = next(e for e in (1, 2, 5, 10, 20, 50, 100) if years / e <= 10)
    return [
        (dt.date(y, 1, 1), str(y))
        for y in range(start.year - start.year % every, end.year + 1, every)
        if start <= dt.date(y, 1, 1) <= end
    ]


def timeline_svg(items: list[TimelineItem]) -> str:
    """Draw incidents on a dated axis, one bar each, its height by the highest casualty figure.

    Each bar is labelled with the figure (``unknown`` where no figure is
    claimed, drawn as a dashed outline) and numbered for the legend below.
    Bars that would overlap are nudged sideways, with a leader line to their
    true date on the axis.
    """
    if not items:
        return _placeholder("No dated incidents.")
    for item in items:
        if item.killed is not None and item.killed < 0:
            raise ValueError(f"negative casualty figure for {item.label!r}")

    order = sorted(range(len(items)), key=lambda i: (items[i].date, i))
    numbers = {index: rank for rank, index in enumerate(order, start=1)}
    first = items[order[0]].date
    last = items[order[-1]].date
    pad = max((last - first).days * 0.05, 3.0)
    start = first - dt.timedelta(days=math.ceil(pad))
    end = last + dt.timedelta(days=math.ceil(pad))
    span = (end - start).days

    left, right = 8.0, WIDTH_MM - 8.0
    bar_top, axis_y = 10.0, 52.0
    max_bar = axis_y - bar_top - 2
    known = [item.killed for item in items if item.killed is not None]
    highest = max(known, default=0)

    def x_of(day: dt.date) -> float:
        return left + (day - start).days / span * (right - left)

    # Place bars left to right with a minimum gap, then pull back from the right edge.
    gap = min(9.0, (right - left) / max(len(items), 1))
    xs = [x_of(items[i].date) for i in order]
    placed = []
    for x in xs:
        placed.append(max(x, placed[-1] + gap) if placed else x)
    limit = right
    for k in range(len(placed) - 1, -1, -1):
        placed[k] = min(placed[k], limit)
        limit = placed[k] - gap
    placed = [max(p, left) for p in placed]

    parts = [
        f'<line x1="{_n(left)}" y1="{_n(axis_y)}" x2="{_n(right)}" y2="{_n(axis_y)}" '
        f'stroke="{_INK}" stroke-width="0.4"/>'
    ]
    for day, label in _ticks(start, end):
        x = x_of(day)
        parts.append(
            f'<line x1="{_n(x)}" y1="{_n(axis_y)}" x2="{_n(x)}" y2="{_n(axis_y + 1.5)}" '
            f'stroke="{_INK}" stroke-width="0.3"/>'
            f'<text x="{_n(x)}" y="{_n(axis_y + 4.5)}" font-size="2.2" text-anchor="middle" '
            f'fill="{_INK}">{_text(label)}</text>'
        )

    bar_w = min(4.0, gap * 0.6)
    for k, index in enumerate(order):
        item = items[index]
        x, true_x = placed[k], xs[k]
        if item.killed is None:
            height = 6.0
            bar = (
                f'<rect x="{_n(x - bar_w / 2)}" y="{_n(axis_y - height)}" width="{_n(bar_w)}" '
                f'height="{_n(height)}" fill="none" stroke="{_INK}" stroke-width="0.3" '
                f'stroke-dasharray="0.8,0.6"/>'
            )
            value = "unknown"
        else:
            height = max(max_bar * item.killed / highest, 0.8) if highest else 0.8
            bar = (
                f'<rect x="{_n(x - bar_w / 2)}" y="{_n(axis_y - height)}" width="{_n(bar_w)}" '
                f'height="{_n(height)}" fill="{_ACCENT}"/>'
            )
            value = str(item.killed)
        leader = ""
        if abs(x - true_x) > 0.05:
            leader = (
                f'<line x1="{_n(true_x)}" y1="{_n(axis_y)}" x2="{_n(x)}" y2="{_n(axis_y - 0.8)}" '
                f'stroke="{_INK}" stroke-width="0.2"/>'
            )
        parts.append(
            f'<g class="incident">{leader}{bar}'
            f'<text x="{_n(x)}" y="{_n(axis_y - height - 1)}" font-size="2.3" '
            f'text-anchor="middle" fill="{_INK}">{_text(value)}</text>'
            f'<text x="{_n(x)}" y="{_n(axis_y + 8.5)}" font-size="2.5" font-weight="bold" '
            f'text-anchor="middle" fill="{_ACCENT}">{numbers[index]}</text></g>'
        )

    rows = []
    for index in order:
        item = items[index]
        figure = "unknown" if item.killed is None else f"{item.killed} killed"
        rows.append(
            (
                str(numbers[index]),
                f"{item.date.isoformat()}  {item.label} — {item.title} ({figure})",
            )
        )
    legend, legend_h = _legend(rows, axis_y + 10)
    height = axis_y + 10 + legend_h
    return "\n".join(
        [
            *_svg_open(height, "Incident timeline"),
            *parts,
            '<g class="legend">' + "".join(legend) + "</g>",
            "</svg>",
        ]
    )
