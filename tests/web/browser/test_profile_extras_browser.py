"""Profile fields, featured hashtags and pins in Chromium without JavaScript: filled in by label,
saved, shown on the profile; axe finds nothing serious in light and dark at 360 px and on a
desktop, and nothing scrolls sideways on a phone."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.web.browser import site

pytestmark = pytest.mark.browser


async def test_profile_extras_work_without_javascript_and_pass_axe(open_context, new_citizen: str) -> None:  # type: ignore[no-untyped-def]
    page = await (await open_context(java_script_enabled=False)).new_page()
    await site.sign_in(page, new_citizen, site.PASSWORD)

    await page.goto("/settings/profile")
    await page.get_by_label("이름 1", exact=True).fill("동네")
    await page.get_by_label("내용 1", exact=True).fill("안양 평촌동")
    await page.get_by_label("이름 2", exact=True).fill("좋아하는 곳")
    await page.get_by_label("내용 2", exact=True).fill("수리산 #등산")
    await page.locator("form[action='/settings/profile'] button[type=submit]").click()
    await page.wait_for_url("**/settings/profile?notice=saved")
    await page.get_by_label("해시태그 추가").fill("안양천")
    await page.get_by_role("button", name="추가하기").click()
    await page.wait_for_url("**/settings/profile?notice=featured_tag_added*")
    await expect(page.get_by_role("button", name="#안양천 빼기")).to_be_visible()

    await page.goto(f"/@{new_citizen}")
    await expect(page.locator("dl.profile-fields dt").first).to_have_text("동네")
    await expect(page.locator("section.featured-tags")).to_contain_text("#안양천")

    # axe is a script (injected past the CSP, as in test_accessibility): a page with JavaScript.
    page = await (await open_context(bypass_csp=True)).new_page()
    await site.sign_in(page, new_citizen, site.PASSWORD)
    found = {}
    for path in ("/settings/profile", f"/@{new_citizen}"):
        await page.goto(path)
        for scheme, viewport in (("light", site.PHONE), ("dark", site.PHONE), ("light", site.DESKTOP)):
            await page.set_viewport_size(viewport)
            await page.emulate_media(color_scheme=scheme)
            violations = await site.run_axe(page)
            if violations:
                found[f"{path} {scheme} {viewport['width']}px"] = [(v["id"], v["nodes"]) for v in violations]
        await page.set_viewport_size(site.PHONE)
        assert await page.evaluate("document.scrollingElement.scrollWidth") <= 360, path
    assert found == {}
