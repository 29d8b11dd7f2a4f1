"""Every route, every role, inside and outside the user's scope.

The table below must name every endpoint the app has: a new route fails
``test_every_route_is_in_the_access_table`` until its access is decided here.
"""

import pytest

from villagetracker.models import Role

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
# kecamatan of their own regency.
OUTSIDE = {
    "officer": "36.04.15",
    "officer limited to Kresek": "36.03.07",
    "reviewer": "36.04.15",
}

# endpoint -> (kind, URL); {code} is filled with a region inside or outside the scope.
ROUTES = {
    "auth.login": ("public", "/login"),
    "auth.logout": ("post", "/logout"),
    "main.set_language": ("post", "/language"),
    "main.home": ("anyone logged in", "/"),
    "regions.index": ("anyone logged in", "/regions/?q=kresek"),
    "regions.search_json": ("region search", "/regions/search.json?q={code}"),
    "regions.show": ("region", "/regions/{code}"),
    "admin.users": ("admin", "/admin/users"),
    "admin.new_user": ("admin", "/admin/users/new"),
    "admin.edit_user": ("admin", "/admin/users/{user_id}/edit"),
    "admin.reset_password": ("admin post", "/admin/users/{user_id}/password"),
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
    url = url.format(code=KRESEK, user_id=make_user().id)
    if "post" in kind:
        response = browser.post(url)
        if endpoint == "main.set_language":  # the switch works before login too
            assert response.status_code == 302
            return
    else:
        response = browser.get(url)
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
