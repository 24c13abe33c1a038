"""Every list offered as xlsx and CSV is offered as ODS too, with the same cells: each export URL
of the site, downloaded in both formats by someone with rows to see, the ODS read back with
odfpy (tests.helpers.ods_sheets) and compared with the xlsx read back with openpyxl. The plan's
own workbook (plan.xlsx / plan.ods) is compared the same way."""

import io

import pytest
from django.urls import URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from audits.models import Finding
from governance.services import set_superuser
from plan.models import PlanVersion
from proposals.models import Proposal, Reward
from tests.helpers import download_name, ods_sheets, read_ods, read_xlsx
from tests.support.audit_http import AuditDriver, finding_fields
from tests.support.plan_factory import make_plan
from tests.support.proposal_http import Driver

pytestmark = pytest.mark.django_db

EVIL = '=HYPERLINK("http://evil.invalid","點我") 自助借書'
QUOTED = "'" + EVIL

# Each export URL: who downloads it, and the URL's arguments (from the data below).
EXPORTS = {
    "proposals:export": "readers-staff1",
    "proposals:unit_export": "readers-head",
    "proposals:all_export": "tracking",
    "proposals:rewards_export": "hr",
    "audits:findings_export": "tracking",
    "audits:unit_findings_export": "readers-liaison",
    "plan:export_practices": "readers-staff1",
    "access_log:export": "auditor",
}


def url_names(resolver=None, namespace=""):
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            yield from url_names(p, f"{namespace}{p.namespace}:" if p.namespace else namespace)
        elif p.name:
            yield namespace + p.name


def test_every_export_url_is_checked_here():
    assert {name for name in url_names() if "export" in name} == set(EXPORTS)


@pytest.fixture
def listed(client, person, org):
    """Something on every list: a proposal of the readers unit with a reward, a finding led
    by the readers unit, a plan version; formula-looking text in each."""
    proposal = Driver(client, person).submit("readers-staff1", title=EVIL, co_proposers="readers-staff2 30")
    for login, share, amount in (("readers-staff1", 70, 1800), ("readers-staff2", 30, 900)):
        Reward.objects.create(
            proposal=proposal,
            person=person(login),
            role="提案人",
            share=share,
            amount=amount,
            commendations=2,
            grade="優等",
        )
    AuditDriver(client, person).register([finding_fields(0, lead="readers", text=EVIL)])
    # The access log's rows: a reason given for a superuser grant is free text (taken back at once).
    for grant in (True, False):
        set_superuser(user=person("readers-staff2"), grant=grant, reason=EVIL, operator="測試")
    version = make_plan(115)
    assert Proposal.objects.count() == 1 and Finding.objects.count() == 1
    return {"plan:export_practices": {"roc_year": version.plan.roc_year, "number": version.number}}


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_the_ods_holds_what_the_xlsx_holds(client, person, listed, name):
    client.force_login(person(EXPORTS[name]))
    url = reverse(name, kwargs=listed.get(name, {}))
    xlsx = client.get(url, {"format": "xlsx"})
    ods = client.get(url, {"format": "ods"})
    rows = read_ods(ods)
    assert rows == read_xlsx(xlsx)
    assert len(rows) >= 2, rows  # the header and at least a row
    assert download_name(ods) == download_name(xlsx).removesuffix(".xlsx") + ".ods"
    assert "no-store" in ods["Cache-Control"] and ods["X-Content-Type-Options"] == "nosniff"
    if name != "plan:export_practices":
        cells = [value for row in rows[1:] for value in row]
        assert QUOTED in cells and EVIL not in cells  # neutralised, as in the xlsx


@pytest.mark.parametrize(
    "page, link",
    [
        ("/proposals/all/", "/proposals/all/export/?format=ods"),
        ("/audits/findings/", "/audits/findings/export/?format=ods"),
    ],
)
def test_list_pages_link_to_their_ods(client, person, listed, page, link):
    client.force_login(person("tracking"))
    html = client.get(page).content.decode()
    assert f'href="{link}"' in html and "匯出 ODS" in html


def test_the_plan_workbook_as_ods_holds_what_the_xlsx_holds(client, person, listed):
    version = PlanVersion.objects.get(plan__roc_year=115)
    client.force_login(person("external1"))
    xlsx = client.get(f"/plan/115/v{version.number}/plan.xlsx")
    ods = client.get(f"/plan/115/v{version.number}/plan.ods")
    assert ods.status_code == 200 and ods["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    assert download_name(ods) == "115 年度提升服務品質執行計畫-第1版.ods"
    book = load_workbook(io.BytesIO(xlsx.content))
    assert ods_sheets(ods.content) == {
        sheet.title: [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
        for sheet in book.worksheets
    }
    assert [sheet.title for sheet in book.worksheets] == ["推動作法", "說明"]
    html = client.get(f"/plan/115/v{version.number}/").content.decode()
    assert f'href="/plan/115/v{version.number}/plan.ods"' in html
    assert f'href="/plan/115/v{version.number}/practices/?format=ods"' in html
