"""The rewards of closed proposals as xlsx and CSV (plan.export_views.rewards_export), for
HR and the 管考 office: a period (ROC or AD year, or dates) and optionally a unit's people."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from governance import exports
from governance.access_log import Action
from governance.models import Membership, PersonalDataAccess
from governance.rocdate import format_roc_short, roc_year
from proposals.models import Proposal, Reward
from proposals.reward_export import units_on
from tests.helpers import download_name, read_csv, read_xlsx
from tests.support.proposal_http import Driver

pytestmark = pytest.mark.django_db

HEADERS = [
    "案號",
    "提案名稱",
    "姓名",
    "單位",
    "角色",
    "貢獻比例（%）",
    "等第",
    "獎金（元）",
    "建議敘獎",
    "採行決定日期",
    "登錄日期",
]
URL = "/proposals/rewards/export/"


@pytest.fixture
def rewards(closed_proposal, client, person):  # noqa: F811
    """The closed proposal's two rewards (this year), and a reward of last year in another unit."""
    Proposal.objects.filter(pk=closed_proposal.pk).update(title="=cmd|' /C calc'!A0 語音導引")
    other = Driver(client, person).submit("acquisitions-staff1", title="編目作業抽檢機制")
    old = Reward.objects.create(
        proposal=other,
        person=person("acquisitions-staff1"),
        role="提案人",
        share=100,
        amount=5000,
        commendations=3,
        grade="特優",
    )
    Reward.objects.filter(pk=old.pk).update(recorded_at=LAST_YEAR)
    closed_proposal.refresh_from_db()
    return closed_proposal, other


LAST_YEAR = datetime.datetime(timezone.localdate().year - 1, 6, 15, 4, 0, tzinfo=datetime.timezone.utc)


def this_year():
    return roc_year(timezone.localdate())


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_hr_exports_the_years_rewards(client, person, rewards, fmt):
    proposal, other = rewards
    client.force_login(person("hr"))
    response = client.get(URL, {"year": this_year(), "format": fmt})
    rows = read_xlsx(response) if fmt == "xlsx" else read_csv(response)
    decided = format_roc_short(proposal.decided_at)
    recorded = format_roc_short(proposal.closed_at)
    number = (lambda n: n) if fmt == "xlsx" else str
    assert rows == [
        HEADERS,
        [
            proposal.case_number,
            "'=cmd|' /C calc'!A0 語音導引",
            "許志偉",
            "閱覽典藏組",
            "提案人",
            number(60),
            "優等",
            number(1800),
            "嘉獎二次",
            decided,
            recorded,
        ],
        [
            proposal.case_number,
            "'=cmd|' /C calc'!A0 語音導引",
            "鄭雅雯",
            "閱覽典藏組",
            "共同提案人",
            number(40),
            "優等",
            number(1200),
            "嘉獎二次",
            decided,
            recorded,
        ],
    ]
    assert download_name(response).startswith(f"獎勵清冊_{this_year()}_")


def test_period_by_ad_year_or_dates_and_by_unit(client, person, rewards):
    proposal, other = rewards
    client.force_login(person("tracking"))

    def people(**query):
        return [r[2] for r in read_csv(client.get(URL, {**query, "format": "csv"}))[1:]]

    assert people(year=timezone.localdate().year) == ["許志偉", "鄭雅雯"]
    assert people() == ["許志偉", "鄭雅雯"]  # no period: this year
    assert people(year=this_year() - 1) == ["吳宗翰"]
    assert people(start=LAST_YEAR.date().isoformat(), end=timezone.localdate().isoformat()) == [
        "許志偉",
        "鄭雅雯",
        "吳宗翰",
    ]
    assert people(
        start=(LAST_YEAR.date() + datetime.timedelta(days=1)).isoformat(),
        end=timezone.localdate().isoformat(),
    ) == ["許志偉", "鄭雅雯"]
    assert people(year=this_year(), unit="readers") == ["許志偉", "鄭雅雯"]
    assert people(year=this_year(), unit="acquisitions") == []
    assert people(year=this_year() - 1, unit="acquisitions") == ["吳宗翰"]
    response = client.get(URL, {"year": this_year(), "unit": "readers", "format": "csv"})
    assert "_閱覽典藏組_" in download_name(response)


def test_commendations_read_as_hr_writes_them(client, person, rewards):
    client.force_login(person("hr"))
    [row] = read_xlsx(client.get(URL, {"year": this_year() - 1}))[1:]
    assert row[2] == "吳宗翰" and row[7] == 5000 and row[8] == "記功一次" and row[9] == ""


@pytest.mark.parametrize(
    "login",
    ["readers-staff1", "readers-head", "personnel-head", "director", "auditor", "committee1", "external1"],
)
def test_only_hr_and_the_tracking_office_export_rewards(client, person, rewards, login):
    client.force_login(person(login))
    assert client.get(URL, {"format": "csv"}).status_code == 403


def test_bad_requests_are_explained(client, person, rewards):
    client.force_login(person("hr"))
    response = client.get(URL, {"format": "json"})
    assert response.status_code == 400 and "不支援的匯出格式「json」" in response.content.decode()
    response = client.get(URL, {"year": "去年", "format": "csv"})
    assert response.status_code == 400 and "年度「去年」無法辨識" in response.content.decode()
    response = client.get(URL, {"unit": "nowhere", "format": "csv"})
    assert response.status_code == 400 and "匯出條件有誤" in response.content.decode()
    response = client.get(URL, {"start": "115/1/1", "format": "csv"})
    assert response.status_code == 400 and "起日與迄日都要填" in response.content.decode()


def test_a_long_list_reads_in_chunks_each_person_once_with_their_unit(client, person, rewards, monkeypatch):
    """Rewards a few at a time (exports.CHUNK_SIZE), each chunk's units in one query: every row
    once with its unit, whatever chunk it falls in, and one access record per person."""
    monkeypatch.setattr(exports, "CHUNK_SIZE", 3)
    proposal, other = rewards
    members = Membership.objects.exclude(user__proposal_rewards__proposal=proposal).select_related(
        "user", "unit"
    )
    members = list(members.order_by("user_id").distinct()[:10])
    for m in members:
        Reward.objects.create(
            proposal=proposal, person=m.user, role="協助", share=1, amount=0, commendations=0, grade="優等"
        )
    client.force_login(person("hr"))

    def export():
        with CaptureQueriesContext(connection) as queries:
            rows = read_csv(client.get(URL, {"year": this_year(), "format": "csv"}))[1:]
        return rows, len(queries)

    rows, _ = export()
    helpers = {r[2]: r[3] for r in rows if r[4] == "協助"}
    assert len(rows) == 12 and len(helpers) == 10
    assert helpers == {
        m.user.get_full_name(): units_on([m.user_id], timezone.localdate())[m.user_id] for m in members
    }
    logged = PersonalDataAccess.objects.filter(action=Action.REWARD_EXPORT)
    assert sorted(logged.values_list("subject_id", flat=True)) == sorted(
        Reward.objects.filter(proposal=proposal).values_list("person_id", flat=True)
    )
    # The session's first request does more than an export: counted from the second one.
    _, queries = export()
    # Three more rewards are one more chunk.
    for m in Membership.objects.exclude(user__proposal_rewards__proposal=proposal).order_by("user_id")[:3]:
        Reward.objects.create(
            proposal=proposal, person=m.user, role="協助", share=1, amount=0, commendations=0, grade="優等"
        )
    more_rows, more_queries = export()
    # One chunk more, one query more (its units): none per row, and not all rows at once.
    assert len(more_rows) == 15 and more_queries - queries == 1
