import html
import time
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_time
from sqlalchemy import select

from tests.helpers import PASSWORD, Browser
from villagetracker.accounts.service import reset_password
from villagetracker.config import DEFAULTS
from villagetracker.extensions import db
from villagetracker.models import AuditEvent, LoginFailure, Role, User


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


def login_from(browser, address, username, password=PASSWORD, **headers):
    """A login attempt from another address, read in English."""
    return browser.login(
        username,
        password,
        environ_base={"REMOTE_ADDR": address},
        headers={"Accept-Language": "en", **headers},
    )


def fail_from(app, browser, address, username, times=None):
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS"]
    for _ in range(limit if times is None else times):
        response = login_from(browser, address, username, "wrong-password!")
        assert response.status_code == 401


def test_login_is_throttled_per_account_and_address_even_with_the_right_password(
    app, browser, make_user
):
    make_user(Role.OFFICER, username="siti")
    fail_from(app, browser, "10.0.0.66", "siti")
    refused = login_from(browser, "10.0.0.66", "siti")
    assert refused.status_code == 429
    assert "Too many failed attempts. Try again after" in refused.get_data(True)
    assert "login.throttled" in actions()


def test_the_refused_person_is_told_when_to_try_again_in_their_time(
    app, browser, make_user
):
    make_user(Role.OFFICER, username="siti")
    fail_from(app, browser, "10.0.0.66", "siti")
    first = db.session.scalars(
        select(LoginFailure.at).order_by(LoginFailure.at)
    ).first()
    until = first + timedelta(minutes=app.config["LOGIN_WINDOW_MINUTES"])
    refused = login_from(browser, "10.0.0.66", "siti")
    jakarta = until.replace(tzinfo=UTC).astimezone(ZoneInfo("Asia/Jakarta"))
    page = html.unescape(refused.get_data(as_text=True))
    assert f"Try again after {format_time(jakarta, 'short', locale='en')}" in page
    assert "(in 15 minutes)" in page
    assert 890 <= int(refused.headers["Retry-After"]) <= 900
    # a refused attempt is no guess: the time does not move while someone insists
    assert (
        login_from(browser, "10.0.0.66", "siti").headers["Retry-After"]
        == (refused.headers["Retry-After"])
    )


def test_a_strangers_failures_do_not_lock_the_owner_out_from_elsewhere(
    app, browser, make_user
):
    make_user(Role.OFFICER, username="siti")
    fail_from(app, browser, "10.0.0.66", "siti")
    assert login_from(browser, "10.0.0.66", "siti").status_code == 429
    assert login_from(browser, "10.1.2.3", "siti").status_code == 302


def test_throttling_says_the_same_for_an_unknown_account(app, browser):
    fail_from(app, browser, "10.0.0.66", "ghost")
    assert login_from(browser, "10.0.0.66", "ghost", "wrong-password!").status_code == (
        429
    )


def test_guessing_many_accounts_from_one_address_is_slowed_but_colleagues_get_in(
    app, browser, make_user
):
    """An office behind one NAT: a stranger there guessing many accounts stops
    new accounts from that address, not those that log in there every day."""
    siti = make_user(Role.OFFICER, username="siti")
    make_user(Role.OFFICER, username="budi")
    assert browser.login(siti).status_code == 302
    browser.logout()
    for n in range(app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]):
        assert browser.login(f"guess{n}", "wrong-password!").status_code == 401
    assert browser.login("guess-more", "wrong-password!").status_code == 429
    assert browser.login("budi").status_code == 429  # never logged in from here
    assert browser.login("siti").status_code == 302


def test_guessing_one_account_from_many_addresses_stops_only_new_addresses(
    app, browser, make_user
):
    siti = make_user(Role.OFFICER, username="siti")
    assert browser.login(siti).status_code == 302  # from 127.0.0.1, her office
    browser.logout()
    stranger = Browser(app.test_client())
    for n in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        fail_from(app, stranger, f"10.0.{n // 250}.{n % 250 + 1}", "siti", times=1)
    assert login_from(stranger, "10.9.9.9", "siti").status_code == 429
    assert browser.login("siti").status_code == 302


def test_on_her_own_phone_the_owner_gets_in_from_any_address_whatever_strangers_do(
    app, browser, make_user
):
    """A field officer on mobile data has a new address every day: the browser she
    logged in on before is known (a signed cookie), and only its own failures count
    against it, not a stranger's from her address or from anywhere."""
    siti = make_user(Role.OFFICER, username="siti")
    assert login_from(browser, "10.5.5.5", "siti").status_code == 302
    browser.logout()
    stranger = Browser(app.test_client())
    for n in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        fail_from(app, stranger, f"10.0.{n // 250}.{n % 250 + 1}", siti.username, 1)
    assert login_from(stranger, "10.7.7.7", "siti").status_code == 429
    assert login_from(browser, "10.7.7.7", "siti").status_code == 302  # a new address


def test_a_stranger_behind_the_same_nat_cannot_lock_the_owner_out_of_her_browser(
    app, browser, make_user
):
    make_user(Role.OFFICER, username="siti")
    assert login_from(browser, "10.0.0.66", "siti").status_code == 302
    browser.logout()
    stranger = Browser(app.test_client())
    fail_from(app, stranger, "10.0.0.66", "siti")
    assert login_from(stranger, "10.0.0.66", "siti").status_code == 429
    assert login_from(browser, "10.0.0.66", "siti").status_code == 302


def test_a_forged_or_foreign_known_browser_cookie_counts_for_nothing(
    app, browser, make_user
):
    make_user(Role.OFFICER, username="siti")
    browser.client.set_cookie("known_device", "eyJpZCI6IngiLCJ1c2VycyI6WyJzaXRpIl19")
    fail_from(app, browser, "10.0.0.66", "siti")
    assert login_from(browser, "10.0.0.66", "siti").status_code == 429


def test_an_ipv6_subscriber_cannot_escape_the_count_by_stepping_through_its_64(
    app, browser, make_user
):
    make_user(Role.OFFICER, username="siti")
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS"]
    for n in range(limit):
        fail_from(app, browser, f"2001:db8:1:2::{n + 1:x}", "siti", times=1)
    assert login_from(browser, "2001:db8:1:2::ffff", "siti").status_code == 429
    assert login_from(browser, "2001:db8:1:3::1", "siti").status_code == 302


def test_x_forwarded_for_is_ignored_without_proxy_fix(app, browser, make_user):
    """Without PROXY_FIX the header is anyone's to write: varying it does not escape
    the throttle on the real address."""
    assert not app.config["PROXY_FIX"]
    make_user(Role.OFFICER, username="siti")
    for n in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS"]):
        response = browser.login(
            "siti", "wrong-password!", headers={"X-Forwarded-For": f"10.0.0.{n}"}
        )
        assert response.status_code == 401
    refused = browser.login("siti", headers={"X-Forwarded-For": "10.0.0.99"})
    assert refused.status_code == 429
    addresses = {
        failure.address for failure in db.session.scalars(select(LoginFailure))
    }
    assert addresses == {"127.0.0.1"}


def test_with_proxy_fix_the_proxys_x_forwarded_for_is_the_address(make_app, make_user):
    make_user(Role.OFFICER, username="siti")
    proxied = Browser(make_app(PROXY_FIX=True).test_client())
    proxied.login("siti", "wrong-password!", headers={"X-Forwarded-For": "10.7.7.7"})
    assert db.session.scalar(select(LoginFailure.address)) == "10.7.7.7"


def test_old_failures_no_longer_count(app, browser, make_user):
    make_user(Role.OFFICER, username="siti")
    fail_from(app, browser, "127.0.0.1", "siti")
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
    db.session.commit()
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


# --- How long a session lasts ---


def age_session(client, *, idle_seconds=0, since_login_seconds=0):
    """Move the session's times into the past, as if that much time had passed."""
    now = int(time.time())
    with client.session_transaction() as session:
        session["seen_at"] = now - idle_seconds
        session["login_at"] = now - max(idle_seconds, since_login_seconds)


def test_a_session_idle_for_longer_than_the_timeout_ends_with_a_message(app, login):
    officer, _ = login(Role.OFFICER)
    age_session(
        officer.client, idle_seconds=app.config["SESSION_IDLE_MINUTES"] * 60 - 5
    )
    assert officer.get("/").status_code == 200  # just inside the idle time
    age_session(
        officer.client, idle_seconds=app.config["SESSION_IDLE_MINUTES"] * 60 + 5
    )
    response = officer.get("/", headers={"Accept-Language": "en"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    page = officer.get(response.headers["Location"], headers={"Accept-Language": "en"})
    assert "You were logged out after 120 minutes without activity." in page.get_data(
        as_text=True
    )
    assert officer.get("/").status_code == 302  # the session stays ended


def test_a_session_ends_twelve_hours_after_login_however_busy(app, login):
    officer, _ = login(Role.OFFICER)
    age_session(officer.client, since_login_seconds=12 * 3600 - 5)
    assert officer.get("/").status_code == 200
    age_session(officer.client, since_login_seconds=12 * 3600 + 5)
    response = officer.get("/", headers={"Accept-Language": "en"})
    assert response.status_code == 302
    page = officer.get(response.headers["Location"], headers={"Accept-Language": "en"})
    assert "You were logged out 12 hours after logging in." in page.get_data(True)


def test_a_stolen_cookie_is_refused_after_the_idle_time_too(app, login):
    officer, _ = login(Role.OFFICER)
    age_session(
        officer.client, idle_seconds=app.config["SESSION_IDLE_MINUTES"] * 60 + 5
    )
    stolen = officer.client.get_cookie("session").value
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/").status_code == 302


def test_a_session_without_its_times_is_ended(login):
    officer, _ = login(Role.OFFICER)
    with officer.client.session_transaction() as session:
        del session["login_at"], session["seen_at"]
    assert officer.get("/").status_code == 302


def test_the_session_limits_follow_the_settings(make_app, make_user):
    short = make_app(SESSION_IDLE_MINUTES=5, SESSION_MAX_HOURS=1)
    assert short.config["PERMANENT_SESSION_LIFETIME"] == timedelta(hours=1)
    user = make_user(Role.OFFICER)
    officer = Browser(short.test_client())
    assert officer.login(user).status_code == 302
    age_session(officer.client, idle_seconds=4 * 60)
    assert officer.get("/").status_code == 200
    age_session(officer.client, idle_seconds=6 * 60)
    assert officer.get("/").status_code == 302


def test_the_session_cookie_is_not_signed_again_on_every_request(app, login):
    """ "Last seen" is written at most once a minute: the cookie is not sent back on
    every page."""
    officer, _ = login(Role.OFFICER)
    officer.get("/")
    assert "Set-Cookie" not in officer.get("/").headers
    age_session(officer.client, idle_seconds=61)
    assert "Set-Cookie" in officer.get("/").headers
    assert "Set-Cookie" not in officer.get("/").headers
