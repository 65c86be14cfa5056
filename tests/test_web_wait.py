"""The page hears of its job's news when it comes: a request for the job's
part of the page that names the version it shows is answered when there is
something new to show, not on a timer; and every picture the page lists can
be fetched the moment it is listed (thumbnails first, large pictures after)."""

from __future__ import annotations

import re

import httpx
import pytest
from web_server import running_server

import kit.web.app as web_app

NEXT = re.compile(r'hx-get="([^"]*seen=(\d+))" hx-trigger="load"')
PICTURES = re.compile(r'(?:src|href)="(/jobs/[\w-]+/pages/[\w-]+/(?:thumb|large)/\d+\.png)"')


@pytest.fixture(scope="module")
def server():
    with running_server() as (base, _):
        yield base


def follow(client: httpx.Client, fragment: str) -> list[str]:
    """Ask again as the page does until the job is done; every fragment, checked as it comes."""
    fragments, versions = [fragment], []
    while 'aria-busy="false"' not in fragment:
        found = NEXT.search(fragment)
        assert found, fragment[-1500:]
        versions.append(int(found[2]))
        fragment = client.get(found[1].replace("&amp;", "&")).text
        fragments.append(fragment)
        for picture in PICTURES.findall(fragment):
            response = client.get(picture)
            assert response.status_code == 200 and response.content.startswith(b"\x89PNG"), picture
    assert versions == sorted(set(versions)), versions  # each answer brought news
    return fragments


def test_the_page_is_answered_with_news_and_can_fetch_what_it_lists(server, monkeypatch):
    monkeypatch.setattr(web_app, "JOB_WAIT_S", 600.0)  # no answer for want of news in this test
    with httpx.Client(base_url=server, timeout=600) as client:
        fields = {"pack": "collectief-leren", "products": ["poster", "sort-cards"], "school": "De Linde"}
        first = follow(client, client.post("/build", data=fields).text)
        assert "/pages/poster/thumb/1.png" in first[-1] and "/pages/sort-cards/thumb/10.png" in first[-1]
        old = re.search(r'src="(/jobs/[\w-]+/pages/poster/thumb/1\.png)"', first[-1])[1]
        again = follow(client, client.post("/build", data={**fields, "school": "Het Anker"}).text)
        new = re.search(r'src="(/jobs/[\w-]+/pages/poster/thumb/1\.png)"', again[-1])[1]
        assert new != old and "unchanged" in again[-1]  # the poster anew; the sort cards were kept


def test_a_page_that_asks_without_a_version_is_answered_at_once(server):
    with httpx.Client(base_url=server, timeout=600) as client:
        job = client.post("/build", data={"pack": "collectief-leren", "products": ["poster"]}).text
        job_id = re.search(r"/jobs/([\w-]+)", job)[1]
        page = client.get(f"/jobs/{job_id}").text  # as scripts and older pages ask: the state now
        assert f"/jobs/{job_id}" in page
        follow(client, page)
