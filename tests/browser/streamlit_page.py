"""Driving a Streamlit page from Playwright: wait for a rerun to finish, pick
from a select box, fail on any exception box."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect


def settle(page: Page, timeout: float = 60_000) -> None:
    """Wait until the script rerun that the last interaction started has finished."""
    page.wait_for_timeout(250)          # let the rerun begin
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(timeout=timeout)
    page.wait_for_timeout(250)


def no_exception(page: Page) -> None:
    boxes = page.locator('[data-testid="stException"]')
    assert boxes.count() == 0, boxes.first.inner_text()


def open_select(page: Page, label: str) -> None:
    page.get_by_label(label, exact=True).click()


def choose(page: Page, label: str, option: str) -> None:
    """Pick the option containing `option` in the select box labelled `label`."""
    open_select(page, label)
    page.keyboard.type(option)
    page.get_by_role("option").filter(has_text=option).first.click()
    settle(page)


def go_to(page: Page, name: str) -> None:
    page.locator('[data-testid="stSidebar"]').get_by_text(name, exact=True).click()
    settle(page)
    expect(page.get_by_role("heading", name=re.compile(name))).to_be_visible()
