"""axe-core on every page type, light and dark, desktop and 360 px; no sideways scrolling."""

from __future__ import annotations

import pytest

from tests.web.browser import site
from tests.web.browser.pages import PAGES, PageType

pytestmark = pytest.mark.browser


def _report(found: list[dict]) -> str:  # type: ignore[type-arg]
    return "\n".join(f"{v['impact']} {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in found)


@pytest.mark.parametrize("kind", PAGES, ids=[p.name for p in PAGES])
async def test_no_serious_or_critical_axe_violations(kind: PageType, open_context, demo) -> None:  # type: ignore[no-untyped-def]
    # axe is injected as a script tag, which the page's CSP (rightly) refuses: bypass it here only.
    context = await open_context(signed_in=kind.signed_in, viewport=site.DESKTOP, bypass_csp=True)
    page = await context.new_page()
    response = await page.goto(kind.url(demo))
    assert response is not None and response.status == kind.status, await page.title()
    found = {}
    for scheme, viewport in (("light", site.DESKTOP), ("dark", site.DESKTOP), ("dark", site.PHONE),
                             ("light", site.PHONE)):
        await page.set_viewport_size(viewport)
        await page.emulate_media(color_scheme=scheme)
        violations = await site.run_axe(page)
        if violations:
            found[f"{scheme} {viewport['width']}px"] = _report(violations)
    assert not found, "\n".join(f"[{k}]\n{v}" for k, v in found.items())


async def test_no_page_scrolls_sideways_at_360_px(open_context, demo) -> None:  # type: ignore[no-untyped-def]
    # One context for the visitor's pages and one for the citizen's: a goto each, not a context each.
    pages = {False: await (await open_context(viewport=site.PHONE)).new_page(),
             True: await (await open_context(signed_in=True, viewport=site.PHONE)).new_page(),
             "staff": await (await open_context(signed_in="staff", viewport=site.PHONE)).new_page()}
    too_wide = {}
    for kind in PAGES:
        page = pages[kind.signed_in]
        response = await page.goto(kind.url(demo))
        assert response is not None and response.status == kind.status, kind.name
        width = await page.evaluate("document.scrollingElement.scrollWidth")
        if width > 360:
            too_wide[kind.name] = (width, await page.evaluate("""() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > 360.5)
                .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))"""))
    assert too_wide == {}, f"wider than 360px (width, widest elements): {too_wide}"
