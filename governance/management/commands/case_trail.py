from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

KINDS = ("proposal", "finding")


class Command(BaseCommand):
    help = (
        "產製一件案件的事件軌跡 PDF。CASE_NUMBER 為提案案號或列管編號（如 115-0001）；"
        "兩者都有此編號時，以 --kind proposal 或 --kind finding 指定。"
    )

    def add_arguments(self, parser):
        parser.add_argument("case_number", metavar="CASE_NUMBER", help="提案案號或列管編號，如 115-0001")
        parser.add_argument("--out", required=True, metavar="FILE", help="PDF 寫入的檔案")
        parser.add_argument("--kind", choices=KINDS, help="案件類別：proposal（創意提案）或 finding（列管事項）")

    def handle(self, *args, case_number, out, kind=None, **options):
        from audits.models import Finding
        from governance import documents
        from proposals.models import Proposal

        number = case_number.strip()
        proposal = (
            Proposal.objects.select_related("unit").filter(case_number=number).first()
            if kind in (None, "proposal") else None
        )
        finding = (
            Finding.objects.select_related("audit", "lead_unit").filter(tracking_number=number).first()
            if kind in (None, "finding") else None
        )
        if proposal and finding:
            raise CommandError(
                f"編號 {number} 同時是提案案號與列管編號，請以 --kind proposal 或 --kind finding 指定。"
            )
        if proposal is None and finding is None:
            what = {"proposal": "提案案號", "finding": "列管編號"}.get(kind, "提案案號或列管編號")
            raise CommandError(f"找不到{what}「{number}」的案件。")

        document = documents.proposal_trail(proposal) if proposal else documents.finding_trail(finding)
        path = Path(out)
        try:
            path.write_bytes(document.content)
        except OSError as error:
            raise CommandError(f"無法寫入 {path}：{error.strerror or error}") from error
        self.stdout.write(self.style.SUCCESS(
            f"已產製 {number} 的案件軌跡 PDF：{path}（{len(document.content):,} 位元組）"
        ))
