"""Values, real ones and hostile ones, and the requests drawn from all of them."""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import quote, urlencode

from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from tests.fuzz.site import Form, FormField, Session, Site
from tests.fuzz.world import JPEG, KRESEK, PDF, PNG, World
from tests.helpers import PASSWORD
from villagetracker.spreadsheets import template as import_template
from villagetracker.spreadsheets.formats import headers

# Documents take a PDF renderer's time: fuzzed, but less often than pages.
HEAVY = re.compile(r"\.pdf$")
HEAVY_SHARE = 6  # a heavy route is drawn a sixth as often as another


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
    columns = import_template.TEMPLATE_COLUMNS
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
