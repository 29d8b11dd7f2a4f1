import re

import pytest
from sqlalchemy import func, select

from tests.helpers import CSRF_FIELD, PASSWORD
from villagetracker.extensions import db
from villagetracker.models import Role, User


def test_every_page_sends_the_security_headers(client):
    headers = client.get("/login").headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_the_session_cookie_is_httponly_and_samesite_lax(browser, make_user):
    make_user(Role.OFFICER, username="siti")
    cookie = browser.login("siti").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_the_session_cookie_is_secure_under_https(make_app, make_user):
    make_user(Role.OFFICER, username="siti")
    https_client = make_app(HTTPS=True).test_client()
    token = CSRF_FIELD.search(https_client.get("/login").get_data(as_text=True)).group(
        1
    )
    cookie = https_client.post(
        "/login",
        data={"username": "siti", "password": PASSWORD, "csrf_token": token},
        base_url="https://localhost",
    ).headers["Set-Cookie"]
    assert "Secure" in cookie


@pytest.mark.parametrize(
    "url", ["/login", "/logout", "/language", "/admin/users/new", "/admin/users/1/edit"]
)
def test_a_form_without_its_csrf_token_is_refused(login, url):
    admin, user = login(Role.ADMIN)
    before = db.session.scalar(select(func.count()).select_from(User))
    response = admin.client.post(url, data={"username": "x", "full_name": "X"})
    assert response.status_code == 400
    assert "Formulir sudah kedaluwarsa" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(User)) == before


def test_no_page_asks_another_host_for_anything(login):
    admin, _ = login(Role.ADMIN)
    for url in [
        "/",
        "/regions/?q=kresek",
        "/regions/36.03",
        "/admin/users",
        "/admin/users/new",
    ]:
        page = admin.get(url).get_data(as_text=True)
        assert not re.search(r'(src|href|action)="(https?:)?//', page), url
        assert "@import" not in page


def test_the_stylesheet_asks_no_other_host_either(client):
    css = client.get("/static/css/app.css").get_data(as_text=True)
    assert "url(" not in css and "@import" not in css


def test_a_missing_page_is_a_friendly_404_in_the_readers_language(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
    response = client.get("/no-such-page")
    assert "Halaman tidak ditemukan" in response.get_data(as_text=True)


def test_an_unexpected_error_is_a_friendly_500(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/boom")
    def boom():
        raise RuntimeError("boom")

    response = client.get("/boom")
    assert response.status_code == 500
    assert "Terjadi kesalahan" in response.get_data(as_text=True)
    assert "RuntimeError" not in response.get_data(as_text=True)


def test_a_role_without_access_gets_a_friendly_403(login):
    officer, _ = login(Role.OFFICER)
    response = officer.get("/admin/users")
    assert response.status_code == 403
    assert "Tidak diizinkan" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/x",
        "//evil.example",
        "////evil.example/x",
        "/\\evil.example",
        "/\r\nX-Injected: 1",
        "javascript:alert(1)",
    ],
)
def test_after_login_nobody_is_sent_to_another_host(browser, make_user, target):
    make_user(Role.OFFICER, username="siti")
    response = browser.client.post(
        "/login",
        query_string={"next": target},
        data={
            "username": "siti",
            "password": PASSWORD,
            "csrf_token": browser.csrf_token(),
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize(
    "url",
    [
        "/admin/users?page=99999999999999999999",
        "/regions/?q=ka&page=99999999999999999999",
        "/regions/36.03?page=-5",
        "/villages/?page=abc",
        "/admin/users/99999999999999999999/edit",
        "/regions/?q=ab%00",
        "/regions/search.json?q=ab%00",
        "/regions/36%00",
        "/villages/?area=36.03%00",
        "/regions/search.json?q=" + "x" * 5000,
    ],
)
def test_odd_urls_get_a_clear_answer_never_a_500(login, url):
    admin, _ = login(Role.ADMIN)
    assert admin.get(url).status_code in (200, 400, 404)


def test_a_nul_byte_in_a_login_is_refused_before_any_query(browser):
    response = browser.post("/login", {"username": "ad\x00min", "password": "x" * 12})
    assert response.status_code == 400


def test_a_copy_of_the_session_cookie_is_worthless_after_logout(login):
    officer, _ = login(Role.OFFICER)
    stolen = officer.client.get_cookie("session").value
    officer.logout()
    thief = officer.client.application.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/").status_code == 302


def test_signed_in_pages_are_not_cached_and_https_adds_hsts(login, make_app, client):
    officer, _ = login(Role.OFFICER)
    assert officer.get("/").headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in client.get("/login").headers
    https = make_app(HTTPS=True).test_client()
    assert (
        https.get("/login").headers["Strict-Transport-Security"] == "max-age=31536000"
    )


def test_an_overlong_username_gets_an_indonesian_message(browser):
    response = browser.post("/login", {"username": "u" * 60, "password": "x" * 12})
    page = response.get_data(as_text=True)
    assert "Paling banyak 50 karakter." in page
    assert "Field cannot be longer" not in page
