from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _


def _sync_role_groups(sender, **kwargs):
    # Imported when the signal fires: models cannot be imported while apps are being loaded.
    from .permissions import sync_agency_role_groups

    sync_agency_role_groups()


def _sync_step_instructions(sender, **kwargs):
    # Every human step of the flows has its row for the administrator to reword.
    from .taskbrief import sync_step_instructions

    sync_step_instructions()


def _task_saved(sender, instance, **kwargs):
    # Every human task's people hear of it as the change commits (governance.notifications).
    if instance.flow_task_type == "HUMAN":
        from .notifications import announce_task

        announce_task(instance.pk)


def _logged_in(sender, request, user, **kwargs):
    # Signing in is activity: the idle clock starts now, with the session login() saves anyway.
    from .middleware import mark_active

    if request is not None and hasattr(request, "session"):
        mark_active(request)


class GovernanceConfig(AppConfig):
    default = True  # this module holds two configs: this is the app's own
    default_auto_field = "django.db.models.BigAutoField"
    name = "governance"
    verbose_name = _("組織與管考")

    def ready(self):
        # After migrate (when permissions exist), role groups hold exactly their capabilities.
        post_migrate.connect(_sync_role_groups, sender=self)
        post_migrate.connect(_sync_step_instructions, sender=self)
        from viewflow.workflow.models import Task

        post_save.connect(_task_saved, sender=Task, dispatch_uid="governance.task_notice")
        user_logged_in.connect(_logged_in, dispatch_uid="governance.idle_clock")
        # Registers the system check that loads the signing key at startup (when configured).
        from . import signing  # noqa: F401


class StaticFilesConfig(AppConfig):
    """django.contrib.staticfiles, leaving out what must not be collected:
    - node_modules: viewflow 2.4 ships a stray roboto-fontface.css there whose fonts are not
      beside it, and the manifest storage used with DEBUG off refuses it (collectstatic fails);
      its templates link the copies outside node_modules;
    - viewflow's Dash bundles (22 MB of JavaScript for viewflow.contrib.plotly, not installed):
      compressing them was half of collectstatic's time."""

    name = "django.contrib.staticfiles"
    label = "staticfiles"
    ignore_patterns = ["CVS", ".*", "*~", "node_modules", "viewflow/js/contrib/dash/*"]
