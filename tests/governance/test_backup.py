"""`manage.py backup DIR` and `manage.py restore DIR`: a round trip on PostgreSQL into an
empty database gives back every case, every attachment (same fingerprints) and trail chains
that still verify; a damaged backup and a non-empty target are refused."""

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from governance.backup import BackupError, check_backup
from governance.demo import seed_organisation
from tests.background import database_url
from tests.helpers import ROOT, default_configuration
from tests.support.audit_http import AuditDriver, finding_fields
from tests.support.proposal_http import Driver

# What the restored database must give back, printed as JSON by a separate process.
SNAPSHOT = r"""
import hashlib, json
import django
django.setup()
from django.conf import settings
from proposals.models import Proposal, Attachment
from audits.models import Finding, FindingAttachment
from governance.models import TrailEvent
from governance.trail import verify_all

def sha(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()

print(json.dumps({
    "proposals": sorted(Proposal.objects.values_list("case_number", "title", "state")),
    "findings": sorted(Finding.objects.values_list("tracking_number", "state", "due_date")),
    "files": sorted((a.name, a.sha256, sha(a.file.path)) for a in list(Attachment.objects.all()) + list(FindingAttachment.objects.all())),
    "events": TrailEvent.objects.count(),
    "chains": sorted((c.case_kind, c.case_ref, c.ok) for c in verify_all()),
}, default=str))
"""


def run(args, env):
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture
def cases(transactional_db, client):
    from django.contrib.auth import get_user_model

    if connection.vendor != "postgresql":
        pytest.skip("the round trip runs on the PostgreSQL pass")
    default_configuration()
    seed_organisation()
    person = get_user_model().objects.get
    drive = Driver(client, lambda login: person(username=login))
    pdf = SimpleUploadedFile(
        "現況照片說明.pdf", b"%PDF-1.4 evidence\n%%EOF\n", content_type="application/pdf"
    )
    proposal = drive.submit("readers-staff1", attachments=[pdf])
    drive.first_review("readers-head", proposal, "accepted")
    audits = AuditDriver(client, lambda login: person(username=login))
    audit = audits.register([finding_fields(0, lead="readers"), finding_fields(1, lead="planning")])
    finding = audits.findings(audit)[0]
    audits.meeting(finding)
    audits.plan(finding)
    audits.approve_plan(finding)
    photo = SimpleUploadedFile("改善後照片.pdf", b"%PDF-1.4 after\n%%EOF\n", content_type="application/pdf")
    audits.progress(finding, 60, files=[photo])
    return proposal, finding


@pytest.fixture
def empty_database():
    """A second, empty database on the same PostgreSQL server."""
    url = database_url()
    name = connection.settings_dict["NAME"] + "_restored"
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}"')
        db.execute(f'CREATE DATABASE "{name}"')
    yield url.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
def test_round_trip_into_an_empty_database(cases, empty_database, tmp_path):
    from django.contrib.auth import get_user_model

    from governance.roles import AgencyRole
    from governance.services import set_agency_roles

    # A change of a person's roles: the personal-data access log has a record to carry over.
    people = get_user_model().objects
    set_agency_roles(
        actor=people.get(username="admin"),
        user=people.get(username="readers-staff2"),
        roles=[AgencyRole.COMMITTEE],
    )
    backup_dir = tmp_path / "backup"
    call_command("backup", str(backup_dir))
    manifest = check_backup(backup_dir)
    assert manifest["counts"]["governance.PersonalDataAccess"] == 1
    assert len(manifest["files"]) == 2 and manifest["counts"]["governance.TrailEvent"] > 0
    env = {"DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONPATH": f"{ROOT}:{ROOT / 'tests'}"}
    original = run(
        ["-c", SNAPSHOT],
        {
            **env,
            "DATABASE_URL": database_url(),
            "MEDIA_ROOT": str(Path(__import__("django.conf").conf.settings.MEDIA_ROOT)),
        },
    )
    assert original.returncode == 0, original.stderr
    media = tmp_path / "restored-media"
    restored_env = {**env, "DATABASE_URL": empty_database, "MEDIA_ROOT": str(media)}
    result = run(["manage.py", "restore", str(backup_dir)], restored_env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "事件軌跡驗證無誤" in result.stdout and "個資存取紀錄 1 筆驗證無誤" in result.stdout
    restored = run(["-c", SNAPSHOT], restored_env)
    assert restored.returncode == 0, restored.stderr
    before, after = json.loads(original.stdout), json.loads(restored.stdout)
    assert after == before
    assert len(after["files"]) == 2 and all(recorded == actual for _n, recorded, actual in after["files"])
    assert after["chains"] and all(ok for _k, _r, ok in after["chains"])
    # A restore into a database that has data is refused, and changes nothing.
    again = run(["manage.py", "restore", str(backup_dir)], restored_env)
    assert again.returncode != 0 and "已有資料" in again.stderr


@pytest.mark.postgres
def test_a_damaged_backup_is_refused(cases, tmp_path):
    backup_dir = tmp_path / "backup"
    call_command("backup", str(backup_dir))
    attachment = next((backup_dir / "media").rglob("*.pdf"))
    attachment.write_bytes(b"%PDF-1.4 altered\n")
    with pytest.raises(BackupError, match="指紋不符"):
        check_backup(backup_dir)
    with pytest.raises(CommandError, match="不是空的"):
        call_command("backup", str(backup_dir))
