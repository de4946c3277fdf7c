"""The project package: settings, root URLs, accounts and the cross-cutting pieces
(access rules in ``access``, the document pipeline in ``documents``)."""
