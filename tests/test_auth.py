from sqlalchemy import select

from villagetracker.config import DEFAULTS
from villagetracker.extensions import db
from villagetracker.models import AuditEvent, LoginFailure, Role, User
from villagetracker.services import reset_password


def actions():
    return [
        e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
    ]


def test_an_officer_logs_in_and_sees_their_regency(browser, make_user):
    make_user(Role.OFFICER, region="36.03", username="siti")
    response = browser.login("siti")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = browser.get("/").get_data(as_text=True)
    assert "Kabupaten Tangerang" in page


def test_passwords_are_stored_hashed_with_scrypt_by_default(make_app, make_user):
    with make_app(PASSWORD_HASH_METHOD=DEFAULTS["PASSWORD_HASH_METHOD"]).app_context():
        user = make_user(Role.OFFICER)
        assert "correct-horse" not in user.password_hash
        assert user.password_hash.startswith("scrypt:")
        assert user.check_password("correct-horse-battery")


def test_pages_need_a_login(client):
    response = client.get("/regions/36.03")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(browser, make_user):
    make_user(Role.OFFICER, username="siti")
    wrong_password = browser.login("siti", "not-the-password")
    unknown_user = browser.login("nobody", "not-the-password")
    assert wrong_password.status_code == unknown_user.status_code == 401
    message = "Nama pengguna atau kata sandi salah."
    assert message in wrong_password.get_data(as_text=True)
    assert message in unknown_user.get_data(as_text=True)
    assert actions() == ["user.create", "login.failed", "login.failed"]


def test_login_is_throttled_per_account_even_with_the_right_password(
    app, browser, make_user
):
    make_user(Role.OFFICER, username="siti")
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        assert browser.login("siti", "wrong-password!").status_code == 401
    refused = browser.login("siti")
    assert refused.status_code == 429
    assert "Terlalu banyak percobaan gagal" in refused.get_data(as_text=True)
    assert "login.throttled" in actions()


def test_throttling_says_the_same_for_an_unknown_account(app, browser):
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        browser.login("ghost", "wrong-password!")
    assert browser.login("ghost", "wrong-password!").status_code == 429


def test_login_is_throttled_per_address_across_accounts(app, browser, make_user):
    make_user(Role.OFFICER, username="siti")
    for n in range(app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]):
        browser.login(f"guess{n}", "wrong-password!")
    assert browser.login("siti").status_code == 429


def test_old_failures_no_longer_count(app, browser, make_user):
    make_user(Role.OFFICER, username="siti")
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        browser.login("siti", "wrong-password!")
    for failure in db.session.scalars(select(LoginFailure)):
        failure.at = failure.at.replace(year=failure.at.year - 1)
    db.session.commit()
    assert browser.login("siti").status_code == 302


def test_a_disabled_user_cannot_log_in(browser, make_user):
    user = make_user(Role.OFFICER, username="siti")
    user.active = False
    db.session.commit()
    response = browser.login("siti")
    assert response.status_code == 401
    assert "Nama pengguna atau kata sandi salah." in response.get_data(as_text=True)


def test_a_disabled_user_is_logged_out_at_their_next_request(login, make_user):
    admin, _ = login(Role.ADMIN)
    officer, user = login(Role.OFFICER)
    assert officer.get("/").status_code == 200
    form = {"full_name": user.full_name, "role": "officer", "region_code": "36.03"}
    assert admin.post(f"/admin/users/{user.id}/edit", form).status_code == 302
    assert officer.get("/").status_code == 302


def test_a_password_reset_ends_the_sessions(login):
    officer, user = login(Role.OFFICER)
    reset_password(user, "another-password-1")
    assert officer.get("/").status_code == 302


def test_logins_failures_and_logouts_are_recorded(browser, make_user):
    user = make_user(Role.OFFICER, username="siti")
    browser.login("siti", "wrong-password!")
    browser.login("siti")
    browser.logout()
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == [
        "user.create",
        "login.failed",
        "login",
        "logout",
    ]
    assert events[1].after == {"username": "siti", "reason": "password"}
    assert events[2].actor_id == events[3].actor_id == user.id
    assert all(e.address == "127.0.0.1" for e in events[1:])
    assert db.session.get(User, user.id).last_login_at is not None


def test_login_redirects_only_within_the_site(browser, make_user):
    make_user(Role.OFFICER, username="siti")
    response = browser.client.post(
        "/login?next=https://evil.example/x",
        data={
            "username": "siti",
            "password": "correct-horse-battery",
            "csrf_token": browser.csrf_token(),
        },
    )
    assert response.headers["Location"] == "/"
    browser.logout()
    response = browser.client.post(
        "/login?next=/regions/36.03",
        data={
            "username": "siti",
            "password": "correct-horse-battery",
            "csrf_token": browser.csrf_token(),
        },
    )
    assert response.headers["Location"] == "/regions/36.03"


def test_an_empty_login_form_shows_errors_next_to_the_fields(browser):
    response = browser.post("/login", {"username": "", "password": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="error-summary"' in page
    assert 'id="username-error"' in page and 'id="password-error"' in page
