"""How an API request says who it is: ``Authorization: Bearer <key>`` (or ``Token
<key>``), a personal key from the account page; the session too, so that a person
signed in reads the documentation page and tries the API from it.

A key that is unknown or revoked, or whose person is inactive (an account erased or
switched off), is a 401 with a message that says which; a request without credentials is
a 401 that names the scheme to use (``WWW-Authenticate: Bearer``).
"""

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .tokens import api_token_for_key, api_token_touch

KEYWORDS = ("bearer", "token")


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode("latin-1").lower() not in KEYWORDS:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send the key as “Authorization: Bearer <key>”, with nothing else."))
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("This API key is not valid.")) from exc
        token = api_token_for_key(key)
        if token is None:
            raise exceptions.AuthenticationFailed(
                _("This API key is not valid: it was revoked, or never existed. Create a new one on your account page.")
            )
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("The account of this API key is inactive."))
        api_token_touch(token)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The key in the schema: an HTTP bearer scheme."""

    target_class = ApiTokenAuthentication
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A personal API key from your account page."}
