"""Screenshots of the web pages for the README, over the demo city, at phone and desktop width.

    .venv/bin/python bench/screenshots.py [--out docs/screenshots]

Migrates a throwaway SQLite file, starts a real server on a free loopback port, loads the
demo city into it (`madang demo load`), signs in as a demo citizen in Debian's Chromium
(/usr/bin/chromium, through Playwright; nothing is downloaded) and writes
`<page>-phone.png` (360 px wide) and `<page>-desktop.png` (1280 px) for the front page,
the home timeline, a thread and a profile.  A page that does not answer 200 is skipped and
named.  Run by hand; the test suite does not run it.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.async_api import async_playwright  # noqa: E402

from madang.db.migrate import upgrade  # noqa: E402
from tests.support.server import running_server  # noqa: E402
from tests.web.browser import site  # noqa: E402

WIDTHS = {"phone": site.PHONE, "desktop": site.DESKTOP}


def shots(demo: site.DemoCity) -> list[tuple[str, str, bool]]:
    """(file name, path, signed in)."""
    return [
        ("front", "/", False),
        ("home", "/home", True),
        ("thread", f"/@{demo.city}/{demo.thread_id}", True),
        ("profile", f"/@{demo.city}", True),
    ]


async def take(demo: site.DemoCity, out: Path) -> list[str]:
    written, skipped = [], []
    async with async_playwright() as playwright:
        browser = await site.launch(playwright)
        for width_name, viewport in WIDTHS.items():
            visitor = await site.new_context(browser, demo.base, viewport=viewport, color_scheme="light")
            citizen = await site.new_context(browser, demo.base, viewport=viewport, color_scheme="light")
            await site.sign_in(await citizen.new_page(), demo.citizen, demo.citizen_password)
            for name, path, signed_in in shots(demo):
                page = await (citizen if signed_in else visitor).new_page()
                response = await page.goto(path)
                if response is None or response.status != 200:
                    skipped.append(f"{name} ({path}: {response.status if response else 'no answer'})")
                    await page.close()
                    continue
                await page.evaluate("document.fonts.ready")
                target = out / f"{name}-{width_name}.png"
                # Two screens on a phone (its first screen is all composer), one on a desktop.
                screens = 2 if width_name == "phone" else 1
                height = min(await page.evaluate("document.scrollingElement.scrollHeight"), screens * viewport["height"])
                await page.screenshot(path=str(target), full_page=True,
                                      clip={"x": 0, "y": 0, "width": viewport["width"], "height": height})
                written.append(str(target.relative_to(ROOT) if target.is_relative_to(ROOT) else target))
                await page.close()
            await visitor.close()
            await citizen.close()
        await browser.close()
    for line in written:
        print("wrote", line)
    for line in sorted(set(skipped)):
        print("skipped (page not there yet):", line)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="madang-shots-") as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/demo.sqlite3"
        upgrade(url)
        with running_server(url, media_path=Path(tmp) / "media") as base:
            site.load_demo(url, site.port_of(base), Path(tmp) / "media")
            asyncio.run(take(site.describe_demo(base), args.out))


if __name__ == "__main__":
    main()
