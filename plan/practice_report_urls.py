"""URLs of the plan's quarterly tracking (/plan/reports/, names in the "plan" namespace);
see plan/site.py and plan/practice_report_views.py."""

from django.urls import path

from . import practice_report_views as views

PRACTICE = "practices/<int:practice_pk>/units/<int:unit_pk>/<str:period>/"

urlpatterns = [
    path("", views.report_index, name="report_index"),
    path("quarter/", views.report_quarter, name="report_quarter"),
    path(PRACTICE, views.report_practice, name="report_practice"),
    path(PRACTICE + "submit/", views.report_submit, name="report_submit"),
    path(PRACTICE + "officers/", views.report_officers, name="report_officers"),
    path("<int:pk>/review/", views.report_review, name="report_review"),
    path("<int:pk>/files/<int:attachment_pk>/", views.report_attachment, name="report_attachment"),
    path(
        "<int:pk>/files/<int:attachment_pk>/remove/",
        views.report_attachment_remove,
        name="report_attachment_remove",
    ),
]
