"""The forms of the schemes app, one module a sub-domain, like models/, views/ and
services/."""
