import os
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from evidence import documents
from evidence.selectors import people_in_period
from governance.models import Unit
from governance.periods import YearError, parse_year, period_of_year


class Command(BaseCommand):
    help = (
        "產製考績佐證 PDF，每人一個檔案（考績佐證-<年度>-<帳號>.pdf）。"
        "不指定 --unit 或 --user 時，產製該年度所有有單位的人員。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--year",
            required=True,
            metavar="YEAR",
            help="年度：民國年（如 114）或西元年（1912 以後，如 2025）",
        )
        parser.add_argument("--unit", metavar="CODE", help="只產製這個單位的人員（單位代碼，如 readers）")
        parser.add_argument("--user", metavar="LOGIN", help="只產製這一個人（帳號）")
        parser.add_argument(
            "--out", required=True, metavar="DIR", help="PDF 寫入的資料夾（不存在時自動建立）"
        )

    def handle(self, *args, year, out, unit=None, user=None, **options):
        try:
            roc = parse_year(year)
        except YearError as error:
            raise CommandError(str(error)) from None
        start, end = period_of_year(roc)

        if unit and user:
            raise CommandError("--unit 與 --user 請擇一指定。")
        if unit:
            found = Unit.objects.filter(code=unit.strip()).first()
            if found is None:
                codes = "、".join(Unit.objects.values_list("code", flat=True))
                raise CommandError(f"找不到單位代碼「{unit}」。現有的單位代碼：{codes or '（無）'}")
            people = [person for person, _ in people_in_period(start, end, found)]
            if not people:
                raise CommandError(f"{found.name}在民國 {roc} 年沒有人員。")
        elif user:
            person = get_user_model().objects.filter(username=user.strip()).first()
            if person is None:
                raise CommandError(f"找不到帳號「{user}」的人員。")
            people = [person]
        else:
            people = [person for person, _ in people_in_period(start, end)]
            if not people:
                raise CommandError(f"民國 {roc} 年沒有任何有單位的人員。")

        directory = self._writable(Path(out))
        for person in people:
            document = documents.person_evidence(person, start, end)
            path = directory / document.filename
            try:
                path.write_bytes(document.content)
            except OSError as error:
                raise CommandError(f"無法寫入 {path}：{error.strerror or error}") from error
            self.stdout.write(
                f"{path}　{person.get_full_name()}（{person.username}）"
                f"{document.evidence.totals['items']} 件　{len(document.content):,} 位元組"
            )
        self.stdout.write(
            self.style.SUCCESS(f"已產製民國 {roc} 年考績佐證 PDF {len(people)} 份：{directory}")
        )

    @staticmethod
    def _writable(directory):
        """The output folder, created if missing; a clear error when it cannot be written."""
        if directory.exists() and not directory.is_dir():
            raise CommandError(f"{directory} 不是資料夾，無法寫入 PDF。")
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(f"無法建立資料夾 {directory}：{error.strerror or error}") from error
        if not os.access(directory, os.W_OK | os.X_OK):
            raise CommandError(f"資料夾 {directory} 沒有寫入權限。")
        return directory
