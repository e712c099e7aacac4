"""A first layout pass that reports where anchors landed, for the exhibit index's page refs."""

from __future__ import annotations

from typing import Any


def anchor_pages(html: str, url_fetcher: Any) -> dict[str, int]:
    from casefile.render.weasy import load

    weasyprint = load()
    document = weasyprint.HTML(string=html, base_url=None, url_fetcher=url_fetcher).render()
    pages: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for name in page.anchors:
            pages.setdefault(name, number)
    return pages
