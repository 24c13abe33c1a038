from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_role_groups(sender, **kwargs):
    from .permissions import sync_agency_role_groups

    sync_agency_role_groups()


class GovernanceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "governance"
    verbose_name = "組織與管考"

    def ready(self):
        # After migrate (when permissions exist), role groups hold exactly their capabilities.
        post_migrate.connect(_sync_role_groups, sender=self)
