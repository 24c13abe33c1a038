"""Backup and restore: the whole database and every attached file, with a manifest of
fingerprints, so a restore can prove it gave back exactly what was saved.

The database is written with Django's serializer (dumpdata), which works the same from
SQLite and PostgreSQL and restores into either. Primary keys are kept: the trail's hashes
cover the actor's id, so a restored trail still verifies. Content types and permissions
are made by `migrate` on the empty database and referred to by natural keys.
"""

import datetime
import gzip
import hashlib
import io
import json
import shutil
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder

from .access_log import verify_access_log
from .models import TrailEvent
from .trail import verify_all

DUMP = "database.json.gz"
MANIFEST = "manifest.json"
MEDIA = "media"
# Made by migrate (content types, permissions) or not worth keeping (sessions, admin log).
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, for the operator."""


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _file_fields():
    """(model, field name) of every FileField in the project's models."""
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, django.db.models.FileField):
                yield model, field.name


def referenced_files():
    """The stored names of every file a row refers to."""
    names = set()
    for model, name in _file_fields():
        names.update(n for n in model._base_manager.exclude(**{name: ""}).values_list(name, flat=True) if n)
    return sorted(names)


def _latest_migrations():
    latest = {}
    for app, name in MigrationRecorder(connection).migration_qs.values_list("app", "name"):
        latest[app] = max(latest.get(app, ""), name)
    return latest


def backup(target):
    """Write the database, the attached files and the manifest into the empty folder `target`."""
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"備份目錄 {target} 不是空的；請指定新的目錄。")
    (target / MEDIA).mkdir(parents=True, exist_ok=True)
    media_root = Path(settings.MEDIA_ROOT)
    # One consistent snapshot of the rows and the list of files they refer to.
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        buffer = io.StringIO()
        call_command("dumpdata", exclude=EXCLUDED, natural_foreign=True, indent=None, stdout=buffer)
        files = referenced_files()
        counts = {
            m._meta.label: m._base_manager.count()
            for m in apps.get_models()
            if m._meta.app_label not in ("contenttypes", "sessions", "admin")
            and m._meta.label != "auth.Permission"
            and not m._meta.proxy
        }
        migrations = _latest_migrations()
    dump = target / DUMP
    with gzip.open(dump, "wt", encoding="utf-8") as stream:
        stream.write(buffer.getvalue())
    manifest_files = []
    missing = []
    for name in files:
        source = media_root / name
        if not source.is_file():
            missing.append(name)
            continue
        destination = target / MEDIA / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, destination)
        manifest_files.append(
            {"name": name, "size": destination.stat().st_size, "sha256": sha256_of(destination)}
        )
    if missing:
        shutil.rmtree(target, ignore_errors=True)
        raise BackupError("資料庫參照的附件檔案不存在，備份未完成：" + "、".join(missing[:20]))
    manifest = {
        "format": 1,
        "created_at": datetime.datetime.now(datetime.timezone.utc).isoformat(),
        "database_vendor": connection.vendor,
        "django": django.get_version(),
        "migrations": migrations,
        "database": {"name": DUMP, "size": dump.stat().st_size, "sha256": sha256_of(dump)},
        "counts": counts,
        "files": manifest_files,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def check_backup(source):
    """The manifest, once every fingerprint in it matches the files of the backup."""
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{source} 沒有 {MANIFEST}：不是本系統的備份。") from None
    problems = []
    if sha256_of(source / DUMP) != manifest["database"]["sha256"]:
        problems.append(f"{DUMP} 的指紋不符")
    for entry in manifest["files"]:
        path = source / MEDIA / entry["name"]
        if not path.is_file():
            problems.append(f"缺少附件 {entry['name']}")
        elif sha256_of(path) != entry["sha256"]:
            problems.append(f"附件 {entry['name']} 的指紋不符")
    if problems:
        raise BackupError("備份已損毀或被更動，不予還原：" + "；".join(problems[:20]))
    return manifest


def _database_is_empty():
    """No people and no trail yet: what migrate alone leaves (configuration rows, guardian's
    anonymous user) does not count."""

    tables = connection.introspection.table_names()
    User = django.contrib.auth.get_user_model()
    if TrailEvent._meta.db_table in tables and TrailEvent._base_manager.exists():
        return False
    if User._meta.db_table in tables:
        anonymous = getattr(settings, "ANONYMOUS_USER_NAME", "AnonymousUser")
        if User._base_manager.exclude(username=anonymous).exists():
            return False
    return True


def _clear_migration_rows(labels):
    """Rows that migrate wrote (default configuration, the anonymous user) and that the backup
    holds too: removed, so the backup's own rows come back with their keys."""
    for label in labels:
        model = apps.get_model(label)
        if model._base_manager.exists():
            model._base_manager.all().delete()


def restore(source):
    """Rebuild a backup into an empty database and MEDIA_ROOT; returns a report of the checks."""
    source = Path(source)
    manifest = check_backup(source)
    if not _database_is_empty():
        raise BackupError("目標資料庫已有資料；還原只能在空的資料庫進行。")
    call_command("migrate", interactive=False, verbosity=0)
    media_root = Path(settings.MEDIA_ROOT)
    clashes = [e["name"] for e in manifest["files"] if (media_root / e["name"]).exists()]
    if clashes:
        raise BackupError("附件目錄已有同名檔案，不予覆蓋：" + "、".join(clashes[:20]))
    fixture = source / "restore-fixture.json"
    with (
        gzip.open(source / DUMP, "rt", encoding="utf-8") as stream,
        open(fixture, "w", encoding="utf-8") as out,
    ):
        shutil.copyfileobj(stream, out)
    try:
        with transaction.atomic():
            _clear_migration_rows(manifest["counts"])
            call_command("loaddata", str(fixture), verbosity=0)
    finally:
        fixture.unlink(missing_ok=True)
    for entry in manifest["files"]:
        destination = media_root / entry["name"]
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / MEDIA / entry["name"], destination)
        if sha256_of(destination) != entry["sha256"]:
            raise BackupError(f"附件 {entry['name']} 還原後指紋不符。")
    counts = {label: apps.get_model(label)._base_manager.count() for label in manifest["counts"]}
    wrong = {label: (counts[label], n) for label, n in manifest["counts"].items() if counts[label] != n}
    if wrong:
        raise BackupError(f"還原後筆數不符：{wrong}")
    chains = list(verify_all())
    broken = [c for c in chains if not c.ok]
    if broken:
        raise BackupError(f"還原後有 {len(broken)} 個案件的事件軌跡驗證失敗。")
    # The personal-data access log is a chain of its own (governance.access_log).
    access = verify_access_log()
    if not access.ok:
        raise BackupError(f"還原後個資存取紀錄驗證失敗：{access.describe()}")
    return {
        "rows": sum(counts.values()),
        "files": len(manifest["files"]),
        "cases_verified": len(chains),
        "access_records_verified": access.records,
    }
