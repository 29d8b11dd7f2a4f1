"""Response headers that keep pages from being framed, sniffed or fed foreign code."""

from flask import Flask, Response, abort, current_app, request
from flask_login import current_user

# Everything comes from our own host: offices have poor connections, and no inline
# script may run, so an injected <script> does nothing.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)


def set_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if current_app.config["HTTPS"]:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if current_user.is_authenticated:
        # Office computers are shared: "back" after logout must not show someone's data.
        response.headers["Cache-Control"] = "no-store"
    return response


def refuse_nul_bytes():
    """A NUL byte has no place in a name, code or number, and PostgreSQL refuses it
    in text: answer 400 before it reaches a query."""
    values = [request.path, *request.args.values(), *request.form.values()]
    if any("\x00" in value for value in values):
        abort(400)


def init_app(app: Flask) -> None:
    app.before_request(refuse_nul_bytes)
    app.after_request(set_security_headers)
    if app.config["PROXY_FIX"]:
        # Only behind one proxy, with the app server on 127.0.0.1: the client's address
        # is then the last X-Forwarded-For value, which the proxy wrote. Without
        # PROXY_FIX the header is ignored, since anyone can send it, and the login
        # throttles (throttles.py) key on the socket's address.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
