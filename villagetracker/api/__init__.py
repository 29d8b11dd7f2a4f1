"""The JSON API (``/api/v1``) for BPJS systems, regencies' own systems and the offline
form: its OpenAPI 3.1 document is generated from the routes' schemas
(flask-smorest), its errors are RFC 9457 problems (``problems``). What a request may
see goes through the access module, as for the pages."""

from flask_smorest import Api, Blueprint

from . import problems

PREFIX = "/api/v1"


class ProgrammeApi(Api):
    """flask-smorest's ``Api``, whose errors are the app's: problem documents, from
    the error handlers every request shares (``web.errors``)."""

    ERROR_SCHEMA = problems.Problem

    def _register_error_handlers(self):
        """None of its own: ``web.errors`` answers every error, and under the API's
        prefix it answers with a problem (``problems.render``)."""

    def _register_responses(self):
        problems.register_responses(self.spec)


bp = Blueprint("api", __name__, url_prefix=PREFIX, description="villagetracker API")


def init_app(app) -> None:
    app.config.setdefault("API_TITLE", "villagetracker")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    # An Api of each app: it keeps the app's document.
    ProgrammeApi(app).register_blueprint(bp)
    app.extensions.setdefault("error_formats", {})[PREFIX + "/"] = problems.render


from . import routes  # noqa: E402,F401 (the routes register on bp)
