"""Hostile uploads are refused with a clear message, and nothing is stored."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from governance.attachments import check_upload, describe_upload, safe_name
from proposals.models import Attachment, Proposal
from tests.support.proposal_http import Driver

pytestmark = pytest.mark.django_db


def upload(name, content):
    return SimpleUploadedFile(name, content)


def refused(name, content, message):
    with pytest.raises(ValidationError) as error:
        check_upload(upload(name, content))
    assert message in " ".join(error.value.messages), error.value.messages


def office_file(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry, data in entries.items():
            archive.writestr(entry, data)
    return buffer.getvalue()


def test_forged_types_are_refused():
    refused("報告.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100, "執行檔")
    refused("報告.pdf", b"\x7fELF\x02\x01\x01", "執行檔")
    refused("報告.pdf", b"<html><script>alert(1)</script></html>", "副檔名與內容不符")
    refused("統計.xlsx", b"%PDF-1.4 not a spreadsheet", "副檔名與內容不符")
    refused("說明.txt", b"text\x00\x01binary", "不是文字檔")
    refused("程式.exe", b"MZ", "檔案類型不接受")
    refused("照片.png", b"\xff\xd8\xff\xe0 a jpeg", "副檔名與內容不符")
    check_upload(upload("報告.pdf", b"%PDF-1.7\n..."))
    check_upload(upload("說明.txt", "繁體中文說明".encode()))


def test_a_decompression_bomb_is_refused():
    bomb = office_file({"[Content_Types].xml": "<Types/>", "word/document.xml": b"0" * (60 * 1024 * 1024)})
    assert len(bomb) < 1024 * 1024
    refused("炸彈.docx", bomb, "壓縮炸彈")
    refused("壞掉.docx", b"PK\x03\x04 truncated", "已損毀")
    check_upload(
        upload(
            "正常.docx", office_file({"[Content_Types].xml": "<Types/>", "word/document.xml": "內容" * 200})
        )
    )


def test_an_image_bomb_is_refused():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("1", (8000, 8000)).save(buffer, "PNG")  # 64 megapixels in a few KB
    refused("巨圖.png", buffer.getvalue(), "過大")


def test_names_lose_their_folders_and_control_characters():
    assert safe_name("../../etc/passwd.txt") == "passwd.txt"
    assert safe_name("..\\..\\windows\\system.ini.txt") == "system.ini.txt"
    assert safe_name("報告\x00\u202e.pdf") == "報告.pdf"
    assert len(safe_name("長" * 400 + ".pdf")) == 200 and safe_name("長" * 400 + ".pdf").endswith(".pdf")
    refused("../.pdf", b"%PDF-1.4", "檔案類型不接受")
    assert describe_upload(upload("../../秘密/報告.pdf", b"%PDF-1.4\n")).name == "報告.pdf"


def test_a_forged_upload_stores_nothing(org, client, person):
    drive = Driver(client, person)
    client.force_login(person("readers-staff1"))
    from django.urls import reverse

    from tests.support.proposal_http import proposal_form

    forged = upload("成果.pdf", b"MZ\x90\x00 pretend")
    response = client.post(reverse("proposals:create"), proposal_form(submit="1", attachments=[forged]))
    assert response.status_code == 200 and "執行檔" in response.content.decode()
    assert not Proposal.objects.exists() and not Attachment.objects.exists()
    del drive
