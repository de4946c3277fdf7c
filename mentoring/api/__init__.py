"""The read-only API (issue 25; docs/api.md): “a network will ask how its own website or
CRM reads the programme's progress.”

Django REST framework, GET only, under /api/v1/; its OpenAPI schema by drf-spectacular
(/api/v1/schema/) and its documentation page (/api/v1/docs/, Swagger UI served from the
sidecar package's static files, no CDN).

- ``tokens``: the personal keys (created and revoked on the account page, kept hashed);
- ``authentication``: ``Authorization: Bearer <key>`` (or ``Token <key>``), and the
  session for the documentation page;
- ``scopes``: what a person may read, from the same querysets the pages use
  (``Programme.objects.for_user``, ``Scheme.objects.for_user``): another programme's or
  scheme's object is a 404, and a list only holds what the pages would show;
- ``views``, ``serializers``, ``filters``, ``urls``: the resources.
"""
