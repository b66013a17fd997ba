"""The portal in a real headless Chromium, opened from disk (file://) and from a static web server:
the search finds a word of a document's body, the navigation's search box leads to it, links lead
to the pages, no page logs an error, and no request leaves the folder (the browser runs behind a
proxy that refuses everything, and every request it makes is recorded)."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from chromium import Chromium, executable
from site_helpers import DRAFT_WORD, IN_FORCE_WORD, build_portal_repository

import docctl

pytestmark = pytest.mark.tools
NOW = "2026-06-01T12:00:00+00:00"
#: Every request that is not for the portal itself goes to this proxy, where nothing listens.
REFUSING_PROXY = ("--proxy-server=http://127.0.0.1:9",)
PAGES = [
    "index.html",
    "owners.html",
    "clauses.html",
    "register.html",
    "matrix.html",
    "archive.html",
    "search.html",
    "documents/SOP-001.html",
    "documents/SOP-003.html",
    "documents/FRM-001.html",
    "archive/SOP-002.html",
    "archive/WI-001.html",
]
RESULTS = "Array.from(document.querySelectorAll('#results li a')).map(a => [a.textContent, a.getAttribute('href')])"


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("site-home")
    (home / ".gitconfig").write_text("[init]\n\tdefaultBranch = main\n")
    path = tmp_path_factory.mktemp("site-repo") / "qms"
    out = tmp_path_factory.mktemp("portal") / "site"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        patch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
        patch.setenv("GIT_CONFIG_NOSYSTEM", "1")
        patch.setenv("DOCCTL_NOW", NOW)
        build_portal_repository(path)
        docctl.open(path).site(out)
    return out


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Chromium]:
    program = executable()
    if program is None:
        pytest.skip("chromium is not installed (apt-get install chromium; .ci/run installs it)")
    chromium = Chromium(program, tmp_path / "profile", REFUSING_PROXY)
    try:
        yield chromium
    finally:
        chromium.close()


def type_into(browser: Chromium, selector: str, text: str) -> None:
    browser.js(f"document.querySelector('{selector}').focus()")
    browser.call("Input.insertText", {"text": text})
    browser.settle()


def test_the_browser_sees_an_external_request(browser: Chromium, tmp_path: Path) -> None:
    """The control: a page that does fetch from outside is caught, so the tests below can trust silence."""
    page = tmp_path / "leaky.html"
    page.write_text('<!DOCTYPE html><title>leaky</title><img src="http://cdn.example.com/logo.png">')
    browser.open(page.as_uri())
    browser.settle()
    time.sleep(0.5)
    assert "http://cdn.example.com/logo.png" in browser.requests()
    assert any("load failed" in error or "ERR_" in error for error in browser.errors())


def test_every_page_from_disk_loads_without_errors_or_outside_requests(portal: Path, browser: Chromium) -> None:
    for rel in PAGES:
        browser.open((portal / rel).as_uri())
        browser.settle()
        title = browser.js("document.title")
        assert title, rel
        # every link and resource the browser resolved is a file of the portal
        urls = browser.js(
            "Array.from(document.querySelectorAll('a[href], img[src], link[href], script[src], form[action]'))"
            ".map(e => e.href || e.src || e.action)"
        )
        for url in urls:
            parts = urlsplit(url)
            if parts.scheme in ("http", "https", "mailto"):
                continue  # a link written in a document: followed only if the reader clicks it
            if parts.scheme == "data":
                continue  # the empty icon: nothing to fetch
            assert parts.scheme == "file", (rel, url)
            target = Path(unquote(parts.path))
            assert target.is_file() and portal.resolve() in target.resolve().parents, (rel, url)
    assert browser.errors() == []
    outside = [url for url in browser.requests() if not url.startswith(portal.as_uri())]
    assert outside == []


def test_the_search_finds_a_word_of_a_document_body(portal: Path, browser: Chromium) -> None:
    browser.open((portal / "search.html").as_uri())
    type_into(browser, "#query", IN_FORCE_WORD)
    assert browser.js(RESULTS) == [["SOP-001 Document Control", "documents/SOP-001.html"]]
    assert browser.js("document.getElementById('found').textContent") == "1 document found"
    assert browser.js("location.search") == f"?q={IN_FORCE_WORD}"
    # the draft's words are not published
    browser.js("document.getElementById('query').value = ''")
    type_into(browser, "#query", DRAFT_WORD)
    assert browser.js(RESULTS) == []
    # the archive is searched only when asked
    browser.js("document.getElementById('query').value = ''")
    type_into(browser, "#query", "records")
    in_force = browser.js(RESULTS)
    assert in_force[0] == ["SOP-003 Records and Retention", "documents/SOP-003.html"]  # in the title: first
    assert ["SOP-001 Document Control", "documents/SOP-001.html"] in in_force  # in the body
    assert all(href.startswith("documents/") for _, href in in_force)
    browser.js("document.getElementById('archive').click()")
    browser.settle()
    found = browser.js(RESULTS)
    assert found[:2] == [
        ["SOP-002 Control of Records", "archive/SOP-002.html"],
        ["SOP-003 Records and Retention", "documents/SOP-003.html"],
    ]
    assert len(found) == len(in_force) + 1
    # a result leads to its page
    browser.js("document.querySelector('#results a[href=\"documents/SOP-001.html\"]').click()")
    browser.wait_for("Page.loadEventFired")
    assert browser.js("document.title") == "SOP-001 Document Control"
    assert browser.errors() == []
    assert all(url.startswith(portal.as_uri()) for url in browser.requests())


def test_the_search_box_of_every_page_leads_to_the_results(portal: Path, browser: Chromium) -> None:
    browser.open((portal / "documents/SOP-003.html").as_uri())
    type_into(browser, ".site-nav input[name=q]", IN_FORCE_WORD)
    browser.js("document.querySelector('.site-nav form').submit()")
    browser.wait_for("Page.loadEventFired")
    browser.settle()
    assert browser.js("location.pathname").endswith("/search.html")
    assert browser.js("document.getElementById('query').value") == IN_FORCE_WORD
    assert browser.js(RESULTS) == [["SOP-001 Document Control", "documents/SOP-001.html"]]
    assert browser.errors() == []


def test_the_portal_from_a_static_web_server(portal: Path, browser: Chromium, tmp_path: Path) -> None:
    with serving(portal, tmp_path) as origin:
        browser.open(f"{origin}/index.html")
        browser.settle()
        assert browser.js("document.title") == "Documents in force"
        assert browser.js("getComputedStyle(document.querySelector('.site-nav')).display") == "flex"
        browser.js("document.querySelector('a[href=\"documents/SOP-001.html\"]').click()")
        browser.wait_for("Page.loadEventFired")
        assert browser.js("document.querySelector('.content img').naturalWidth") == 2  # the copied image loads
        browser.open(f"{origin}/search.html?q={IN_FORCE_WORD}")
        browser.settle()
        assert browser.js(RESULTS) == [["SOP-001 Document Control", "documents/SOP-001.html"]]
        requests = browser.requests()
    assert requests and all(url.startswith(origin + "/") for url in requests), requests
    assert browser.errors() == []


@contextlib.contextmanager
def serving(folder: Path, tmp_path: Path) -> Iterator[str]:
    """``python -m http.server`` on a free port of 127.0.0.1, serving ``folder`` (any static server will do)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(folder)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("the web server did not start: " + (tmp_path / "server.log").read_text())
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()
