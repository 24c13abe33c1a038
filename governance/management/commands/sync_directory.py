from django.core.management.base import BaseCommand, CommandError

from governance import directory


class Command(BaseCommand):
    help = "依機關目錄（AD/LDAP）同步人員、單位與角色；每晚的排程也做同一件事。"

    def handle(self, *args, **options):
        if not directory.enabled():
            raise CommandError("LDAP_SERVER_URI is not set: no directory to read.")
        result = directory.sync_directory()
        self.stdout.write(
            f"updated {result.updated}, created {result.created}, changed {result.changed}, "
            f"removed {result.removed}, failed {len(result.failed)}"
        )
        if result.failed:
            raise CommandError("failed for: " + ", ".join(result.failed))
