"""How often one person may call the API: ``API_RATE`` requests (``"2000/hour"`` unless
set), counted per person through Django's cache (DRF's ``UserRateThrottle``). Beyond it
the answer is 429 Too Many Requests with a ``Retry-After`` header. The count lives in the
``default`` cache, which is each process's memory: with several app-server processes a
person gets the rate in each of them (docs/api.md)."""

from django.conf import settings
from rest_framework.throttling import UserRateThrottle


class PersonRateThrottle(UserRateThrottle):
    scope = "person"

    def get_rate(self):
        # Read when a request comes (not when the class is defined), so the setting counts.
        return settings.API_RATE
