"""A certificate verified through the API: no login, the same facts as the public
page (places and the office, never a person), and the same budget of requests."""

from urllib.parse import urlencode

from tests.helpers.review import FIRST_NUMBER


def test_a_certificate_by_its_token_or_its_number_with_no_login(client, designated):
    by_token = client.get(f"/api/v1/certificates/{designated.token}")
    assert by_token.status_code == 200
    found = by_token.get_json()
    assert found["number"] == FIRST_NUMBER and found["valid"] is True
    assert (found["village"], found["regency"]) == ("Kresek", "Kabupaten Tangerang")
    assert found["coverage_percent"] == 91.0
    assert found["issued_by"] == "Dinas Ketenagakerjaan Kabupaten Tangerang"
    assert designated.approved_by.full_name not in by_token.get_data(as_text=True)
    query = urlencode({"number": "  " + FIRST_NUMBER + " "})
    assert client.get(f"/api/v1/certificates?{query}").get_json() == found


def test_an_unknown_certificate_is_a_problem(client, designated):
    for url in (
        "/api/v1/certificates/not-a-token",
        "/api/v1/certificates?number=999/DSJSK/36.03/2026",
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"


def test_the_api_and_the_page_share_one_budget_of_verifications(make_app, designated):
    client = make_app(VERIFY_RATE_LIMIT="3 per minute").test_client()
    statuses = [client.get(f"/verify/{designated.token}").status_code for _ in range(2)]
    statuses.append(client.get(f"/api/v1/certificates/{designated.token}").status_code)
    refused = client.get(f"/api/v1/certificates/{designated.token}")
    assert statuses + [refused.status_code] == [200, 200, 200, 429]
    assert refused.mimetype == "application/problem+json"
