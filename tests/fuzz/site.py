"""A user's session, every request counted and every exception kept; and what the
pages say: links, forms and their fields."""

import re
import time
import traceback
from collections import defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import lxml.html
from flask import got_request_exception
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

import villagetracker
from tests.helpers import PASSWORD
from villagetracker.extensions import db
from villagetracker.models import User

# How far the crawl goes: pages per endpoint, without and with a query string.
CRAWL_PER_ENDPOINT = {False: 4, True: 2}


class Session:
    """A test client logged in as one kind of user (or nobody), that counts its
    requests, keeps the CSRF token of its session, and logs in again when a request
    ended the session (logging out, a password reset by the admin)."""

    def __init__(self, app, user: User | None):
        self.app, self.user = app, user
        self.client = app.test_client()
        self.requests = 0
        self.seconds = defaultdict(float)  # by method and rule: where the time goes
        self.errors: list[str] = []
        self.csrf = ""
        got_request_exception.connect(self._keep_exception, app)
        self.log_in()

    def _keep_exception(self, sender, exception, **extra) -> None:
        self.errors.append("".join(traceback.format_exception(exception)))

    def open(self, url, method="GET", **kwargs):
        self.requests += 1
        self.errors.clear()
        kwargs.setdefault("environ_base", {"REMOTE_ADDR": "127.0.0.1"})
        started = time.perf_counter()
        response = self.client.open(url, method=method, **kwargs)
        endpoint = endpoint_of(self.app, url, method)[0]
        self.seconds[method, endpoint] += time.perf_counter() - started
        return response

    def log_in(self) -> None:
        if self.user is not None:
            user = db.session.get(User, self.user.id)
            if not user.check_password(PASSWORD):  # reset by the admin's fuzzing
                user.set_password(PASSWORD)
                db.session.commit()
            data = {"username": user.username, "password": PASSWORD}
            data["csrf_token"] = self.token()
            response = self.open("/login", "POST", data=data)
            assert response.status_code == 302, response.get_data(as_text=True)
        self.csrf = self.token()

    def token(self) -> str:
        page = self.open("/login", follow_redirects=True).get_data(as_text=True)
        return lxml.html.fromstring(page).xpath('//input[@name="csrf_token"]/@value')[0]

    def still_logged_in(self) -> bool:
        cookie = self.client.get_cookie("session")
        if cookie is None:
            return False
        serializer = self.app.session_interface.get_signing_serializer(self.app)
        try:
            session = serializer.loads(cookie.value)
        except Exception:  # noqa: BLE001 (a cookie the app would not read either)
            return False
        user = db.session.get(User, self.user.id)
        return (
            session.get("_user_id") == user.get_id()
            and user.active
            and session.get("csrf_token") is not None
        )

    def keep_logged_in(self) -> None:
        """Log in again if the last request ended the session."""
        if self.user is None:
            if self.client.get_cookie("session") is None:
                self.csrf = self.token()
            return
        if not self.still_logged_in():
            user = db.session.get(User, self.user.id)
            user.active = True
            db.session.commit()
            self.client = self.app.test_client()
            self.log_in()


# --- What the pages say: links, forms and their fields ---


@dataclass
class FormField:
    name: str
    kind: str  # the input type, or select, textarea
    value: str = ""
    options: list[str] = field(default_factory=list)
    attributes: dict = field(default_factory=dict)


@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, FormField]


@dataclass
class Site:
    """What crawling the pages found, by endpoint."""

    urls: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    forms: dict[str, list[Form]] = field(default_factory=lambda: defaultdict(list))
    arguments: dict[str, set] = field(default_factory=lambda: defaultdict(set))
    query_names: set[str] = field(default_factory=set)
    files: dict[str, bytes] = field(default_factory=dict)  # downloads by extension
    filled: list[dict] = field(default_factory=list)  # values forms were shown with
    shapes: set = field(default_factory=set)  # (action, field names) of forms found
    answers: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))


def endpoint_of(app, url: str, method: str = "GET") -> tuple[str | None, dict]:
    """The endpoint a URL reaches and its arguments, or None."""
    adapter = app.url_map.bind("localhost")
    try:
        return adapter.match(urlsplit(url).path, method)
    except RequestRedirect as redirect:
        return endpoint_of(app, redirect.new_url.removeprefix("http://localhost"))
    except HTTPException:
        return None, {}


def form_fields(form) -> dict[str, FormField]:
    """The named fields of an lxml form, with what the page puts in them."""
    found = {}
    for element in form.inputs:
        name = element.get("name")
        if not name:
            continue
        tag = element.tag
        kind = element.get("type", "text") if tag == "input" else tag
        options = []
        if tag == "select":
            options = [o.get("value", o.text or "") for o in element.iter("option")]
        found[name] = FormField(
            name,
            kind,
            element.get("value") or (element.text if tag == "textarea" else "") or "",
            options,
            dict(element.attrib),
        )
    return found


def read_page(app, site: Site, url: str, response) -> list[str]:
    """Note what the page offers; return the links to follow."""
    kind = response.mimetype
    if kind != "text/html":
        extension = urlsplit(url).path.rpartition(".")[2]
        if extension in ("csv", "xlsx") and response.status_code == 200:
            site.files.setdefault(extension, response.get_data())
        return []
    tree = lxml.html.fromstring(response.get_data(as_text=True) or "<p></p>")
    tree.make_links_absolute("http://localhost" + urlsplit(url).path)
    links = []
    for element, _attribute, link, _pos in tree.iterlinks():
        if element.tag == "form" or not link.startswith("http://localhost/"):
            continue
        links.append(link.removeprefix("http://localhost").partition("#")[0])
    for form in tree.forms:
        method = (form.get("method") or "get").upper()
        action = (form.get("action") or url).removeprefix("http://localhost")
        endpoint, _arguments = endpoint_of(app, action, method)
        if endpoint is None:
            continue
        found = Form(method, action, form_fields(form))
        shape = (urlsplit(action).path, tuple(found.fields))
        if shape not in site.shapes:
            site.shapes.add(shape)
            site.forms[endpoint].append(found)
        values = {
            f.name: f.value
            for f in found.fields.values()
            if f.value and not f.name.endswith("csrf_token")
        }
        if method == "POST" and len(values) > 1 and values not in site.filled:
            site.filled.append(values)
        if method == "GET":
            site.query_names.update(found.fields)
            links.append(action.partition("?")[0] + "?" + filled_get_form(found))
    return links


def filled_get_form(form: Form) -> str:
    """A GET form as a person fills it to see something: each field's value, the
    last choice of a list, and a range of dates from the earliest allowed to the
    latest (the batch of certificates of every day)."""
    values, dates = [], 0
    for item in form.fields.values():
        value = item.value
        if item.kind == "date":
            bound = "min" if dates == 0 else "max"
            value = item.attributes.get(bound, value)
            dates += 1
        elif item.kind == "select" and not value and item.options:
            value = item.options[-1]
        values.append((item.name, value))
    return urlencode(values)


def crawl(session: Session, site: Site, start=("/",), limit=300, check=None) -> None:
    """The pages reachable by links and GET forms from ``start``, as the session's
    user: plain paths first, then those with a query string (sorting, pages,
    filters), at most CRAWL_PER_ENDPOINT of each kind per endpoint; ``check(url)``
    after each."""
    app = session.app
    plain, varied, seen = deque(start), deque(), set()
    per_endpoint = defaultdict(int)
    while (plain or varied) and len(seen) < limit:
        url = plain.popleft() if plain else varied.popleft()
        if url in seen:
            continue
        endpoint, arguments = endpoint_of(app, url)
        kind = (endpoint, "?" in url)
        if endpoint is None or per_endpoint[kind] >= CRAWL_PER_ENDPOINT[kind[1]]:
            continue
        seen.add(url)
        per_endpoint[kind] += 1
        response = session.open(url)
        assert response.status_code < 500, (url, session.errors)
        if check is not None:
            check(url)
        site.answers[endpoint].append(response.status_code)
        site.urls[endpoint].append(url)
        for name, value in arguments.items():
            site.arguments[name].add(str(value))
        site.query_names.update(name for name, _ in parse_qsl(urlsplit(url).query))
        for link in read_page(app, site, url, response):
            (varied if "?" in link else plain).append(link)


def names_read_from_query_strings() -> set[str]:
    """The query parameters the code reads (``request.args.get("sort")`` and the
    like), so that one no page links to yet is fuzzed too."""
    package = Path(villagetracker.__file__).parent
    pattern = re.compile(r"\bargs(?:\.get\(|\[|\.getlist\()\s*[\"'](\w+)[\"']")
    return {
        name
        for path in package.rglob("*.py")
        for name in pattern.findall(path.read_text())
    }
