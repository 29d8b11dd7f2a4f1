"""Public verification (/verify): what anyone holding a certificate, or its QR code,
may see, and how often."""

from urllib.parse import urlencode

from tests.helpers.review import FIRST_NUMBER, text, village
from villagetracker.extensions import db

# --- Public verification ---


def test_verification_shows_the_certificate_and_nothing_personal(
    client, officer, designated
):
    village().contact_phone = "0812 3456 7890"
    db.session.commit()
    page = text(client.get(f"/verify/{designated.token}"))
    for expected in (
        ">Sah<",
        "Kresek",
        "Tangerang",
        "Banten",
        FIRST_NUMBER,
        "91,0%",
        "Dinas Ketenagakerjaan Kabupaten Tangerang",
    ):
        assert expected in page, expected
    for personal in (
        "0812",
        village().head_name,
        officer.user.full_name,
        designated.approved_by.full_name,
        "Septo",
    ):
        assert personal not in page, personal


def test_verification_by_number_finds_the_certificate(client, designated):
    response = client.get("/verify?" + urlencode({"number": FIRST_NUMBER.lower()}))
    assert response.status_code == 200 and ">Sah<" in text(response)
    response = client.get("/verify?" + urlencode({"number": "999/DSJSK/36.03/2026"}))
    assert response.status_code == 404
    assert "Tidak ada piagam dengan nomor 999/DSJSK/36.03/2026" in text(response)
    assert client.get("/verify/not-a-token").status_code == 404


def test_verification_is_rate_limited(make_app, designated):
    client = make_app(VERIFY_RATE_LIMIT="3 per minute").test_client()
    statuses = [client.get(f"/verify/{designated.token}").status_code for _ in range(3)]
    statuses.append(client.get("/verify?number=x").status_code)  # one budget for both
    assert statuses == [200, 200, 200, 429]
    assert "Terlalu banyak permintaan" in text(client.get("/verify"))
