"""Root URLs. Every page inside a programme lives under /programmes/<slug>/.

Accounts: Django's own views for login, logout, password change and password reset by
e-mail; ours for invitations, the second factor and the account page (accounts.py).
"""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from schemes.views import calls as call_views
from schemes.views import member_links as member_views
from schemes.views import visits as visit_views

from . import accounts, erasure_views, sso, unsaved, views
from .api import pages as api_pages

account_urls = [
    path("", accounts.account, name="account"),
    path("login/", unsaved.LoginView.as_view(), name="login"),
    path("logout/", sso.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password-reset/", auth_views.PasswordResetView.as_view(form_class=accounts.PasswordResetForm), name="password_reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("password-reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("two-factor/", accounts.two_factor_setup, name="two_factor_setup"),
    path("two-factor/verify/", accounts.two_factor_verify, name="two_factor_verify"),
    path("two-factor/disable/", accounts.two_factor_disable, name="two_factor_disable"),
    path("calendar/", accounts.calendar_token_renew, name="calendar_token_renew"),
    path("e-mails/", views.email_preferences, name="email_preferences"),
    # "Download my data" (issue 25): asked for here, the link of the e-mail (accounts.py).
    path("my-data/", accounts.data_export_request, name="data_export_request"),
    path("my-data/<str:token>/", accounts.data_export_download, name="data_export_download"),
    # Deleting an account (issue 25; mentoring.erasure_views): the person asks, a
    # coordinator of their programme or a site administrator confirms.
    path("delete/", erasure_views.erasure_ask_view, name="erasure_ask"),
    path("delete/withdraw/", erasure_views.erasure_withdraw_view, name="erasure_withdraw"),
    path("erasure-requests/", erasure_views.erasure_requests_view, name="erasure_requests"),
    path("erasure-requests/<int:pk>/confirm/", erasure_views.erasure_request_confirm, name="erasure_request_confirm"),
    path("erasure-requests/<int:pk>/decline/", erasure_views.erasure_request_decline, name="erasure_request_decline"),
    # Personal keys to the read-only API (issue 25; mentoring/api/pages.py).
    path("api-keys/", api_pages.api_token_create_view, name="api_token_create"),
    path("api-keys/<int:pk>/revoke/", api_pages.api_token_revoke_view, name="api_token_revoke"),
]

# Single sign-on (docs/sso.md): mozilla-django-oidc's pages (the button's address, the
# provider's callback, its logout) under /accounts/oidc/, a 404 while it is off; with
# PASSWORD_LOGIN off, the password pages answer that people sign in through their
# organisation.
account_urls = [
    path(str(url.pattern), sso.password_login_only(url.callback), name=url.name) if url.name in sso.PASSWORD_PAGES else url
    for url in account_urls
] + [path("oidc/", include("mozilla_django_oidc.urls"))]

handler500 = "mentoring.views.server_error"


# The administration signs in through the site's own sign-in (accounts.admin_login).
admin.site.login = accounts.admin_login

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("rules/", accounts.rules, name="rules"),
    # The privacy notice (issue 25): public, linked from every page's footer and e-mail.
    path("privacy/", views.privacy, name="privacy"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notification_read_all, name="notifications_read_all"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("accounts/", include(account_urls)),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("invitations/<str:token>/", accounts.invitation_accept_view, name="invitation_accept"),
    # A local support group member's personal link: the token stands for the member in
    # one scheme, without an account (schemes.views.member_links).
    path("m/<str:token>/", member_views.member_page, name="member_link"),
    path("m/<str:token>/visits/<int:visit>/reply/", member_views.member_visit_reply_view, name="member_visit_reply"),
    path("m/<str:token>/actions/<int:pk>/comment/", member_views.member_action_comment_view, name="member_action_comment"),
    path("m/<str:token>/actions/<int:pk>/note/", member_views.member_action_note_view, name="member_action_note"),
    # The public page of a call for mentors and mentees (issue 23): no login, the call
    # found by the random token of its address (schemes.views.calls).
    path("calls/<str:token>/", call_views.call_public, name="call_public"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("programmes/", include("schemes.urls")),
    # Calendar applications subscribe without a session: the person's secret token stands
    # for them, and the scheme is resolved for that person like any other page.
    path(
        "calendar/<str:token>/<slug:programme>/<int:number>/visits.ics",
        visit_views.calendar_feed,
        name="calendar_feed",
    ),
    path("benchmarks/", include("benchmarks.urls")),
    # The read-only API (issue 25; mentoring/api, docs/api.md).
    path("api/v1/", include("mentoring.api.urls")),
    path("admin/", admin.site.urls),
]
