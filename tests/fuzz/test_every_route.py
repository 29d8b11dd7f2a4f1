"""Generated and hostile requests to every route, as every kind of user.

The routes come from ``app.url_map`` (every rule and method, so that a new route is
fuzzed without touching this file). Their arguments, their forms (with the CSRF
token) and their query parameters come from the app's own pages, crawled as each
user, and from the query parameters the code reads. The values mix real region
codes, ids, numbers and dates with hostile ones. Whatever is sent: no answer is a
5xx, no GET writes a row, and afterwards every row still obeys the programme's rules.

Hypothesis is derandomized, so a failure reproduces; each test has one database,
built once, that the examples share as a real server's database would.
"""

import csv
import hashlib
import io
import re
import time
import traceback
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import lxml.html
import pytest
from conftest import PASSWORD, report_values
from flask import got_request_exception
from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st
from sqlalchemy import MetaData, select
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

import villagetracker
from villagetracker import designations, evidence, imports, rules, services
from villagetracker.extensions import db
from villagetracker.i18n import local_today
from villagetracker.models import (
    Designation,
    DesignationSequence,
    PendingImport,
    ProgrammeSetting,
    RegencySetting,
    Report,
    Role,
    User,
    Village,
    WorkerPotential,
)
from villagetracker.spreadsheets import headers

KRESEK = "36.03.06.2018"
# Each kind of user, with the scope make_user gives it.
ROLES = {
    "admin": {"role": Role.ADMIN},
    "reviewer": {"role": Role.REVIEWER, "region": "36.03"},
    "officer": {"role": Role.OFFICER, "region": "36.03"},
    "officer limited to Kresek": {
        "role": Role.OFFICER,
        "region": "36.03",
        "districts": ["36.03.06"],
    },
    "anonymous": None,
}
# Requests per role and test: five roles give well over 5,000 per suite run (and
# the suite runs on SQLite and on PostgreSQL).
EXAMPLES_PER_ROLE = 1000
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
# Documents take a PDF renderer's time: fuzzed, but less often than pages.
HEAVY = re.compile(r"\.pdf$")
HEAVY_SHARE = 6  # a heavy route is drawn a sixth as often as another
# How far the crawl goes: pages per endpoint, without and with a query string.
CRAWL_PER_ENDPOINT = {False: 4, True: 2}


# --- The world the requests land in ---


@dataclass
class World:
    users: dict[str, User]  # by role name; more users exist (other regencies)
    today: date
    codes: list[str]  # of regions, registered villages and villages to register


def build_world(make_user) -> World:
    """Villages in every state in Kabupaten Tangerang (36.03), a designated one in
    Kabupaten Serang and one in Kabupaten Bandung; designations valid, revoked,
    reopened and at risk; evidence; a target, a signatory, a regency threshold; and
    an import waiting for confirmation for each user who may import."""
    today = local_today()
    users = {name: make_user(**args) for name, args in ROLES.items() if args}
    officers = {
        "36.03": users["officer"],
        "36.04": make_user(Role.OFFICER, region="36.04"),
        "32.04": make_user(Role.OFFICER, region="32.04"),
    }
    reviewers = {
        "36.03": users["reviewer"],
        "36.04": make_user(Role.REVIEWER, region="36.04"),
    }

    def village(code, potential, *reports, evidence_on=None):
        officer = officers[code[:5]]
        registered = services.register_village(
            officer,
            code,
            head_name="Kepala Desa",
            contact_phone="0812 3456 7890",
            notes="Balai desa",
            potential=services.PotentialInput(
                potential, "p3ke", None, date(2019, 1, 1)
            ),
        )
        for as_of, active in reports:
            stored = kept_evidence() if as_of == evidence_on else None
            values = report_values(active, as_of)
            services.log_report(officer, registered, values, stored)
        return registered

    def approve(village):
        reviewer = reviewers[village.regency_code]
        signatory = designations.Signatory("Dinas", "Drs. Kepala", "Kepala Dinas")
        return designations.approve(reviewer, village, str(village.revision), signatory)

    september, october = date(2019, 9, 1), date(2019, 10, 1)
    approve(village(KRESEK, 4615, (september, 4200)))
    village("36.03.06.2001", 1000, (september, 950))  # waits for review
    village(
        "36.03.06.2003", 1000, (september, 600), (october, 700), evidence_on=october
    )
    kronjo = approve(village("36.03.07.2001", 2000, (september, 1900)))
    designations.revoke(reviewers["36.03"], kronjo, "Data tidak sah")
    reopened = approve(village("36.03.06.2007", 1000, (september, 950)))
    designations.reopen(reviewers["36.03"], reopened, "Koreksi laporan")
    at_risk = village("36.03.07.2002", 3000, (september, 2790))
    approve(at_risk)
    services.log_report(officers["36.03"], at_risk, report_values(2000, october), None)
    returned = village("36.03.07.2006", 500, (september, 499))
    designations.return_village(
        reviewers["36.03"], returned, str(returned.revision), "Bukti kurang"
    )
    village("36.03.06.2009", 1000)  # no report yet
    approve(village("36.04.15.2001", 1500, (september, 1400)))
    village("32.04.05.2001", 2500, (september, 2400))
    services.set_target("36.03", 750, today + timedelta(days=100))
    services.set_threshold(850, "36.04")
    tangerang = db.session.get(villagetracker.models.Region, "36.03")
    designations.set_signatory_defaults(
        tangerang, designations.Signatory("Dinas Tangerang", "Drs. A", "Kepala")
    )
    for name in ("admin", "reviewer", "officer", "officer limited to Kresek"):
        imports.keep(users[name], "laporan.csv", import_file(KRESEK, today))
    regions = select(villagetracker.models.Region.code).where(
        villagetracker.models.Region.code.like("36.03.0_.20__")
    )
    codes = sorted(db.session.scalars(regions.limit(30)))
    return World(users=users, today=today, codes=codes)


def kept_evidence() -> evidence.StoredEvidence:
    name = "a" * 32
    (evidence.folder() / name).write_bytes(PDF)
    return evidence.StoredEvidence("bukti.pdf", name, "application/pdf", len(PDF))


def import_file(code: str, day: date) -> bytes:
    """A CSV with the template's columns (in English) and one row."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers(imports.TEMPLATE_COLUMNS, "en"))
    row = {**imports.EXAMPLE_ROW, "code": code, "as_of": day.isoformat()}
    writer.writerow([row.get(column.key, "") for column in imports.TEMPLATE_COLUMNS])
    return out.getvalue().encode()


@pytest.fixture
def fuzz_app(make_app):
    """The app as served: an exception is a 500 page, not an error in the test (the
    exception is kept, to be shown with the request that caused it)."""
    app = make_app(PROPAGATE_EXCEPTIONS=False)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def world(fuzz_app, make_user):
    return build_world(make_user)


# --- A user's session, every request counted and every exception kept ---


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


# --- Values: real ones and hostile ones ---

HOSTILE = [
    "",
    " ",
    "\t",
    "\r\n",
    "\u00a0",
    "\u3000",
    "\x00",
    "\ufeff",
    "null",
    "None",
    "NaN",
    "-Infinity",
    "1e309",
    "-1",
    "-0",
    "0x1F",
    "٣٤",
    "１２３",
    "9" * 30,
    "-" + "9" * 20,
    "2147483648",
    "4.200",
    "4,200",
    "90,5",
    "90.55",
    "100%",
    "' OR 1=1 --",
    '"><script>alert(1)</script>',
    "{{ 7*7 }}",
    "%(name)s",
    "{sequence}",
    "../../../../etc/passwd",
    "//evil.example/",
    "https://evil.example/",
    "javascript:alert(1)",
    "\\\\evil",
    "36.03.06.2018\n36.04",
    "%",
    "_",
    "~",
]
# What one field of a form sent as a person sends it is changed to: white space
# most often (a number or a date of only spaces once gave 500s), and the rest.
WHITE_SPACE = [" ", "\t", "\u00a0", "\u3000", " \t ", "\r\n"]
MUTATIONS = [*WHITE_SPACE * 4, *HOSTILE]
DATES = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y%m%d", "%d %b %Y"]
text_without_surrogates = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40
)


def value_strategies(site: Site, world: World) -> dict[str, st.SearchStrategy]:
    """What a field or parameter may get, by what it holds: half of the time one of
    a pool of real and hostile values (one draw: cheap), else a generated one."""
    today = world.today
    days = [
        today,
        today - timedelta(days=1),
        today + timedelta(days=1),
        today + timedelta(days=400),
        date(2019, 9, 1),
        date(2014, 1, 1),
        date(2013, 12, 31),
        date.min,
        date.max,
    ]
    pools = {
        "code": [
            *sorted(site.arguments.get("code", set())),
            *["36", "36.03", "36.03.06", "36.04", "32.04", "32", "99.99", "36."],
        ],
        "number": [
            *["0", "1", "50", "90", "4200", "4615", "10000000", "10000001"],
            *["4.200", "4,200", " 4200 ", "+5", "1e3", "12.5", "-5", "2147483648"],
        ],
        "date": [
            *[day.strftime(form) for day in days for form in DATES],
            *["2019-02-30", "2019-13-01", "0000-00-00", "19-9-1", "today"],
        ],
        "id": [
            *sorted({value for _name, value in id_values(site)}),
            *["0", "-1", "2147483647", "2147483648", "99999999999999999999"],
        ],
    }
    pools["phone"] = ["0812 3456 7890", "+62 812-3456-7890", "08", "0" * 30]
    pools["anything"] = [*HOSTILE, *(v for pool in pools.values() for v in pool)]
    generated = {
        "code": st.from_regex(r"\A\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?\Z"),
        "number": st.one_of(
            st.integers(min_value=-(10**12), max_value=10**12).map(str),
            st.floats().map(str),
        ),
        "date": st.tuples(st.dates(), st.sampled_from(DATES)).map(
            lambda drawn: drawn[0].strftime(drawn[1])
        ),
        "id": st.integers(min_value=-5, max_value=2**40).map(str),
        "phone": st.from_regex(r"\A\+?[0-9 -]{0,25}\Z"),
        "anything": st.one_of(
            text_without_surrogates,
            st.integers(min_value=200, max_value=70_000).map(lambda n: "x" * n),
        ),
    }
    return {
        hint: st.one_of(st.sampled_from(pools[hint] + HOSTILE), generated[hint])
        for hint in pools
    }


def id_values(site: Site) -> list[tuple[str, str]]:
    found = [
        (name, value)
        for name, values in site.arguments.items()
        for value in values
        if name.endswith("_id") or name == "token"
    ]
    return found or [("id", "1")]


def hint_of(item: FormField | str) -> str:
    """What a field or parameter holds, from its name and input type."""
    name = item if isinstance(item, str) else item.name
    attributes = {} if isinstance(item, str) else item.attributes
    if (not isinstance(item, str) and item.kind == "date") or name in (
        "start",
        "end",
    ):
        return "date"
    if attributes.get("inputmode") in ("numeric", "decimal") or name == "page":
        return "number"
    if "code" in name or name in ("area", "regency", "q"):
        return "code"
    if name.endswith("_id") or name in ("seen", "token"):
        return "id"
    if "phone" in name:
        return "phone"
    return "anything"


def upload_strategy(site: Site) -> st.SearchStrategy:
    """Uploads: evidence files, the app's own CSV and XLSX downloads, and junk."""
    contents = st.one_of(
        st.sampled_from([PDF, PNG, JPEG, b"", *site.files.values()]),
        st.binary(max_size=300),
        csv_files(),
    )
    names = st.one_of(
        st.sampled_from(
            ["laporan.csv", "laporan.xlsx", "bukti.pdf", "foto.png", "a.exe", ""]
        ),
        text_without_surrogates.map(lambda name: name.replace("\x00", "")),
    )
    return st.tuples(contents, names).map(Upload._make)


class Upload(tuple):
    """(content, filename): a file field's value, opened afresh for each request."""

    @classmethod
    def _make(cls, pair):
        return cls(pair)

    def opened(self):
        return io.BytesIO(self[0]), self[1]


def csv_files() -> st.SearchStrategy:
    """A spreadsheet of reports: the template's columns (in either language, in
    any order, some missing), cells real and hostile, any separator, line ending
    and encoding."""
    columns = imports.TEMPLATE_COLUMNS
    header_sets = [headers(columns, language) for language in ("id", "en")]
    cell = st.one_of(
        st.sampled_from([KRESEK, "36.03.06.2001", "36.04.15.2001", "2019-09-01"]),
        st.integers(min_value=-5, max_value=5000).map(str),
        st.sampled_from(HOSTILE),
        text_without_surrogates,
    )
    rows = st.lists(
        st.lists(cell, min_size=len(columns) - 1, max_size=len(columns) + 1),
        max_size=5,
    )

    def written(drawn) -> bytes:
        header, cut, rows, separator, ending, encoding = drawn
        out = io.StringIO()
        writer = csv.writer(out, delimiter=separator, lineterminator=ending)
        writer.writerows([header[:cut], *rows])
        return out.getvalue().encode(encoding, errors="replace")

    return st.tuples(
        st.sampled_from(header_sets).flatmap(st.permutations),
        st.integers(min_value=len(columns) - 2, max_value=len(columns)),
        rows,
        st.sampled_from([",", ";", "\t"]),
        st.sampled_from(["\n", "\r\n", "\r"]),
        st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
    ).map(written)


# --- Requests drawn from all of that ---

VALID_TOKEN = "<the session's CSRF token>"  # filled in when the request is sent


@dataclass
class Request:
    method: str
    url: str
    data: list[tuple[str, object]] | None = None
    address: str = "192.0.2.1"

    def __str__(self) -> str:
        shown = [
            (
                key,
                f"<file {v[1]!r}, {len(v[0])} bytes>" if isinstance(v, Upload) else v,
            )
            for key, v in self.data or []
        ]
        return f"{self.method} {self.url} {shown!r}"[:4000]


def every_route(app) -> list[tuple[object, str]]:
    """Every rule of the app with each of its methods."""
    found = sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule)
    return [(rule, method) for rule in found for method in sorted(rule.methods)]


def make_request(drawn) -> Request:
    method, url, query, form, address = drawn
    if query:
        url += ("&" if "?" in url else "?") + query
    if method in ("GET", "HEAD", "OPTIONS"):
        form = None
    return Request(method, url, form, address)


def route_share(rule, method: str) -> int:
    """How often a rule and method is drawn: forms most, then pages, documents
    (slow to make) and HEAD and OPTIONS (answered alike for every route) least."""
    if HEAVY.search(rule.rule) or method in ("HEAD", "OPTIONS"):
        return 1
    return HEAVY_SHARE * (2 if method == "POST" else 1)


class Fuzzer:
    """The strategies of requests to every rule and method, built once from what
    the crawl found (building them for each example would cost more than sending)."""

    def __init__(self, app, site: Site, world: World):
        self.site = site
        self.values = values = value_strategies(site, world)
        self.uploads = upload_strategy(site)
        self.urls = {
            rule.rule: self.url_strategy(rule, site) for rule, _ in every_route(app)
        }
        names = sorted(site.query_names)
        pairs = [st.tuples(st.just(name), values[hint_of(name)]) for name in names]
        self.query = st.lists(st.one_of(pairs), max_size=2).map(urlencode)
        self.forms = {
            endpoint: st.one_of([self.form_strategy(form) for form in forms])
            for endpoint, forms in site.forms.items()
        }
        self.no_form = self.form_strategy(Form("POST", "", {}))
        recent = [world.today - timedelta(days=n) for n in range(0, 400, 7)]
        self.plausible = {
            "code": st.sampled_from(world.codes + sorted(site.arguments["code"])),
            "number": st.sampled_from(["0", "1", "50", "1000", "1.000", "4615"]),
            "date": st.sampled_from([day.isoformat() for day in recent]),
            "id": st.sampled_from(sorted({v for _n, v in id_values(site)})),
            "phone": st.sampled_from(["0812 3456 7890", "+62 21 555 0100", ""]),
            "anything": st.sampled_from(["Kepala Desa", "Catatan", "Budi Santoso"]),
        }
        # Where requests come from: a handful of addresses (so that per-address
        # limits are reached too), and any other.
        self.addresses = st.one_of(
            st.sampled_from(["192.0.2.1", "198.51.100.7", "2001:db8::1"]),
            st.ip_addresses().map(str),
        )
        unique = every_route(app)
        built = [self.request(rule, method) for rule, method in unique]
        weighted = [
            index
            for index, (rule, method) in enumerate(unique)
            for _share in range(route_share(rule, method))
        ]
        anything = st.sampled_from(weighted).flatmap(built.__getitem__)
        # Half of the requests: a form as a person sends it from its page, with
        # one field changed (deep checks are reached only by otherwise good forms).
        sent = [
            st.tuples(
                st.just("POST"),
                st.just(form.action),
                st.just(""),
                self.as_sent(form),
                self.addresses,
            ).map(make_request)
            for forms in site.forms.values()
            for form in forms
            if form.method == "POST"
        ]
        as_sent = st.sampled_from(range(len(sent))).flatmap(sent.__getitem__)
        self.requests = st.one_of(anything, as_sent)

    def request(self, rule, method: str) -> st.SearchStrategy:
        """Anything to the rule: its URLs, query strings and forms, each part real
        or hostile."""
        methods = st.sampled_from([method] * 30 + ["PUT", "DELETE", "PATCH", "TRACE"])
        form = self.forms.get(rule.endpoint, self.no_form)
        anything = st.tuples(
            methods, self.urls[rule.rule], self.query, form, self.addresses
        ).map(make_request)
        return anything

    def as_sent(self, form: Form) -> st.SearchStrategy:
        """The form's fields as its page shows them (or as another page shows a
        form with the same fields: a report's correction page for a new report),
        plausible values where it shows none, the session's CSRF token, and at
        most one field changed to a hostile value (often white space)."""
        names = [n for n in form.fields if not n.endswith("csrf_token")]
        tokens = [n for n in form.fields if n.endswith("csrf_token")]
        shown = {n: f.value for n, f in form.fields.items() if f.value}
        # Another page's form "matches" when it shows every number of this one
        # (the correction page of a report for a new report: numbers that add up).
        numbers = {n for n in names if hint_of(form.fields[n]) == "number"}
        examples = [
            values for values in self.site.filled if numbers and numbers <= set(values)
        ] or [{}]
        fields = []
        for name in names:
            item = form.fields[name]
            if name in shown:
                fields.append(st.just(shown[name]))
            elif item.kind == "file":
                fields.append(self.uploads)
            elif item.kind in ("select", "radio") and item.options:
                fields.append(st.sampled_from([o for o in item.options if o] or [""]))
            elif item.kind == "password":
                fields.append(st.just(PASSWORD + "-2026"))
            else:
                fields.append(self.plausible[hint_of(item)])

        def sent(drawn) -> list[tuple[str, object]]:
            example, plausible, changed, value = drawn
            values = dict(zip(names, plausible, strict=True))
            for name in names:  # another page's values, except its dates
                date_field = hint_of(form.fields[name]) == "date"
                if name not in shown and name in example and not date_field:
                    values[name] = example[name]
            if changed is not None and names:
                values[names[changed]] = value
            return [(n, values[n]) for n in names] + [(t, VALID_TOKEN) for t in tokens]

        return st.tuples(
            st.sampled_from(examples),
            st.tuples(*fields),
            st.sampled_from([None, *range(len(names))] * 3),  # mostly one change
            st.sampled_from(MUTATIONS),
        ).map(sent)

    def url_strategy(self, rule, site: Site) -> st.SearchStrategy:
        """A real URL of the endpoint from the pages, or the rule filled with real
        values of its arguments and junk."""
        parts = re.split(r"<(?:([^:<>]+):)?(\w+)>", rule.rule)
        pieces = [st.just(parts[0])]
        arguments = zip(parts[1::3], parts[2::3], parts[3::3], strict=True)
        for converter, name, after in arguments:
            if (converter or "").startswith("int"):
                junk = st.integers(min_value=0, max_value=2**40).map(str)
            elif converter == "path":
                junk = st.sampled_from(["css/app.css", "../config.py", "x/../../"])
            else:
                junk = self.values[hint_of(name)]
            real = sorted(site.arguments.get(name, set()))
            value = st.one_of(st.sampled_from(real), junk) if real else junk
            safe = "/" if converter == "path" else ""
            pieces.append(value.map(lambda v, s=safe: quote(v.replace("\x00", ""), s)))
            pieces.append(st.just(after))
        built = st.tuples(*pieces).map("".join)
        known = sorted(
            {url.partition("?")[0] for url in site.urls.get(rule.endpoint, [])}
        )
        return st.one_of(st.sampled_from(known), built) if known else built

    def form_strategy(self, form: Form) -> st.SearchStrategy:
        """The fields of a form as its page shows them, each with a real or hostile
        value (a list of them now and then, or missing), the session's CSRF token
        (most of the time), and sometimes a field no form has."""
        names, fields = [], []
        for item in form.fields.values():
            names.append(item.name)
            if item.name.endswith("csrf_token"):  # also "approve-csrf_token"
                fields.append(st.sampled_from([VALID_TOKEN] * 10 + ["x" * 91]))
                continue
            own = []
            if item.kind in ("select", "radio") and item.options:
                own = item.options
            elif item.kind in ("hidden", "checkbox", "submit") and item.value:
                own = [item.value]
            value = self.uploads if item.kind == "file" else self.values[hint_of(item)]
            if own:
                value = st.one_of(st.sampled_from(own), value)
            fields.append(value)
        # Now and then one field is left out, or sent twice (a list), or one no
        # form has is added.
        changes = st.one_of(
            st.just(None),
            st.tuples(
                st.sampled_from(["leave out", "send twice", "add"]),
                st.integers(0, max(len(names) - 1, 0)),
                st.sampled_from(["csrf_token", "next", "lang", "extra", "seen"]),
                self.values["anything"],
            ),
        )
        return st.tuples(st.tuples(*fields), changes).map(
            lambda drawn: form_pairs(names, *drawn)
        )


def form_pairs(names: list[str], values: tuple, change) -> list[tuple[str, object]]:
    pairs = list(zip(names, values, strict=True))
    if change is None:
        return pairs
    what, index, extra_name, extra_value = change
    if what == "add" or not pairs:
        return [*pairs, (extra_name, extra_value)]
    if what == "send twice":
        return [*pairs, pairs[index]]
    return pairs[:index] + pairs[index + 1 :]


def send(session: Session, request: Request):
    data = None
    if request.data is not None:
        data = MultiDict()
        for key, value in request.data:
            if value == VALID_TOKEN:
                value = session.csrf
            data.add(key, value.opened() if isinstance(value, Upload) else value)
    return session.open(
        request.url,
        request.method,
        data=data,
        environ_base={"REMOTE_ADDR": request.address},
    )


def plain_request(rule, method: str, site: Site, session: Session) -> Request:
    """A request of a rule and method as the pages make it: a URL from a link (or
    the rule with real arguments), a form's values as the page shows them."""
    known = site.urls.get(rule.endpoint)
    if known:
        url = known[0]
    else:
        url = rule.rule
        for _converter, name in re.findall(r"<(?:([^:<>]+):)?(\w+)>", rule.rule):
            real = sorted(site.arguments.get(name, set())) or ["1"]
            url = re.sub(rf"<(?:[^:<>]+:)?{name}>", quote(real[0]), url, count=1)
    data = None
    if method not in ("GET", "HEAD", "OPTIONS"):
        forms = site.forms.get(rule.endpoint) or [Form("POST", url, {})]
        data = [(f.name, f.value) for f in forms[0].fields.values()]
        data = [*[d for d in data if d[0] != "csrf_token"], ("csrf_token", VALID_TOKEN)]
    return Request(method, url, data)


# --- The rules every row obeys, checked over the whole database ---


def in_force(potentials: list[tuple[date, int]], day: date) -> int:
    """The worker potential in force on a day: the latest on or before it, or the
    earliest when the day precedes them all."""
    earlier = [figure for as_of, figure in potentials if as_of <= day]
    return earlier[-1] if earlier else potentials[0][1]


def rule_breaches() -> list[str]:
    """Every row that breaks a rule of the programme, said in words; empty if none."""
    db.session.expire_all()
    found = []
    today = local_today()

    def check(condition, what, row) -> None:
        if not condition:
            found.append(f"{what}: {row!r} {getattr(row, '__dict__', '')}"[:600])

    programme = db.session.get(ProgrammeSetting, 1)
    national = programme.threshold_tenths if programme else None
    national = national or rules.DEFAULT_THRESHOLD_TENTHS
    check(500 <= national <= 1000, "programme threshold out of range", programme)
    settings_by_regency = {}
    for setting in db.session.scalars(select(RegencySetting)):
        settings_by_regency[setting.regency_code] = setting
        own = setting.threshold_tenths
        check(own is None or 500 <= own <= 1000, "regency threshold", setting)
        target = (setting.target_tenths, setting.target_date)
        check(
            target == (None, None)
            or (1 <= (target[0] or 0) <= 1000 and target[1] is not None),
            "a target without a date, or out of range",
            setting,
        )

    potentials = defaultdict(list)
    for potential in db.session.scalars(
        select(WorkerPotential).order_by(WorkerPotential.as_of)
    ):
        potentials[potential.village_code].append(
            (potential.as_of, potential.worker_potential)
        )
        check(
            1 <= potential.worker_potential <= rules.MAX_PARTICIPANTS,
            "worker potential out of range",
            potential,
        )
        check(date(2014, 1, 1) <= potential.as_of <= today, "potential date", potential)
        check(
            potential.source in villagetracker.models.POTENTIAL_SOURCES
            and (potential.source != "other" or potential.source_note),
            "potential source",
            potential,
        )

    reports = defaultdict(list)
    for report in db.session.scalars(select(Report).order_by(Report.as_of)):
        reports[report.village_code].append(report)
        segments = [getattr(report, name) for name in rules.SEGMENTS]
        payers = [getattr(report, name) for name in rules.PAYERS]
        active = report.active_participants
        check(min([active, *segments, *payers]) >= 0, "a negative count", report)
        check(sum(segments) == active, "segments do not add up", report)
        check(sum(payers) == active, "payers do not add up", report)
        check(date(2014, 1, 1) <= report.as_of <= today, "report date", report)
        figure = in_force(potentials[report.village_code], report.as_of)
        check(report.worker_potential == figure, "not the potential in force", report)
        check(active <= report.worker_potential, "more active than potential", report)
        check(
            report.coverage_tenths == rules.coverage_tenths(active, figure),
            "coverage not the rule's",
            report,
        )
        if report.evidence_file:
            check(
                evidence.path_of(report.evidence_file).is_file(),
                "evidence named but missing",
                report,
            )

    valid = {}
    numbers = defaultdict(list)
    for designation in db.session.scalars(select(Designation)):
        numbers[designation.regency_code, designation.year].append(designation.sequence)
        check(designation.state in rules.DESIGNATION_STATES, "state", designation)
        if designation.state == rules.ACTIVE:
            check(designation.village_code not in valid, "two valid", designation)
            valid[designation.village_code] = designation
        check(
            designation.coverage_tenths
            == rules.coverage_tenths(
                designation.active_participants, designation.worker_potential
            )
            and designation.coverage_tenths >= designation.threshold_tenths,
            "designated below its threshold",
            designation,
        )
    last = {
        (s.regency_code, s.year): s.last
        for s in db.session.scalars(select(DesignationSequence))
    }
    for key, sequences in numbers.items():
        check(
            sorted(sequences) == list(range(1, len(sequences) + 1))
            and last.get(key) == len(sequences),
            "designation numbers with a gap or a repeat",
            (key, sorted(sequences), last.get(key)),
        )

    for village in db.session.scalars(select(Village)):
        pairs = potentials[village.code]
        check(pairs and village.worker_potential == pairs[-1][1], "potential", village)
        history = reports[village.code]
        latest = history[-1] if history else None
        if latest is None:
            check(
                (village.latest_report_date, village.active_participants)
                == (None, None)
                and village.status == rules.REGISTERED,
                "figures without a report",
                village,
            )
            continue
        check(
            (
                village.latest_report_date,
                village.active_participants,
                village.coverage_tenths,
            )
            == (latest.as_of, latest.active_participants, latest.coverage_tenths),
            "figures not those of the latest report",
            village,
        )
        setting = settings_by_regency.get(village.regency_code)
        threshold = (setting and setting.threshold_tenths) or national
        reaches = rules.reaches_threshold(
            latest.active_participants, latest.worker_potential, threshold
        )
        if village.code in valid:
            expected = rules.DESIGNATED if reaches else rules.AT_RISK
        else:
            expected = rules.QUALIFYING if reaches else rules.REGISTERED
        check(village.status == expected, f"status, not {expected}", village)
        returned = (village.returned_reason, village.returned_at)
        check(
            returned == (None, None) or None not in returned, "half returned", village
        )

    usernames = set()
    for user in db.session.scalars(select(User)):
        check(user.username not in usernames, "username twice", user)
        usernames.add(user.username)
        check(user.username == user.username.strip().lower(), "username", user)
        check(user.role in set(Role), "role", user)
        if user.role == Role.ADMIN:
            check(user.region_code is None and not user.districts, "admin", user)
        else:
            region = user.region
            check(region is not None and region.level == "regency", "region", user)
            check(
                all(d.parent_code == user.region_code for d in user.districts),
                "a district outside the account's regency",
                user,
            )
    for pending in db.session.scalars(select(PendingImport)):
        check(db.session.get(User, pending.user_id) is not None, "import", pending)
    return found


# --- The tests ---


# Reproducible: derandomized, the same requests on every run and on both databases
# (no example database, so nothing depends on earlier runs); no time limit.
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES_PER_ROLE,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
)


@pytest.mark.parametrize("role", ROLES)
def test_no_request_gets_a_server_error_and_every_row_keeps_the_rules(
    fuzz_app, world, role
):
    """Every route and method, as this kind of user: first once as the pages make
    the request, then EXAMPLES_PER_ROLE generated requests (half of them a form as
    a person sends it, with one field changed). No answer is a 5xx, and afterwards
    every row of the database still obeys the programme's rules."""
    started = time.monotonic()
    session = Session(fuzz_app, world.users.get(role))
    site = Site()
    crawl(session, site)
    sessions = [session]
    if role != "admin":  # the forms of pages this user cannot open are sent anyway
        sessions.append(Session(fuzz_app, world.users["admin"]))
        crawl(sessions[-1], site)
    session.keep_logged_in()
    statuses = defaultdict(int)

    def answer(request: Request) -> None:
        response = send(session, request)
        statuses[response.status_code] += 1
        assert response.status_code < 500, f"{request}\n{''.join(session.errors)}"
        if request.method not in ("GET", "HEAD", "OPTIONS"):  # may have logged out
            session.keep_logged_in()

    # Every rule and method once as the pages make it, then generated ones.
    for rule, method in every_route(fuzz_app):
        answer(plain_request(rule, method, site, session))
    site.query_names |= names_read_from_query_strings()
    fuzzer = Fuzzer(fuzz_app, site, world)

    @FUZZ_SETTINGS
    @given(fuzzer.requests)
    def one_request(request) -> None:
        note(str(request))
        answer(request)

    one_request()
    count = sum(s.requests for s in sessions)
    print(
        f"\n{role}: {count} requests in {time.monotonic() - started:.1f} s, "
        f"answers {dict(sorted(statuses.items()))}; in requests "
        f"{sum(session.seconds.values()):.1f} s, slowest "
        f"{sorted(session.seconds.items(), key=lambda item: -item[1])[:6]}"
    )
    assert session.requests >= EXAMPLES_PER_ROLE
    assert rule_breaches() == []


# --- No GET writes ---

# GET routes that may write a row, each with the reason. There is none: a link on
# another site must not be able to change anything in a user's name.
GETS_THAT_WRITE: dict[str, str] = {}


def table_fingerprints(tables) -> dict[str, str]:
    """Every table's rows in primary-key order, as a row count and a digest."""
    found = {}
    for table in tables:
        order = list(table.primary_key.columns) or list(table.columns)
        rows = db.session.execute(select(table).order_by(*order)).all()
        digest = hashlib.sha256(repr(rows).encode()).hexdigest()[:16]
        found[table.name] = f"{len(rows)} rows, {digest}"
    return found


def test_no_get_request_writes_a_row(fuzz_app, world):
    """Every GET route, as every kind of user, with real arguments (certificate
    print views and PDFs, the batch PDF, evidence, exports, verification): the
    database is the same after each request as before it."""
    metadata = MetaData()
    metadata.reflect(db.engine)  # every table in the database, not only the models'
    # The official region list is large and read-only for requests: compared after
    # each user's walk; every other table after each request, to name the request.
    regions = [t for t in metadata.sorted_tables if t.name == "region"]
    tables = [t for t in metadata.sorted_tables if t.name != "region"]
    region_list = table_fingerprints(regions)
    verify_urls = [
        url
        for designation in db.session.scalars(select(Designation))
        for url in (
            f"/verify/{designation.token}",
            "/verify?" + urlencode({"number": designation.number}),
        )
    ]
    walked = defaultdict(set)  # GET endpoint: the statuses it answered
    writes = []

    for role in ROLES:
        session = Session(fuzz_app, world.users.get(role))  # logging in writes
        site = Site()
        db.session.commit()
        state = table_fingerprints(tables)

        def check(url, role=role) -> None:
            nonlocal state
            db.session.commit()  # a fresh read of what the request committed
            after = table_fingerprints(tables)
            endpoint = endpoint_of(fuzz_app, url)[0]
            changed = [t for t in after if after[t] != state[t]]
            if changed and endpoint not in GETS_THAT_WRITE:
                writes.append(f"{role}: GET {url} wrote to {', '.join(changed)}")
            state = after

        crawl(session, site, start=("/", *verify_urls), limit=400, check=check)
        # A GET route no page links to (a type-ahead, say): with real arguments.
        for rule, method in every_route(fuzz_app):
            if method == "GET" and rule.endpoint not in site.urls:
                request = plain_request(rule, method, site, session)
                response = session.open(request.url)
                assert response.status_code < 500, (request, session.errors)
                check(request.url)
                site.answers[rule.endpoint].append(response.status_code)
        for endpoint, statuses in site.answers.items():
            walked[endpoint].update(statuses)
        if table_fingerprints(regions) != region_list:
            writes.append(f"{role}: a GET wrote to the region list")
        print(f"\n{role}: {session.requests} requests (the walk and logging in)")

    assert writes == [], "\n".join(writes)
    gets = {rule.endpoint for rule, method in every_route(fuzz_app) if method == "GET"}
    # Each GET route answered at least one user with a page, a file or a redirect
    # to one: walked with arguments that exist, not only refused.
    assert {e for e in gets if not walked[e] & {200, 302}} == set()


def test_the_rule_check_sees_a_row_that_breaks_a_rule(fuzz_app, world):
    """The check run after the fuzzing is not empty words: the world obeys every
    rule, and a report that does not add up or a status that does not follow its
    report is named."""
    assert rule_breaches() == []
    report = db.session.scalar(select(Report).order_by(Report.id).limit(1))
    report.bpu += 1
    db.session.get(Village, "36.03.06.2001").status = rules.REGISTERED  # reaches 90%
    db.session.commit()
    found = rule_breaches()
    assert [problem.split(":")[0] for problem in found] == [
        "segments do not add up",
        "status, not qualifying",
    ]
