from django.core.management.base import BaseCommand, CommandError

from governance import trail_anchor
from governance.trail import verify_all


class Command(BaseCommand):
    help = (
        "驗證每一案件事件軌跡的雜湊鏈；有竄改或缺漏時以非零狀態結束並指出第一筆。"
        "加 --against 摘要檔：先驗摘要簽章，再逐案比對該摘要之後的改寫、刪除與新增。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--against",
            metavar="DIGEST",
            help="每日摘要檔（trail-digest-YYYY-MM-DD.json）：找出該摘要之後被改寫或刪除的案件",
        )
        parser.add_argument(
            "--public-key",
            metavar="PEM",
            help="驗證摘要簽章的 Ed25519 公鑰（預設為 TRAIL_DIGEST_KEY_FILE 私鑰的公鑰）",
        )

    def handle(self, *args, against=None, public_key=None, **options):
        if against:
            return self.against(against, public_key)
        cases = 0
        for check in verify_all():
            cases += 1
            if not check.ok:
                raise CommandError(check.describe())
        self.stdout.write(self.style.SUCCESS(f"事件軌跡驗證無誤：共 {cases} 件案件。"))

    def against(self, path, public_key_path):
        # The signature first: a forged digest would "prove" whatever its maker wants.
        try:
            key = trail_anchor.trusted_public_key(public_key_path)
            document = trail_anchor.read_digest(path)
            trail_anchor.check_digest(document, key)
        except trail_anchor.AnchorError as error:
            raise CommandError(str(error)) from None
        day = document["date"]
        self.stdout.write(
            f"{day} 摘要簽章有效（金鑰指紋 {trail_anchor.key_fingerprint(key)}）："
            f"{document['cases']} 件案件、{document['events']} 筆事件，根雜湊 {document['root']}"
        )
        findings = trail_anchor.compare_with_digest(document)
        problems = [f for f in findings if f.problem]
        for finding in findings:
            if finding.problem:
                self.stderr.write(finding.describe())
            else:
                self.stdout.write(finding.describe())
        if problems:
            cases = len({(f.case_kind, f.case_ref) for f in problems})
            raise CommandError(f"與 {day} 摘要比對：{cases} 件案件遭竄改或刪除（見上列）。")
        added = len(findings)  # no problems: every finding is an addition
        change = f"摘要後的變動只有新增（{added} 件案件有新事件或為新案件）" if added else "摘要後沒有變動"
        self.stdout.write(self.style.SUCCESS(f"與 {day} 摘要比對無誤：{change}。"))
