import re

import pytest
from sqlalchemy import func, select

from tests.helpers import PASSWORD, Browser
from villagetracker.extensions import db
from villagetracker.models import AuditEvent, LoginFailure, Role, User


def count_users():
    return db.session.scalar(select(func.count()).select_from(User))


NEW_OFFICER = {
    "username": "budi.santoso",
    "full_name": "Budi Santoso",
    "role": "officer",
    "region_code": "36.03",
    "district_codes": "36.03.06, 36.03.07",
    "password": "a-long-password",
    "confirm": "a-long-password",
}


def test_an_admin_creates_an_officer_limited_to_two_kecamatan(login):
    admin, me = login(Role.ADMIN)
    response = admin.post("/admin/users/new", NEW_OFFICER)
    assert response.status_code == 302
    user = db.session.scalar(User.by_username("budi.santoso"))
    assert (user.role, user.region_code) == ("officer", "36.03")
    assert [d.code for d in user.districts] == ["36.03.06", "36.03.07"]
    event = db.session.scalar(
        select(AuditEvent)
        .where(AuditEvent.action == "user.create")
        .order_by(AuditEvent.id.desc())
    )
    assert event.actor_id == me.id and event.before is None
    assert event.after["district_codes"] == ["36.03.06", "36.03.07"]
    assert "password" not in str(event.after)


def test_the_new_account_can_log_in(login, browser):
    admin, _ = login(Role.ADMIN)
    admin.post("/admin/users/new", NEW_OFFICER)
    assert browser.login("budi.santoso", "a-long-password").status_code == 302


def post_invalid(admin, **changes):
    before = count_users()
    response = admin.post("/admin/users/new", {**NEW_OFFICER, **changes})
    assert response.status_code == 400
    assert count_users() == before  # nothing saved
    return response.get_data(as_text=True)


def test_a_short_password_is_refused_next_to_its_field_and_in_the_summary(login):
    admin, _ = login(Role.ADMIN)
    page = post_invalid(admin, password="short", confirm="short")
    assert 'id="error-summary"' in page
    assert 'href="#password"' in page
    assert 'id="password-error">Gunakan paling sedikit 10 karakter.' in page
    assert 'value="Budi Santoso"' in page  # what was typed is kept


def test_mismatched_passwords_are_refused(login):
    admin, _ = login(Role.ADMIN)
    assert "Kedua kata sandi berbeda." in post_invalid(
        admin, confirm="another-password"
    )


def test_a_taken_username_is_refused(login):
    admin, me = login(Role.ADMIN)
    assert "sudah dipakai" in post_invalid(admin, username=me.username)


def test_a_malformed_username_is_refused(login):
    admin, _ = login(Role.ADMIN)
    assert 'id="username-error"' in post_invalid(admin, username="no spaces!")


def test_a_reviewer_needs_a_regency_not_a_village(login):
    admin, _ = login(Role.ADMIN)
    page = post_invalid(
        admin, role="reviewer", region_code="36.03.06.2018", district_codes=""
    )
    assert 'id="region_code-error"' in page


def test_an_admin_account_has_no_region(login):
    admin, _ = login(Role.ADMIN)
    assert 'id="region_code-error"' in post_invalid(
        admin, role="admin", district_codes=""
    )


def test_kecamatan_must_lie_in_the_officers_regency(login):
    admin, _ = login(Role.ADMIN)
    page = post_invalid(admin, district_codes="36.04.15")
    assert "36.04.15 bukan kecamatan di Kabupaten Tangerang." in page


def test_only_officers_are_limited_to_kecamatan(login):
    admin, _ = login(Role.ADMIN)
    assert 'id="district_codes-error"' in post_invalid(admin, role="reviewer")


def test_an_unknown_role_is_refused(login):
    admin, _ = login(Role.ADMIN)
    assert 'id="role-error"' in post_invalid(admin, role="superuser")


def test_an_admin_edits_an_account_and_the_change_is_audited(login, make_user):
    admin, _ = login(Role.ADMIN)
    user = make_user(Role.OFFICER, region="36.03")
    response = admin.post(
        f"/admin/users/{user.id}/edit",
        {
            "full_name": "Siti Aminah",
            "role": "reviewer",
            "region_code": "36.04",
            "district_codes": "",
            "active": "y",
        },
    )
    assert response.status_code == 302
    user = db.session.get(User, user.id)
    assert (user.full_name, user.role, user.region_code) == (
        "Siti Aminah",
        "reviewer",
        "36.04",
    )
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "user.update")
    )
    assert (
        event.before["region_code"] == "36.03" and event.after["region_code"] == "36.04"
    )


def test_the_edit_form_shows_the_current_kecamatan(login, make_user):
    admin, _ = login(Role.ADMIN)
    user = make_user(Role.OFFICER, districts=["36.03.06"])
    assert 'value="36.03.06"' in admin.get(f"/admin/users/{user.id}/edit").get_data(
        as_text=True
    )


def test_an_admin_cannot_disable_their_own_account(login):
    admin, me = login(Role.ADMIN)
    response = admin.post(
        f"/admin/users/{me.id}/edit",
        {
            "full_name": me.full_name,
            "role": "admin",
            "region_code": "",
            "district_codes": "",
        },
    )
    assert response.status_code == 400
    assert db.session.get(User, me.id).active


def test_an_admin_resets_a_password(login, make_user, browser):
    admin, _ = login(Role.ADMIN)
    user = make_user(Role.OFFICER, username="siti")
    response = admin.post(
        f"/admin/users/{user.id}/password",
        {"pw-password": "brand-new-password", "pw-confirm": "brand-new-password"},
    )
    assert response.status_code == 302
    assert browser.login("siti", "brand-new-password").status_code == 302
    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "user.password_reset")
    )


def test_a_short_reset_password_is_refused_and_the_old_one_still_works(
    login, make_user, browser
):
    admin, _ = login(Role.ADMIN)
    user = make_user(Role.OFFICER, username="siti")
    response = admin.post(
        f"/admin/users/{user.id}/password",
        {"pw-password": "short", "pw-confirm": "short"},
    )
    assert response.status_code == 400
    assert 'id="pw-password-error"' in response.get_data(as_text=True)
    assert browser.login("siti").status_code == 302


def test_the_user_list_is_searchable_and_paginated(app, login, make_user):
    admin, _ = login(Role.ADMIN)
    app.config["PAGE_SIZE"] = 2
    for n in range(3):
        make_user(Role.OFFICER, username=f"petugas{n}")
    page = admin.get("/admin/users?q=petugas").get_data(as_text=True)
    assert "3 akun" in page and "petugas0" in page and "petugas2" not in page
    assert "petugas2" in admin.get("/admin/users?q=petugas&page=2").get_data(
        as_text=True
    )


# --- Passwords: the same rules wherever one is set ---


@pytest.mark.parametrize(
    "password", ["1234567890", "aaaaaaaaaa", "password12", "Budi.Santoso-2026"]
)
def test_a_weak_password_is_refused_for_a_new_account(login, password):
    admin, _ = login(Role.ADMIN)
    page = post_invalid(admin, password=password, confirm=password)
    assert 'id="password-error"' in page
    assert 'value="Budi Santoso"' in page


@pytest.mark.parametrize("password", ["1234567890", "aaaaaaaaaa", "password12"])
def test_a_weak_reset_password_is_refused_and_the_old_one_still_works(
    login, make_user, browser, password
):
    admin, _ = login(Role.ADMIN)
    user = make_user(Role.OFFICER, username="siti")
    response = admin.post(
        f"/admin/users/{user.id}/password",
        {"pw-password": password, "pw-confirm": password},
    )
    assert response.status_code == 400
    assert 'id="pw-password-error"' in response.get_data(as_text=True)
    assert browser.login("siti").status_code == 302


def test_a_reset_password_may_not_contain_the_accounts_username(
    login, make_user, browser
):
    admin, _ = login(Role.ADMIN)
    user = make_user(Role.OFFICER, username="siti.aminah")
    response = admin.post(
        f"/admin/users/{user.id}/password",
        {"pw-password": "SITI.AMINAH-baru", "pw-confirm": "SITI.AMINAH-baru"},
    )
    assert response.status_code == 400
    assert db.session.get(User, user.id).check_password(PASSWORD)


# --- Login throttles ---


def fail_logins(app, address, username):
    stranger = Browser(app.test_client())
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS"]):
        response = stranger.login(
            username, "wrong-password!", environ_base={"REMOTE_ADDR": address}
        )
        assert response.status_code == 401
    return stranger


def test_an_admin_sees_the_throttles_in_force_and_clears_one(app, login, make_user):
    admin, me = login(Role.ADMIN)
    make_user(Role.OFFICER, username="siti")
    stranger = fail_logins(app, "10.0.0.66", "siti")
    fail_logins(app, "10.0.0.77", "budi")
    page = admin.get("/admin/throttles", headers={"Accept-Language": "en"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "siti" in text and "10.0.0.66" in text and "budi" in text
    rows = re.findall(r"<tr>(.*?)</tr>", text, re.S)
    siti = next(row for row in rows if "10.0.0.66" in row)
    assert '<td class="num">5</td>' in siti
    response = admin.post(
        "/admin/throttles/clear",
        {"kind": "account_address", "username": "siti", "address": "10.0.0.66"},
    )
    assert response.status_code == 302
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "login.throttle_cleared")
    )
    assert event.actor_id == me.id
    assert event.after == {
        "kind": "account_address",
        "username": "siti",
        "address": "10.0.0.66",
        "failures": 5,
    }
    rows = re.findall(
        r"<tr>(.*?)</tr>", admin.get("/admin/throttles").get_data(True), re.S
    )
    assert not any("10.0.0.66" in row for row in rows)
    assert any("10.0.0.77" in row for row in rows)
    back_in = stranger.login("siti", environ_base={"REMOTE_ADDR": "10.0.0.66"})
    assert back_in.status_code == 302


def test_clearing_a_throttle_needs_the_forms_csrf_token(app, login, make_user):
    admin, _ = login(Role.ADMIN)
    make_user(Role.OFFICER, username="siti")
    fail_logins(app, "10.0.0.66", "siti")
    response = admin.client.post(
        "/admin/throttles/clear",
        data={"kind": "account_address", "username": "siti", "address": "10.0.0.66"},
    )
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 5


@pytest.mark.parametrize(
    "form",
    [
        {"kind": "everything", "username": "siti", "address": "10.0.0.66"},
        {"kind": "account_address", "username": "", "address": "10.0.0.66"},
        {"kind": "address", "username": "siti", "address": ""},
    ],
)
def test_a_malformed_clear_changes_nothing(app, login, make_user, form):
    admin, _ = login(Role.ADMIN)
    make_user(Role.OFFICER, username="siti")
    fail_logins(app, "10.0.0.66", "siti")
    assert admin.post("/admin/throttles/clear", form).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 5


def test_only_an_admin_sees_the_throttles(login):
    officer, _ = login(Role.OFFICER)
    assert officer.get("/admin/throttles").status_code == 403
    assert officer.post("/admin/throttles/clear", {"kind": "account"}).status_code == (
        403
    )
