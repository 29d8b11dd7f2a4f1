"""villagetracker: the Desa Sadar Jaminan Sosial Ketenagakerjaan programme's tracker."""

from pathlib import Path

from flask import Flask

from . import access, cli, config, demo, i18n, web
from .extensions import babel, csrf, db, limiter, login_manager, migrate

# The design card keeps templates/, static/ and migrations/ at the top of the repo.
ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        # Tests may give each app its own instance folder (secret key, database).
        instance_path=(test_config or {}).get("INSTANCE_PATH"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    config.load_config(app, test_config)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    login_manager.init_app(app)
    limiter.init_app(app)
    web.init_app(app)
    access.init_app(app)
    i18n.init_app(app)
    cli.init_app(app)

    # One blueprint per area of the programme, each in its own package.
    from . import (
        accounts,
        api,
        certificates,
        dashboards,
        jobs,
        main,
        regions,
        review,
        spreadsheets,
        villages,
    )

    for area in (
        accounts,
        main,
        regions,
        villages,
        review,
        certificates,
        dashboards,
        spreadsheets,
        jobs,
    ):
        app.register_blueprint(area.bp)
    jobs.queue.init_app(app)
    api.init_app(app)
    demo.refuse_published_passwords(app)
    return app
