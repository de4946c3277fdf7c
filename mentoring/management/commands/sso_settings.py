"""manage.py sso_settings ISSUER: read an OpenID Connect provider's discovery document and
print the OIDC_OP_* settings for single sign-on (docs/sso.md), to paste into the site's
environment. The settings are set, not discovered at start, so that the site starts
when the provider does not answer."""

import requests
from django.core.management.base import BaseCommand, CommandError

# The discovery document's field for each setting.
FIELDS = {
    "OIDC_OP_ISSUER": "issuer",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


class Command(BaseCommand):
    help = (
        "Print the OIDC_OP_* settings of single sign-on from an OpenID Connect provider's issuer address "
        "(its <issuer>/.well-known/openid-configuration), for the site's environment (docs/sso.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("issuer", help="the provider's issuer, e.g. https://login.example.org/realms/staff")

    def handle(self, *args, issuer, **options):
        issuer = issuer.rstrip("/")
        address = f"{issuer}/.well-known/openid-configuration"
        try:
            response = requests.get(address, timeout=10)
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as error:
            raise CommandError(f"No discovery document at {address}: {error}") from error
        if document.get("issuer", "").rstrip("/") != issuer:
            raise CommandError(f"The provider calls itself {document.get('issuer')!r}, not {issuer!r}: give its own issuer.")
        missing = [field for field in FIELDS.values() if not document.get(field)]
        if missing:
            raise CommandError(f"The discovery document lacks {', '.join(missing)}.")
        for setting, field in FIELDS.items():
            self.stdout.write(f"{setting}={document[field]}")
        if document.get("end_session_endpoint"):
            self.stdout.write(f"OIDC_OP_LOGOUT_ENDPOINT={document['end_session_endpoint']}")
        else:
            self.stderr.write("Note: the provider has no end_session_endpoint: logging out here will not log out there.")
        algorithms = document.get("id_token_signing_alg_values_supported") or []
        if "RS256" not in algorithms:
            self.stdout.write(f"OIDC_RP_SIGN_ALGO={next((a for a in algorithms if a.startswith('ES')), 'RS256')}")
        if "email" not in (document.get("scopes_supported") or ["email"]):
            self.stderr.write("Warning: the provider does not list the scope 'email': the site needs email and email_verified.")
