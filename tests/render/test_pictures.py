"""Offline SVG pictures: well-formed, escaped, deterministic, renderable by WeasyPrint."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from casefile.render.pdf import html_to_pdf, pdf_text
from casefile.render.pictures import (
    MapPoint,
    TimelineItem,
    incident_map_svg,
    timeline_svg,
)

from .conftest import Sandbox

NS = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script> & \x00\x1b\ufffe "quoted" \'single\''


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{NS}svg"
    assert root.get("width") == "170mm"
    assert not list(root.iter(f"{NS}script"))
    assert not list(root.iter(f"{NS}image"))
    assert "http://" not in svg.replace("http://www.w3.org/2000/svg", "")
    return root


def _texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{NS}text")]


def _markers(root: ET.Element) -> list[str]:
    group = next(g for g in root.iter(f"{NS}g") if g.get("class") == "markers")
    return ["".join(t.itertext()) for t in group.iter(f"{NS}text")]


POINTS = [
    MapPoint("ARIHA-2015-11-29", 35.8135, 36.6080, "Ariha market"),
    MapPoint("IDLIB-2016-01-03", 35.9306, 36.6339, "Idlib school"),
    MapPoint("SARAQIB-2016-02-11", 35.8622, 36.8006, "Saraqib hospital"),
]


def test_map_one_point() -> None:
    root = _parse(incident_map_svg([POINTS[0]]))
    assert _markers(root) == ["1"]
    texts = _texts(root)
    assert any(t.endswith(" m") or t.endswith(" km") for t in texts)  # scale bar
    assert "N" in texts  # north arrow
    assert any("°N" in t for t in texts) and any("°E" in t for t in texts)  # graticule


def test_map_many_points() -> None:
    root = _parse(incident_map_svg(POINTS))
    assert _markers(root) == ["1", "2", "3"]
    legend = " ".join(_texts(root))
    for point in POINTS:
        assert point.label in legend


def test_map_same_point_shares_a_marker() -> None:
    same = [MapPoint("A", 35.8, 36.6, "a"), MapPoint("B", 35.8, 36.6, "b")]
    root = _parse(incident_map_svg(same))
    assert _markers(root) == ["1,2"]


def test_map_many_points_spread_widely_and_near_poles() -> None:
    points = [MapPoint(f"P{i}", -80 + i * 10, -170 + i * 20, "t") for i in range(18)]
    _parse(incident_map_svg(points))
    _parse(incident_map_svg([MapPoint("POLE", 90.0, 0.0, "p")]))


def test_map_rejects_non_finite_coordinates() -> None:
    with pytest.raises(ValueError):
        incident_map_svg([MapPoint("X", float("nan"), 0.0, "x")])


def test_map_empty_is_a_placeholder() -> None:
    root = _parse(incident_map_svg([]))
    assert "No incident coordinates" in " ".join(_texts(root))


def test_map_labels_are_escaped() -> None:
    svg = incident_map_svg([MapPoint(HOSTILE, 35.8, 36.6, HOSTILE)])
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg and "&amp;" in svg
    root = _parse(svg)
    legend = " ".join(_texts(root))
    assert '<script>alert("x")</script> &' in legend


def test_map_is_deterministic() -> None:
    assert incident_map_svg(POINTS) == incident_map_svg(list(POINTS))


ITEMS = [
    TimelineItem("ARIHA-2015-11-29", dt.date(2015, 11, 29), 40, "Ariha market"),
    TimelineItem("IDLIB-2016-01-03", dt.date(2016, 1, 3), None, "Idlib school"),
    TimelineItem("SARAQIB-2016-02-11", dt.date(2016, 2, 11), 0, "Saraqib hospital"),
    TimelineItem("SAME-DAY", dt.date(2016, 2, 11), 7, "same day"),
]


def test_timeline_shows_figures_and_unknown() -> None:
    root = _parse(timeline_svg(ITEMS))
    texts = _texts(root)
    for figure in ("40", "unknown", "0", "7"):
        assert figure in texts
    incidents = [g for g in root.iter(f"{NS}g") if g.get("class") == "incident"]
    assert len(incidents) == 4


@pytest.mark.parametrize(
    "items",
    [
        [TimelineItem("ONE", dt.date(2015, 11, 29), 3, "one")],
        [TimelineItem("NONE", dt.date(2015, 11, 29), None, "none")],
        [TimelineItem(f"T{i}", dt.date(2000 + i, 1, 1), i, "t") for i in range(25)],
        [TimelineItem(f"D{i}", dt.date(2015, 1, 1), i, "same day") for i in range(5)],
        [],
    ],
)
def test_timeline_shapes_are_well_formed(items: list[TimelineItem]) -> None:
    _parse(timeline_svg(items))


def test_timeline_labels_are_escaped_and_deterministic() -> None:
    items = [TimelineItem(HOSTILE, dt.date(2015, 11, 29), 5, HOSTILE)]
    svg = timeline_svg(items)
    assert "<script>" not in svg
    _parse(svg)
    assert svg == timeline_svg(list(items))


def test_pictures_render_inline_in_weasyprint(sandbox: Sandbox) -> None:
    html = (
        "<style>@page { size: A4; margin: 20mm }</style>"
        f"<h1>Map</h1>{incident_map_svg(POINTS)}<h1>Timeline</h1>{timeline_svg(ITEMS)}"
    )
    pdf = html_to_pdf(html, base_url=None, url_fetcher=sandbox.fetcher, metadata_date=None)
    text = pdf_text(pdf)
    assert "ARIHA-2015-11-29" in text
    assert "unknown" in text
    assert sandbox.fetcher.refused == []
