"""The provider's claims: the e-mail address, whether the organisation verified it (a
user in the group "email-verified"), and the names. Two applications misbehave on
purpose, for the tests of what the site refuses: "Expired tokens" issues ID tokens that
expired an hour ago, "Wrong audience" ID tokens addressed to another application."""

import time

from oauth2_provider.oauth2_validators import OAuth2Validator

VERIFIED_GROUP = "email-verified"


class TestValidator(OAuth2Validator):
    def get_additional_claims(self, request):
        user = request.user
        return {
            "email": user.email,
            "email_verified": user.groups.filter(name=VERIFIED_GROUP).exists(),
            "given_name": user.first_name,
            "family_name": user.last_name,
        }

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration_time = super().get_id_token_dictionary(token, token_handler, request)
        if request.client.name == "Expired tokens":
            claims["exp"] = int(time.time()) - 3600
        if request.client.name == "Wrong audience":
            claims["aud"] = "another-application"
        return claims, expiration_time
