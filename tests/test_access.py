"""Every route, every role, inside and outside the user's scope.

The table below must name every endpoint the app has: a new route fails
``test_every_route_is_in_the_access_table`` until its access is decided here.
"""

import io

import pytest
from werkzeug.datastructures import FileStorage

from tests.helpers.jobs import job_file
from tests.helpers.villages import report_values
from villagetracker import access
from villagetracker.extensions import db
from villagetracker.i18n import local_today
from villagetracker.models import Designation, Role, Village
from villagetracker.review import service as review_service
from villagetracker.villages import evidence
from villagetracker.villages import service as village_service

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

KRESEK = "36.03.06.2018"  # Desa Kresek, Kecamatan Kresek, Kabupaten Tangerang
ACCOUNTS = {
    "officer": {"role": Role.OFFICER, "region": "36.03"},
    "officer limited to Kresek": {
        "role": Role.OFFICER,
        "region": "36.03",
        "districts": ["36.03.06"],
    },
    "reviewer": {"role": Role.REVIEWER, "region": "36.03"},
    "admin": {"role": Role.ADMIN},
}
# A region the account must not see: another regency, or for the limited officer another
# kecamatan of their own regency. And a registered village in each.
OUTSIDE = {
    "officer": "36.04.15",
    "officer limited to Kresek": "36.03.07",
    "reviewer": "36.04.15",
}
OUTSIDE_VILLAGE = {"36.04.15": "36.04.15.2001", "36.03.07": "36.03.07.2001"}
CHANGERS = {"officer", "officer limited to Kresek", "admin"}

# endpoint -> (kind, URL); {code} is filled with a region inside or outside the scope.
ROUTES = {
    "accounts.login": ("public", "/login"),
    "accounts.logout": ("post", "/logout"),
    "main.set_language": ("post", "/language"),
    "main.home": ("anyone logged in", "/"),
    "regions.index": ("anyone logged in", "/regions/?q=kresek"),
    "regions.search_json": ("region search", "/regions/search.json?q={code}"),
    "regions.show": ("region", "/regions/{code}"),
    "villages.index": ("anyone logged in", "/villages/"),
    "villages.close": ("anyone logged in", "/villages/close"),
    "villages.register": ("village changer", "/villages/register"),
    "villages.show": ("village", "/villages/{village}"),
    "villages.report_evidence": (
        "village",
        "/villages/{village}/reports/{report}/evidence",
    ),
    "villages.details": ("village change", "/villages/{village}/details"),
    "villages.potential": ("village change", "/villages/{village}/potential"),
    "villages.new_report": ("village change", "/villages/{village}/reports/new"),
    "villages.edit_report": (
        "village change",
        "/villages/{village}/reports/{report}/edit",
    ),
    "review.approve": ("village review", "/villages/{village}/approve"),
    "review.return_to_officers": ("village review", "/villages/{village}/return"),
    "review.revoke": (
        "designation review",
        "/villages/{village}/designations/{designation}/revoke",
    ),
    "review.reopen": (
        "designation review",
        "/villages/{village}/designations/{designation}/reopen",
    ),
    "certificates.show": (
        "designation",
        "/villages/{village}/designations/{designation}/certificate",
    ),
    "certificates.pdf": (
        "certificate pdf",
        "/villages/{village}/designations/{designation}/certificate.pdf",
    ),
    "review.queue": ("reviewer", "/review/"),
    "review.approve_batch": ("reviewer choice", "/review/approve?village={village}"),
    "certificates.batch": (
        "reviewer",
        "/review/certificates?start=2014-01-01&end={today}",
    ),
    "certificates.batch_pdf": ("batch pdf", "/review/certificates.pdf"),
    "certificates.verify_number": ("public", "/verify?number=001/DSJSK/36.03/2026"),
    "certificates.verify": ("public", "/verify/{token}"),
    "dashboards.index": ("anyone logged in", "/dashboard/"),
    "dashboards.region": ("dashboard", "/dashboard/{code}"),
    "dashboards.target": ("target", "/dashboard/{code}/target"),
    "dashboards.remove_target": ("target post", "/dashboard/{code}/target/remove"),
    "dashboards.potential": ("target", "/dashboard/{code}/potential"),
    "spreadsheets.export_villages": ("anyone logged in", "/villages/export.csv"),
    "spreadsheets.export_reports": ("anyone logged in", "/villages/reports.xlsx"),
    "spreadsheets.export_reports_later": ("post", "/villages/reports.csv"),
    "spreadsheets.upload": ("importer", "/imports/"),
    "spreadsheets.template_file": ("importer", "/imports/template.xlsx"),
    "spreadsheets.preview": ("upload", "/imports/{token}"),
    "spreadsheets.commit": ("upload post", "/imports/{token}/commit"),
    "spreadsheets.cancel": ("upload post", "/imports/{token}/cancel"),
    "spreadsheets.upload_villages": ("registrar", "/imports/villages/"),
    "spreadsheets.villages_template": (
        "registrar",
        "/imports/villages/template.xlsx",
    ),
    "spreadsheets.preview_villages": ("upload", "/imports/villages/{token}"),
    "spreadsheets.commit_villages": ("upload post", "/imports/villages/{token}/commit"),
    "spreadsheets.cancel_villages": ("upload post", "/imports/villages/{token}/cancel"),
    "jobs.mine": ("anyone logged in", "/jobs/"),
    "jobs.show": ("job", "/jobs/{token}"),
    "jobs.state": ("job", "/jobs/{token}.json"),
    "jobs.again": ("job post", "/jobs/{token}/again"),
    "jobs.file": ("job", "/jobs/{token}/file"),
    "review.signatories": ("admin", "/admin/signatories"),
    "review.threshold": ("admin", "/admin/threshold"),
    "accounts.users": ("admin", "/admin/users"),
    "accounts.new_user": ("admin", "/admin/users/new"),
    "accounts.edit_user": ("admin", "/admin/users/{user_id}/edit"),
    "accounts.reset_password": ("admin post", "/admin/users/{user_id}/password"),
    "accounts.login_throttles": ("admin", "/admin/throttles"),
    "accounts.clear_login_throttle": ("admin post", "/admin/throttles/clear"),
    # The JSON API: a caller not logged in gets a 401 problem, not the login page.
    "api-docs.openapi_json": ("public", "/api/v1/openapi.json"),
    "api.regions": ("anyone logged in", "/api/v1/regions?q=kresek"),
    "api.villages": ("anyone logged in", "/api/v1/villages"),
    "api.village": ("village", "/api/v1/villages/{village}"),
    "api.certificate": ("public", "/api/v1/certificates/{token}"),
    "api.certificate_by_number": (
        "public",
        "/api/v1/certificates?number=001/DSJSK/36.03/2026",
    ),
}


def test_every_route_is_in_the_access_table(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - {"static"}
    assert endpoints == set(ROUTES)


@pytest.mark.parametrize(
    "endpoint", [e for e, (kind, _) in ROUTES.items() if kind != "public"]
)
def test_a_visitor_who_is_not_logged_in_is_sent_to_the_login_page(
    browser, endpoint, make_user
):
    kind, url = ROUTES[endpoint]
    url = url.format(
        code=KRESEK,
        user_id=make_user().id,
        village=KRESEK,
        report=1,
        designation=1,
        today=local_today(),
        token="x",
    )
    if "post" in kind or kind.endswith(" review"):
        response = browser.post(url)
        if endpoint == "main.set_language":  # the switch works before login too
            assert response.status_code == 302
            return
    else:
        response = browser.get(url)
    if url.startswith("/api/"):
        assert response.status_code == 401
        assert response.mimetype == "application/problem+json"
        return
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("account", ACCOUNTS)
@pytest.mark.parametrize(
    "endpoint", [e for e, (kind, _) in ROUTES.items() if kind == "region"]
)
def test_a_region_page_inside_the_scope_opens(login, account, endpoint):
    session, _ = login(**ACCOUNTS[account])
    url = ROUTES[endpoint][1].format(code=KRESEK)
    assert session.get(url).status_code == 200


@pytest.mark.parametrize("account", OUTSIDE)
@pytest.mark.parametrize(
    "endpoint", [e for e, (kind, _) in ROUTES.items() if kind == "region"]
)
def test_a_region_page_outside_the_scope_is_not_found(login, account, endpoint):
    session, _ = login(**ACCOUNTS[account])
    url = ROUTES[endpoint][1].format(code=OUTSIDE[account])
    response = session.get(url)
    assert response.status_code == 404
    assert not {"Cikande", "Kronjo"} & set(response.get_data(as_text=True).split())


def test_an_admin_opens_a_region_page_anywhere(login):
    admin, _ = login(Role.ADMIN)
    assert admin.get("/regions/36.04.15").status_code == 200
    assert admin.get("/regions/99.99").status_code == 404


@pytest.mark.parametrize("account", OUTSIDE)
def test_region_search_finds_nothing_outside_the_scope(login, account):
    session, _ = login(**ACCOUNTS[account])
    url = ROUTES["regions.search_json"][1].format(code=OUTSIDE[account])
    assert session.get(url).json == {"results": []}
    api = session.get(f"/api/v1/regions?q={OUTSIDE[account]}")
    assert api.json == {"items": []}
    page = session.get(f"/regions/?q={OUTSIDE[account]}").get_data(as_text=True)
    assert f"/regions/{OUTSIDE[account]}" not in page


@pytest.mark.parametrize("account", ACCOUNTS)
def test_region_search_finds_what_is_inside_the_scope(login, account):
    session, _ = login(**ACCOUNTS[account])
    url = ROUTES["regions.search_json"][1].format(code=KRESEK)
    assert [r["code"] for r in session.get(url).json["results"]] == [KRESEK]


@pytest.mark.parametrize(
    "account", ["officer", "officer limited to Kresek", "reviewer"]
)
@pytest.mark.parametrize(
    "endpoint", [e for e, (kind, _) in ROUTES.items() if kind.startswith("admin")]
)
@pytest.mark.parametrize("user_id", ["own", "other", "missing"])
def test_the_admin_area_is_closed_to_other_roles_whatever_the_id(
    login, make_user, account, endpoint, user_id
):
    session, me = login(**ACCOUNTS[account])
    ids = {"own": me.id, "other": make_user(Role.ADMIN).id, "missing": 99999}
    kind, url = ROUTES[endpoint]
    url = url.format(user_id=ids[user_id])
    response = session.post(url) if "post" in kind else session.get(url)
    assert response.status_code == 403


@pytest.mark.parametrize(
    "endpoint", [e for e, (kind, _) in ROUTES.items() if kind == "admin"]
)
def test_the_admin_area_opens_for_an_admin(login, make_user, endpoint):
    admin, _ = login(Role.ADMIN)
    url = ROUTES[endpoint][1].format(user_id=make_user().id)
    assert admin.get(url).status_code == 200


def test_an_admin_asking_for_a_missing_account_gets_404(login):
    admin, _ = login(Role.ADMIN)
    assert admin.get("/admin/users/99999/edit").status_code == 404
    assert admin.post("/admin/users/99999/password").status_code == 404


@pytest.fixture
def villages(app, register):
    """Kresek (inside every test account's scope), Cikande (Kabupaten Serang) and Kronjo
    (another kecamatan of Kabupaten Tangerang), each with a report and its evidence."""
    reports = {}
    for code in (KRESEK, *OUTSIDE_VILLAGE.values()):
        village = register(code)
        upload = FileStorage(io.BytesIO(PDF), filename="bukti.pdf")
        reports[code] = village_service.log_report(
            village.registered_by, village, report_values(4200), evidence.store(upload)
        ).id
        db.session.commit()
    return reports


def village_url(endpoint, code, reports):
    return ROUTES[endpoint][1].format(village=code, report=reports[code])


VILLAGE_KINDS = ("village", "village change")


@pytest.mark.parametrize("account", ACCOUNTS)
@pytest.mark.parametrize(
    "endpoint", [e for e, (k, _) in ROUTES.items() if k in VILLAGE_KINDS]
)
def test_a_village_inside_the_scope_opens_for_those_who_may_use_it(
    login, villages, account, endpoint
):
    session, _ = login(**ACCOUNTS[account])
    response = session.get(village_url(endpoint, KRESEK, villages))
    may = ROUTES[endpoint][0] == "village" or account in CHANGERS
    assert response.status_code == (200 if may else 403)


@pytest.mark.parametrize("account", OUTSIDE)
@pytest.mark.parametrize(
    "endpoint", [e for e, (k, _) in ROUTES.items() if k in VILLAGE_KINDS]
)
def test_a_village_outside_the_scope_is_not_found_for_reading_or_changing(
    login, villages, account, endpoint
):
    session, _ = login(**ACCOUNTS[account])
    code = OUTSIDE_VILLAGE[OUTSIDE[account]]
    assert session.get(village_url(endpoint, code, villages)).status_code == 404
    if ROUTES[endpoint][0] == "village change":
        assert session.post(village_url(endpoint, code, villages)).status_code == 404


@pytest.mark.parametrize("account", OUTSIDE)
def test_another_scopes_report_id_is_not_found_under_ones_own_village(
    login, villages, account
):
    session, _ = login(**ACCOUNTS[account])
    other_report = villages[OUTSIDE_VILLAGE[OUTSIDE[account]]]
    for url in (
        f"/villages/{KRESEK}/reports/{other_report}/edit",
        f"/villages/{KRESEK}/reports/{other_report}/evidence",
    ):
        assert session.get(url).status_code == 404


@pytest.mark.parametrize("account", OUTSIDE)
def test_village_lists_show_nothing_outside_the_scope(login, villages, account):
    session, _ = login(**ACCOUNTS[account])
    outside = OUTSIDE_VILLAGE[OUTSIDE[account]]
    for url in (
        "/",
        "/villages/",
        "/villages/?band=at_threshold",
        "/villages/close",
        f"/villages/?q={outside}",
        f"/villages/?area={OUTSIDE[account]}",
    ):
        page = session.get(url).get_data(as_text=True)
        assert f'href="/villages/{outside}"' not in page, url
    for url in ("/api/v1/villages?limit=1000", f"/api/v1/villages?q={outside}"):
        codes = [village["code"] for village in session.get(url).json["items"]]
        assert outside not in codes and (KRESEK in codes or "q=" in url), url
    assert f'href="/villages/{KRESEK}"' in session.get("/villages/").get_data(
        as_text=True
    )


@pytest.mark.parametrize("account", ["officer", "officer limited to Kresek"])
def test_an_officer_cannot_register_a_village_outside_the_scope(login, account):
    session, _ = login(**ACCOUNTS[account])
    code = OUTSIDE_VILLAGE[OUTSIDE[account]]
    response = session.post(
        "/villages/register",
        {
            "region_code": code,
            "worker_potential": "100",
            "source": "p3ke",
            "potential_as_of": "2020-01-01",
            "head_name": "X",
        },
    )
    assert response.status_code == 400
    assert session.get(f"/villages/{code}").status_code == 404


@pytest.mark.parametrize("account", ACCOUNTS)
def test_only_officers_and_admins_open_the_registration_form(login, account):
    session, _ = login(**ACCOUNTS[account])
    status = session.get("/villages/register").status_code
    assert status == (200 if account in CHANGERS else 403)


# --- The labour office's decisions, certificates and their public verification ---

DESIGNATION_KINDS = (
    "village review",
    "designation review",
    "designation",
    "certificate pdf",
)
REVIEWERS = {"reviewer", "admin"}


@pytest.fixture
def designated(app, villages, make_user):
    """Every village of the ``villages`` fixture designated by an admin: the ids of
    their designations by village code."""
    admin = make_user(Role.ADMIN)
    signatory = review_service.Signatory("Dinas", "Nama", "Kepala Dinas")
    ids = {}
    for code in villages:
        village = db.session.get(Village, code)
        ids[code] = review_service.approve(
            admin, village, str(village.revision), signatory
        ).id
        db.session.commit()
    return ids


def designation_url(endpoint, code, ids):
    return ROUTES[endpoint][1].format(village=code, designation=ids[code])


@pytest.mark.parametrize("account", ACCOUNTS)
@pytest.mark.parametrize(
    "endpoint", [e for e, (k, _) in ROUTES.items() if k in DESIGNATION_KINDS]
)
def test_decisions_are_for_reviewers_and_certificates_for_everyone_in_scope(
    login, designated, account, endpoint
):
    """A decision needs a reviewer (403 for officers); for a reviewer, an empty
    form is refused (400), a decision that does not fit a designated village too
    (409). A certificate opens for everyone who sees the village."""
    session, _ = login(**ACCOUNTS[account])
    kind, _url = ROUTES[endpoint]
    url = designation_url(endpoint, KRESEK, designated)
    if kind == "designation":
        assert session.get(url).status_code == 200
    elif kind == "certificate pdf":  # made by the print view's button, never a GET
        assert session.get(url).status_code == 302
        assert job_file(session, session.post(url)).mimetype == "application/pdf"
    else:
        fits = kind == "designation review"  # Kresek is designated already
        expected = (400 if fits else 409) if account in REVIEWERS else 403
        assert session.post(url).status_code == expected


@pytest.mark.parametrize("account", OUTSIDE)
@pytest.mark.parametrize(
    "endpoint", [e for e, (k, _) in ROUTES.items() if k in DESIGNATION_KINDS]
)
def test_decisions_and_certificates_outside_the_scope_are_not_found(
    login, designated, account, endpoint
):
    session, _ = login(**ACCOUNTS[account])
    code = OUTSIDE_VILLAGE[OUTSIDE[account]]
    url = designation_url(endpoint, code, designated)
    assert session.get(url).status_code in (404, 405)
    assert session.post(url).status_code in (404, 405)
    # Another village's designation id under one's own village is not found either.
    if "{designation}" in ROUTES[endpoint][1]:
        mixed = ROUTES[endpoint][1].format(village=KRESEK, designation=designated[code])
        assert session.get(mixed).status_code in (404, 405)
        assert session.post(mixed).status_code in (404, 405)


@pytest.mark.parametrize("account", ACCOUNTS)
@pytest.mark.parametrize(
    "endpoint", [e for e, (k, _) in ROUTES.items() if k == "reviewer"]
)
def test_the_review_area_is_for_the_labour_office_and_admins(
    login, designated, account, endpoint
):
    session, _ = login(**ACCOUNTS[account])
    response = session.get(ROUTES[endpoint][1].format(today=local_today()))
    assert response.status_code == (200 if account in REVIEWERS else 403)


@pytest.mark.parametrize("account", ACCOUNTS)
def test_approving_several_villages_is_for_the_labour_office_and_admins(
    login, designated, account
):
    """Kresek is designated, so nothing is left to approve: a reviewer is sent back
    to the queue; anyone else is refused whatever they chose."""
    session, _ = login(**ACCOUNTS[account])
    url = ROUTES["review.approve_batch"][1].format(village=KRESEK)
    expected = 302 if account in REVIEWERS else 403
    assert session.get(url).status_code == expected
    assert session.post(url).status_code == expected


@pytest.mark.parametrize("account", ACCOUNTS)
def test_batch_pdfs_are_for_the_labour_office_and_admins(login, designated, account):
    session, _ = login(**ACCOUNTS[account])
    days = {"start": "2014-01-01", "end": str(local_today())}
    response = session.post(ROUTES["certificates.batch_pdf"][1], days)
    if account in REVIEWERS:
        assert job_file(session, response).mimetype == "application/pdf"
    else:
        assert response.status_code == 403


def test_review_lists_and_batches_hold_nothing_outside_the_scope(login, designated):
    session, _ = login(**ACCOUNTS["reviewer"])
    cikande = OUTSIDE_VILLAGE["36.04.15"]
    for which in ("queue", "returned", "at_risk", "designated", "recheck"):
        page = session.get(f"/review/?list={which}").get_data(as_text=True)
        assert cikande not in page
    page = session.get("/review/?list=designated").get_data(as_text=True)
    assert KRESEK in page
    batch = session.get(f"/review/certificates?start=2014-01-01&end={local_today()}")
    assert KRESEK in batch.get_data(as_text=True)
    assert cikande not in batch.get_data(as_text=True)


def test_verification_needs_no_login(client, designated):
    token = db.session.get(Designation, designated[KRESEK]).token
    assert client.get(f"/verify/{token}").status_code == 200
    assert client.get("/verify").status_code == 200


# --- Dashboards, targets, exports and imports ---

# The top of each account's dashboard, and the dashboard it must not open.
DASHBOARD_HOME = {
    "officer": "36.03",
    "officer limited to Kresek": "36.03.06",
    "reviewer": "36.03",
}


@pytest.mark.parametrize("account", ACCOUNTS)
def test_each_account_lands_on_its_own_dashboard(login, villages, account):
    session, _ = login(**ACCOUNTS[account])
    response = session.get("/dashboard/")
    if account == "admin":
        assert response.status_code == 200
        assert "/dashboard/36" in response.get_data(as_text=True)
    else:
        assert response.headers["Location"] == f"/dashboard/{DASHBOARD_HOME[account]}"
        page = session.get(response.headers["Location"]).get_data(as_text=True)
        assert f'href="/villages/{KRESEK}"' in session.get(
            "/dashboard/36.03.06"
        ).get_data(as_text=True)
        assert page


@pytest.mark.parametrize("account", OUTSIDE)
def test_a_dashboard_outside_the_scope_is_not_found_and_counts_nothing_of_it(
    login, villages, account
):
    session, user = login(**ACCOUNTS[account])
    assert session.get(f"/dashboard/{OUTSIDE[account]}").status_code == 404
    assert session.get("/dashboard/36").status_code == 404
    from villagetracker.dashboards import queries as dashboards

    home = DASHBOARD_HOME[account]
    inside = [code for code in villages if code.startswith(home + ".")]
    assert KRESEK in inside
    assert dashboards.figures(user).registered == len(inside)
    assert dashboards.figures(user, OUTSIDE[account]).registered == 0


@pytest.mark.parametrize("account", ACCOUNTS)
def test_targets_are_set_by_the_labour_office_and_admins(login, account):
    session, _ = login(**ACCOUNTS[account])
    form = {"target": "75", "target_date": "2099-12-31"}
    get = session.get("/dashboard/36.03/target")
    post = session.post("/dashboard/36.03/target/remove")
    if account in REVIEWERS:
        assert (get.status_code, post.status_code) == (200, 302)
        assert session.post("/dashboard/36.03/target", form).status_code == 302
    elif account == "officer limited to Kresek":  # does not see the regency at all
        assert (get.status_code, post.status_code) == (404, 404)
    else:
        assert (get.status_code, post.status_code) == (403, 403)


@pytest.mark.parametrize("account", ACCOUNTS)
def test_a_regencys_worker_potential_is_recorded_by_the_labour_office_and_admins(
    login, account
):
    session, _ = login(**ACCOUNTS[account])
    response = session.get("/dashboard/36.03/potential")
    if account in REVIEWERS:
        assert response.status_code == 200
        assert session.get("/dashboard/36.03.06/potential").status_code == 200
    elif account == "officer limited to Kresek":  # does not see the regency at all
        assert response.status_code == 404
    else:
        assert response.status_code == 403
    if account == "reviewer":
        assert session.get("/dashboard/36.04/potential").status_code == 404
        assert session.get(f"/dashboard/{KRESEK}/potential").status_code == 404


def test_a_reviewer_cannot_set_another_regencys_target_or_a_districts(login):
    session, _ = login(**ACCOUNTS["reviewer"])
    form = {"target": "75", "target_date": "2099-12-31"}
    assert session.post("/dashboard/36.04/target", form).status_code == 404
    assert session.post("/dashboard/36.03.06/target", form).status_code == 404
    assert session.post("/dashboard/36.04/target/remove").status_code == 404


@pytest.mark.parametrize("account", ACCOUNTS)
@pytest.mark.parametrize(
    "endpoint", [e for e, (kind, _) in ROUTES.items() if kind == "importer"]
)
def test_everyone_with_a_scope_may_import_reports_into_it(login, account, endpoint):
    """Every row is checked against the uploader's scope, so every role with one may
    upload reports (access.IMPORTERS)."""
    session, user = login(**ACCOUNTS[account])
    assert user.role in access.IMPORTERS
    assert session.get(ROUTES[endpoint][1]).status_code == 200


@pytest.mark.parametrize("account", ACCOUNTS)
@pytest.mark.parametrize(
    "endpoint", [e for e, (kind, _) in ROUTES.items() if kind == "registrar"]
)
def test_only_those_who_may_register_a_village_import_villages_to_register(
    login, account, endpoint
):
    """The same people as the registration form: officers and administrators."""
    session, _ = login(**ACCOUNTS[account])
    status = session.get(ROUTES[endpoint][1]).status_code
    assert status == (200 if account in CHANGERS else 403)
