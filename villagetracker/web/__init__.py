"""HTTP plumbing every area shares: error pages, security headers, pagination,
charts, form fields and safe redirects. It imports no area."""

from . import errors, security


def init_app(app) -> None:
    security.init_app(app)
    errors.init_app(app)
