"""Root URLs. Every page inside a programme lives under /programmes/<slug>/."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("programmes/", include("schemes.urls")),
    path("benchmarks/", include("benchmarks.urls")),
    path("admin/", admin.site.urls),
]
