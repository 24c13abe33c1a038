"""Every message a person can read is translatable, and the English catalog translates it.

Traditional Chinese is the source language: the msgids are the Chinese texts and
locale/en/LC_MESSAGES/django.po gives their English. makemessages is run as the catalog is
made (`manage.py makemessages -l en --ignore .venv --ignore data --ignore bench --ignore
tests --no-obsolete`), but on copies in a temporary folder: makemessages writes beside the
sources it walks (a `locale` folder it finds under the current directory, or the first of
LOCALE_PATHS), so it runs on a copy of the sources with LOCALE_PATHS set to a copy of
locale/, and never touches the repository. A msgid added to the code without its English,
or one whose wording changed (makemessages marks its old translation fuzzy), fails here.

The zh_Hant catalog is not made by makemessages (it holds Viewflow's translations; the
Chinese msgids need none), so it is not checked here.
"""

import ast
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]
CATALOG = Path("en") / "LC_MESSAGES" / "django.po"
# What makemessages reads for the "django" domain, and what the catalog's command leaves out.
EXTENSIONS = {".py", ".html", ".txt"}
IGNORED = ["data", "bench", "tests"]
SHOWN = 20


def _copy_sources(target):
    """The files makemessages would read (the project's .py, .html and .txt), without the
    folders the catalog's command ignores, the hidden ones (.venv, .git) and locale/."""

    def ignore(folder, names):
        left_out = []
        for name in names:
            path = Path(folder) / name
            if path.is_dir():
                if (
                    name.startswith(".")
                    or name in IGNORED
                    or name in ("locale", "__pycache__", "node_modules")
                ):
                    left_out.append(name)
            elif path.suffix not in EXTENSIONS:
                left_out.append(name)
        return left_out

    shutil.copytree(ROOT, target, ignore=ignore)


def _unquote(line):
    return ast.literal_eval(line.strip())


def catalog_entries(text):
    """(msgid, [msgstr…], flags) of each entry of a PO file, the header and obsolete ones left out."""
    for block in text.split("\n\n"):
        flags, fields, current = set(), {}, None
        for line in block.splitlines():
            if line.startswith("#,"):
                flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"') and current:
                fields[current] += _unquote(line)
            elif line.strip():
                keyword, _space, value = line.partition(" ")
                current = keyword
                fields[current] = _unquote(value)
        msgid = fields.get("msgid")
        if msgid:  # the header's msgid is empty
            yield msgid, [v for k, v in fields.items() if k.startswith("msgstr")], flags


@pytest.fixture(scope="module")
def english_catalog(tmp_path_factory):
    """The English catalog as makemessages leaves it, made in a temporary folder."""
    if shutil.which("xgettext") is None or shutil.which("msgmerge") is None:
        pytest.skip("GNU gettext (the Debian package gettext, installed by scripts/setup) is missing")
    folder = tmp_path_factory.mktemp("translations")
    sources, locale = folder / "src", folder / "locale"
    _copy_sources(sources)
    shutil.copytree(ROOT / "locale", locale)
    repository_catalog = (ROOT / "locale" / CATALOG).read_bytes()
    with pytest.MonkeyPatch.context() as patch, override_settings(LOCALE_PATHS=[str(locale)]):
        patch.chdir(sources)  # makemessages walks the current folder
        call_command(
            "makemessages", locale=["en"], ignore_patterns=list(IGNORED), no_obsolete=True, verbosity=0
        )
    assert (ROOT / "locale" / CATALOG).read_bytes() == repository_catalog, (
        "makemessages wrote into the repository"
    )
    assert not (sources / "locale").exists(), "makemessages wrote beside the copied sources"
    return locale / CATALOG


def test_the_english_catalog_translates_every_message(english_catalog):
    entries = list(catalog_entries(english_catalog.read_text(encoding="utf-8")))
    assert len(entries) > 500, "makemessages found too few messages: is it reading the project's sources?"
    untranslated = [msgid for msgid, msgstrs, _flags in entries if not all(msgstrs)]
    fuzzy = [msgid for msgid, _msgstrs, flags in entries if "fuzzy" in flags]
    problems = [f"untranslated: {m!r}" for m in untranslated] + [f"fuzzy: {m!r}" for m in fuzzy]
    assert not problems, (
        f"{len(untranslated)} untranslated and {len(fuzzy)} fuzzy entries in locale/en/LC_MESSAGES/django.po "
        f"(run the makemessages command of this module's docstring, then translate them):\n"
        + "\n".join(problems[:SHOWN])
    )


def test_the_english_catalog_compiles_cleanly(english_catalog):
    """msgfmt --check: placeholders the same in msgid and msgstr, a sound header, and so on."""
    if shutil.which("msgfmt") is None:
        pytest.skip("msgfmt (GNU gettext) is missing")
    result = subprocess.run(
        ["msgfmt", "--check", "--output-file=/dev/null", str(english_catalog)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
