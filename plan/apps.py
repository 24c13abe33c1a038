from django.apps import AppConfig


class PlanConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "plan"
    verbose_name = "服務品質計畫"
