from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = (
        "產製一件案件的事件軌跡 PDF。CASE_NUMBER 為提案案號或列管編號（如 提115-0001、列115-0001）；"
        "以未加字頭的舊式編號（115-0001）查詢而兩者都有此編號時，以 --kind proposal 或 --kind finding 指定。"
    )

    def add_arguments(self, parser):
        parser.add_argument("case_number", metavar="CASE_NUMBER", help="提案案號或列管編號，如 提115-0001")
        parser.add_argument("--out", required=True, metavar="FILE", help="PDF 寫入的檔案")
        parser.add_argument(
            "--kind",
            choices=tuple(settings.CASE_TRAILS),
            help="案件類別：proposal（創意提案）或 finding（列管事項）",
        )

    def handle(self, *args, case_number, out, kind=None, **options):
        number = case_number.strip()
        # Each case app finds its own case by number (settings.CASE_TRAILS).
        found = {}
        for case_kind, dotted in settings.CASE_TRAILS.items():
            if kind in (None, case_kind):
                document = import_string(dotted)(number)
                if document is not None:
                    found[case_kind] = document
        if len(found) > 1:
            raise CommandError(
                f"編號 {number} 同時是提案案號與列管編號，請以 --kind proposal 或 --kind finding 指定。"
            )
        if not found:
            what = {"proposal": "提案案號", "finding": "列管編號"}.get(kind, "提案案號或列管編號")
            raise CommandError(f"找不到{what}「{number}」的案件。")
        (document,) = found.values()
        path = Path(out)
        try:
            path.write_bytes(document.content)
        except OSError as error:
            raise CommandError(f"無法寫入 {path}：{error.strerror or error}") from error
        self.stdout.write(
            self.style.SUCCESS(f"已產製 {number} 的案件軌跡 PDF：{path}（{len(document.content):,} 位元組）")
        )
