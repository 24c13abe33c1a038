"""Pages load viewflow's scripts they run, and not the graph library nor its duplicate scroller."""

import pytest
from django.template.loader import get_template
from django.urls import reverse

from tests.helpers import ROOT, log_in
from tests.support.proposal_http import Driver

pytestmark = pytest.mark.django_db

REMOVED = ["vis-network", "perfect-scrollbar.min.js"]
PAGES = [
    "/home/",
    "/todo/",
    "/workflow/inbox/",
    "/proposals/all/",
    "/audits/",
    "/plan/",
    "/meetings/",
    "/dashboard/",
    "/evidence/mine/",
]


def assert_light(html, url, removed=REMOVED):
    for name in removed:
        assert name not in html, f"{url} still loads {name}"
    # What the pages do run is still there.
    assert "viewflow/js/viewflow.min.js" in html and "viewflow/js/turbo.es2017-umd.js" in html, url
    assert "viewflow/css/viewflow.min.css" in html, url


def test_the_login_page_is_light(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert_light(response.content.decode(), "/accounts/login/")


@pytest.mark.parametrize("url", PAGES)
def test_the_main_pages_are_light(org, login_as, url):
    response = login_as("director").get(url)
    assert response.status_code == 200, url
    # Our pages (governance/base.html) name our icon only; the login page keeps viewflow's.
    assert_light(response.content.decode(), url, [*REMOVED, "viewflow/img/favicon.png"])


def test_a_proposal_page_is_light(org, client, person):
    proposal = Driver(client, person).submit("readers-staff1")
    url = reverse("proposals:detail", args=[proposal.pk])
    response = log_in(client, person("readers-staff1")).get(url)
    assert response.status_code == 200
    assert_light(response.content.decode(), url)


def test_our_include_replaces_viewflows():
    # viewflow's own include lists vis-network; the page templates must find ours first.
    template = get_template("viewflow/includes/viewflow_js.html")
    assert str(template.origin.name).startswith(str(ROOT / "templates"))
