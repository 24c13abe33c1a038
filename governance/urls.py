from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path
from django.views.decorators.http import conditional_page
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog

from . import views
from .site import build_site

site = build_site()

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="home:index"), name="home"),
    path("language/", views.set_language, name="set_language"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="registration/login.html"),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path(
        "jsi18n/",
        # Every page loads the catalogue and no cache header may keep it (it follows the
        # person's language): an ETag lets the browser revalidate it, 304 without the body.
        login_not_required(conditional_page(JavaScriptCatalog.as_view(packages=["viewflow"]))),
        name="javascript-catalog",
    ),
    path("", site.urls),
]
