"""The web UI in a real browser (Chromium via Playwright), as a user would use it."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from tests.browser.conftest import Site
from tests.browser.corpus import HOSTILE_TEXT, HOSTILE_TITLE, STORY_QUOTE, STORY_TITLE


def watch(page: Page) -> list[str]:
    """Collect console errors (a CSP violation or a broken asset shows up here)."""
    errors: list[str] = []

    def on_console(msg: ConsoleMessage) -> None:
        if msg.type == "error":
            errors.append(msg.text)

    page.on("console", on_console)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400
            else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


PAGES = {
    "overview": "/",
    "dyad": "/dyad?a=RUS&b=AZE",
    "search": "/search?q=shelling",
    "speaker": "/speaker?key=person%3Ailham-aliyev",
    "actors": "/actors",
    "actor": "/actor?id=AZE",
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_browser_each_page_loads_cleanly(page: Page, site: Site, shots: Path, name: str) -> None:
    errors = watch(page)
    response = page.goto(site.url + PAGES[name])
    assert response is not None and response.status == 200
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("main")).to_be_visible()
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    assert errors == []


def test_browser_dyad_chart_is_drawn_and_a_click_lists_evidence(page: Page, site: Site,
                                                                shots: Path) -> None:
    errors = watch(page)
    page.goto(site.url + "/dyad?a=RUS&b=AZE")
    chart = page.locator("#dyad-chart")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 100
    assert page.locator("#dyad-chart polyline.line-tension").get_attribute("points")
    points = page.locator("#dyad-chart a.pt")
    assert points.count() >= 14
    alert = page.locator("#dyad-chart a.pt-alert").last
    period = alert.get_attribute("data-period")
    assert period == site.built.alert_week.isoformat()
    alert.locator("circle").click()
    page.wait_for_url(f"**period={period}**")
    items = page.locator("#evidence-list li.ev")
    expect(items.first).to_be_visible()
    assert items.count() > 3
    expect(page.locator("#evidence-list")).to_contain_text(STORY_TITLE)
    expect(page.locator("#evidence-list .ev-sentence mark.hl-event").first).to_be_visible()
    expect(page.locator("#dyad-chart a.pt-selected")).to_have_count(1)
    page.screenshot(path=str(shots / "dyad-evidence.png"), full_page=True)
    assert errors == []


def test_browser_chart_points_are_reachable_by_keyboard(page: Page, site: Site) -> None:
    page.goto(site.url + "/dyad?a=RUS&b=AZE")
    page.locator("#dyad-chart a.pt").first.focus()
    focused = page.evaluate("document.activeElement.getAttribute('data-period')")
    assert focused == page.locator("#dyad-chart a.pt").first.get_attribute("data-period")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**period={focused}**")


def test_browser_article_highlights_quote_event_and_explains_on_hover_and_focus(
        page: Page, site: Site, shots: Path) -> None:
    errors = watch(page)
    page.goto(f"{site.url}/article/{site.built.story_id}")
    expect(page.locator("h1")).to_have_text(STORY_TITLE)
    quote = page.locator("#article-text mark[data-kind=quote]")
    expect(quote).to_have_count(1)
    assert STORY_QUOTE in quote.inner_text()
    expect(page.locator("#article-text mark[data-kind=event]",
                        has_text="shelling")).to_be_visible()
    technique = page.locator("#article-text mark[data-kind=technique]")
    note = technique.locator(".hl-note")
    expect(note).to_be_hidden()
    technique.hover()
    expect(note).to_be_visible()
    expect(note).to_contain_text("emotional weight")
    page.mouse.move(0, 0)
    expect(note).to_be_hidden()
    # keyboard: Tab through the highlights until the technique has focus
    page.locator("#article-text").evaluate("el => el.scrollIntoView()")
    page.locator("#article-text mark[tabindex='0']").first.focus()
    for _ in range(40):
        if page.evaluate("document.activeElement.dataset.kind") == "technique":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.kind") == "technique"
    expect(note).to_be_visible()
    expect(page.locator(".speaker-card")).to_contain_text("Ilham Aliyev")
    page.screenshot(path=str(shots / "article.png"), full_page=True)
    assert errors == []


def test_browser_search_finds_a_known_article(page: Page, site: Site) -> None:
    page.goto(site.url + "/search")
    page.get_by_label("Words", exact=False).fill("shelling")
    page.get_by_label("Outlet").fill("alpha")
    page.locator("form.search-form button[type=submit]").click()
    page.wait_for_url("**q=shelling**")
    link = page.locator("#results a", has_text=STORY_TITLE)
    expect(link).to_have_count(1)
    expect(page.locator("#results .snippet b").first).to_have_text("shelling")
    link.click()
    expect(page.locator("h1")).to_have_text(STORY_TITLE)


def test_browser_hostile_article_is_inert(browser: Browser, site: Site, shots: Path) -> None:
    # CSP off: whatever stops the script here is the escaping, not the policy
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    probe_url = site.url + "/probe-raw"
    page.route(probe_url, lambda route: route.fulfill(
        status=200, content_type="text/html",
        body=f"<html><body><h1>{HOSTILE_TITLE}</h1><div>{HOSTILE_TEXT}</div></body></html>"))
    page.goto(probe_url)
    page.wait_for_function("window.__probe !== undefined", timeout=5000)
    assert page.evaluate("window.__probe") is not None  # raw insertion WOULD run the script

    page.goto(f"{site.url}/article/{site.built.hostile_id}")
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)
    for mark in page.locator("#article-text mark[tabindex='0']").all()[:6]:
        mark.hover()
        mark.focus()
    assert page.evaluate("window.__probe") is None
    assert page.evaluate("document.querySelectorAll('script').length") == 0
    assert page.evaluate(
        "[...document.querySelectorAll('*')].filter(e => [...e.attributes]"
        ".some(a => a.name.startsWith('on'))).length") == 0
    assert page.evaluate(
        "[...document.querySelectorAll('a[href]')].filter(a => !/^(https?:|\\/|#)/"
        ".test(a.getAttribute('href'))).length") == 0
    # readable: the markup is shown as text
    text = page.locator("#article-text").inner_text()
    assert "<script>window.__probe = 'script';</script>" in text
    assert "<img src=x onerror=" in text
    expect(page.locator("h1")).to_have_text(HOSTILE_TITLE)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1 if page.viewport_size else True
    page.screenshot(path=str(shots / "hostile.png"), full_page=False)
    context.close()
