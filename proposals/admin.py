"""The configuration an administrator edits: categories, reasons, criteria and grade bands."""

from django.contrib import admin

from .models import GradeBand, NotAcceptedReason, ScopeCategory, ScoringCriterion


@admin.register(ScopeCategory)
class ScopeCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "sort_order", "active"]
    list_editable = ["sort_order", "active"]


@admin.register(NotAcceptedReason)
class NotAcceptedReasonAdmin(admin.ModelAdmin):
    list_display = ["label", "code", "sort_order", "active"]
    list_editable = ["sort_order", "active"]


@admin.register(ScoringCriterion)
class ScoringCriterionAdmin(admin.ModelAdmin):
    list_display = ["roc_year", "name", "weight", "sort_order"]
    list_filter = ["roc_year"]


@admin.register(GradeBand)
class GradeBandAdmin(admin.ModelAdmin):
    list_display = ["roc_year", "name", "min_score", "reward_amount", "commendations"]
    list_filter = ["roc_year"]
