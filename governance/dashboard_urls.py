"""URLs of the plan app; see governance/plan_site.py."""

urlpatterns = []
