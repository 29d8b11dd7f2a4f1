"""No request to any route, as any kind of user, gets a server error; no GET writes
a row; and afterwards every row still obeys the programme's rules (the package's
docstring, ``tests/fuzz/__init__.py``, says how the requests are made)."""

import hashlib
import time
from collections import defaultdict
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, Phase, given, note, settings
from sqlalchemy import MetaData, select

from tests.fuzz.drawing import Fuzzer, Request, every_route, plain_request, send
from tests.fuzz.row_rules import rule_breaches
from tests.fuzz.site import (
    Session,
    Site,
    crawl,
    endpoint_of,
    names_read_from_query_strings,
)
from tests.fuzz.world import ROLES
from villagetracker import rules
from villagetracker.extensions import db
from villagetracker.models import Designation, Report, Village

# Requests per role and test: five roles give well over 5,000 per suite run (and
# the suite runs on SQLite and on PostgreSQL).
EXAMPLES_PER_ROLE = 1000

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


# The API's GETs that need a query no page links to: a search, one village.
API = ("/api/v1/regions?q=36.03", "/api/v1/villages/36.03.06.2018")


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
            f"/api/v1/certificates/{designation.token}",
            "/api/v1/certificates?" + urlencode({"number": designation.number}),
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

        crawl(session, site, start=("/", *verify_urls, *API), limit=400, check=check)
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
    db.session.get(
        Village, "36.03.06.2001"
    ).status = rules.Status.REGISTERED  # reaches 90%
    db.session.commit()
    found = rule_breaches()
    assert [problem.split(":")[0] for problem in found] == [
        "segments do not add up",
        "status, not qualifying",
    ]
