"""Take screenshots of dashboard pages in Debian's Chromium: `python scripts/screenshot.py URL OUT.png [WIDTHxHEIGHT]`.

Used for the README's screenshots (docs/) and for looking at a page before calling it done.
"""
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from libstats.devtools import launch_chromium  # noqa: E402


def main(url: str, out: str, size: str = "1400x1000") -> None:
    width, height = (int(x) for x in size.split("x"))
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(url)
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)
        page.wait_for_function("!document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=60_000)
        try:
            page.wait_for_selector(".js-plotly-plot .main-svg", timeout=15_000)
        except Exception:
            print("no chart drawn on this page within 15 s", file=sys.stderr)
        page.wait_for_timeout(800)
        page.screenshot(path=out, full_page=True)
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
