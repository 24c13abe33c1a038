"""Duplicate detection on Chinese text, and what the first reviewer is shown."""

import pytest
from django.conf import settings

from proposals.similarity import bigrams, document_frequency, likeness, similarity, weight, words
from tests.helpers import open_task
from tests.support.proposal_http import Driver

EARLIER = "增設自助借書機中文語音導引，協助高齡讀者自行借書"


def test_bigrams_ignore_punctuation_spaces_and_width():
    assert bigrams("借書，機") == bigrams("借書 機") == {"借書", "書機"}
    assert bigrams("ＡＢ") == bigrams("ab") == {"ab"}
    assert bigrams("") == set()


def test_near_duplicate_in_other_words_scores_high_and_unrelated_low():
    near = "自助借書機加入中文語音導引，讓高齡讀者可以自行借書"
    unrelated = "會計室採購核銷流程電子化，減少紙本簽核"
    assert similarity(EARLIER, near) > 0.5
    assert similarity(EARLIER, unrelated) < 0.1
    assert similarity(EARLIER, EARLIER) == 1.0


def test_the_missed_duplicate_is_found_and_topic_words_weigh_little():
    """The case that was missed: titles close, bodies told in other words and at other length,
    an earlier closed proposal of the same unit."""
    new = (
        "增設預約書自助取書區，縮短讀者櫃檯等候時間",
        "於一樓設置預約書自助取書架，讀者以借書證自行取書後至自助借書機辦理借閱。",
    )
    old = (
        "預約書改為讀者自助取書，縮短櫃檯等候",
        "目前預約書均由櫃檯人員自書庫調出交付，尖峰時段讀者需排隊十分鐘以上；建議比照公共圖書館"
        "設置開架式預約書區，依讀者證號末碼排列，讀者自取後以自助借書機完成借閱手續。",
    )
    same_topic = (
        "預約書到館改以簡訊通知讀者",
        "預約書到館時除電子郵件外加發手機簡訊，提醒讀者於保留期限內到館取書。",
    )
    unrelated = ("會計室採購核銷流程電子化", "核銷流程改為線上簽核，減少紙本與往返用印時間。")
    frequency, documents = document_frequency([new, old, same_topic, unrelated])
    weights = {g: weight(n, documents) for g, n in frequency.items()}
    mine = words(*new)
    assert likeness(mine, words(*old), weights) >= 0.3 > settings.PROPOSAL_SIMILARITY_THRESHOLD
    assert likeness(mine, words(*same_topic), weights) < likeness(mine, words(*old), weights)
    assert likeness(mine, words(*unrelated), weights) < 0.1
    assert likeness(mine, mine, weights) == 1.0
    # The check before, one text of both parts, scored it well below its threshold of 0.3.
    assert similarity(" ".join(new), " ".join(old)) < 0.3


@pytest.mark.django_db
def test_first_reviewer_sees_the_earlier_similar_proposal(client, person, org):
    drive = Driver(client, person)
    earlier = drive.submit(
        "acquisitions-staff1",
        title="自助借書機增設中文語音導引",
        improvement="於自助借書機加入中文語音導引，協助高齡讀者自行借書。",
    )
    drive.submit("planning-staff1", title="會計核銷電子化", improvement="核銷流程改為線上簽核，減少紙本。")
    later = drive.submit(
        "readers-staff1",
        title="借書機中文語音導引",
        improvement="自助借書機加入中文語音導引，讓高齡讀者自行借書。",
    )
    task = open_task(later, "first_review")
    html = drive.as_("readers-head").get(task.reverse("execute")).content.decode()
    assert "相似的先前提案" in html
    assert earlier.case_number in html and earlier.get_state_display() in html
    assert "會計核銷電子化" not in html
    # The earlier one was first: it does not list the later one as "earlier".
    task = open_task(earlier, "first_review")
    html = drive.as_("acquisitions-head").get(task.reverse("execute")).content.decode()
    assert "沒有找到相似的先前提案" in html


@pytest.mark.django_db
def test_a_revision_reindexes_and_frequencies_follow(client, person, org):
    from proposals.models import GramFrequency, ProposalGram

    drive = Driver(client, person)
    first = drive.submit(
        "readers-staff1", title="自助借書機增設中文語音導引", improvement="加入中文語音導引。"
    )
    assert ProposalGram.objects.filter(proposal=first, gram="語音").exists()
    assert GramFrequency.objects.get(gram="語音").proposals == 1
    drive.submit("readers-staff2", title="館藏查詢加註書架位置", improvement="查詢結果顯示樓層與書架。")
    assert GramFrequency.objects.get(gram="書架").proposals == 1
    drive.first_review("readers-head", first, "returned", reasons="請具體說明")
    drive.revise("readers-staff1", first, title="自助借書機放大字體模式", improvement="加入放大字體模式。")
    assert not ProposalGram.objects.filter(proposal=first, gram="語音").exists()
    assert GramFrequency.objects.get(gram="語音").proposals == 0
    assert GramFrequency.objects.get(gram="放大").proposals == 1
