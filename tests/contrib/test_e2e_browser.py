"""The e2e service from a real browser: Playwright drives headless Chromium (Debian's, /usr/bin/chromium)
against a live server, resets the demo blog and reads its posts off the page.

Without Chromium the test skips with how to install it; with CI=true it fails instead.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.db import connections
from django.test import override_settings
from playwright.sync_api import Page, sync_playwright

from seedgen.demo.blog.models import Post
from tests.contrib.settings import TOKEN, overlay

CHROMIUM = os.environ.get("SEEDGEN_CHROMIUM", "/usr/bin/chromium")
# No connections of Chromium's own: on a closed network they fail, and they are not what is tested.
CHROMIUM_ARGS = ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """The test reads the page, not the access log."""


@pytest.fixture
def live_server(sqlite_db) -> Iterator[str]:
    """The tests' URLconf served on 127.0.0.1 and a free port, a thread per request.

    The SQLite database is a file, so the request threads' connections see the test's rows
    (an in-memory one would be a database per connection).
    """
    with override_settings(**overlay(sqlite_db)):
        server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=False)
        server.set_app(WSGIHandler())
        thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}"
        finally:
            server.shutdown()
            server.server_close()
            thread.join()


@pytest.fixture
def page(live_server) -> Iterator[Page]:
    """A page of headless Chromium on the live server. Started after the database fixtures: while
    Playwright's sync API runs, an event loop runs on this thread, and Django refuses ORM calls here."""
    if not os.access(CHROMIUM, os.X_OK):
        problem = (f"no Chromium at {CHROMIUM}: `make test` installs Debian's chromium when run as root, "
                   "or run `apt-get install chromium` (or set SEEDGEN_CHROMIUM to a Chromium binary)")
        if os.environ.get("CI") == "true":
            pytest.fail(problem)
        pytest.skip(problem)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser.new_page(base_url=live_server)
        finally:
            browser.close()


def reset(page: Page, seed: int, token: str = TOKEN):
    """POST /__seed__/reset from the browser's own request context, as a Playwright suite would."""
    return page.request.post("/__seed__/reset", data={"profile": "blog", "seed": seed},
                             headers={"Authorization": f"Bearer {token}"})


def titles_in_database(alias: str) -> list[str]:
    """Read on a thread of its own, with a connection of its own (see ``page``)."""

    def read() -> list[str]:
        try:
            return list(Post.objects.using(alias).order_by("pk").values_list("title", flat=True))
        finally:
            connections[alias].close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(read).result()


def titles_on_page(page: Page) -> list[str]:
    page.goto("/posts/")
    return page.locator("#posts li").all_inner_texts()


def test_the_browser_sees_the_posts_each_reset_seeds(sqlite_db, page):
    page.goto("/posts/")
    assert page.locator("#no-posts").inner_text() == "No posts yet."

    response = reset(page, seed=1)
    assert response.status == 200, response.text()
    assert response.json()["models"]["blog.Post"] == 50
    first = titles_on_page(page)
    assert first == titles_in_database(sqlite_db)
    assert len(first) == 50

    assert reset(page, seed=2).status == 200
    second = titles_on_page(page)
    assert second == titles_in_database(sqlite_db)
    assert len(second) == 50 and second != first

    refused = reset(page, seed=1, token="not-the-token")
    assert (refused.status, refused.json()["error"].split(":")[0]) == (403, "wrong token")
    assert titles_on_page(page) == second

    assert reset(page, seed=1).status == 200
    assert titles_on_page(page) == first
