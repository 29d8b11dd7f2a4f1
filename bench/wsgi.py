"""The app as the benchmark serves it with gunicorn, plus a bare "hello" route: the
ceiling of what this app and server can answer, which every page is compared with.

    gunicorn --workers 2 --bind 127.0.0.1:8000 bench.wsgi:app

Settings come from the VILLAGETRACKER_* variables, as in production.
"""

from villagetracker import create_app

app = create_app()


@app.get("/bench/hello")
def hello():
    return "hello"
