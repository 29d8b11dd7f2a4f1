"""The JSON API's first resources: its OpenAPI 3.1 document, its errors as problem
documents, and what it lets a caller see (the access module's scope, as the
pages)."""

import pytest
from openapi_spec_validator import validate

from villagetracker.models import Role

CISOKA, KRESEK, SERANG = "36.03.06.2003", "36.03.06.2018", "36.04.15.2001"


@pytest.fixture
def officer(login, register):
    for code in (CISOKA, KRESEK, SERANG):
        register(code, potential=1000)
    session, _user = login(Role.OFFICER, region="36.03")
    return session


def test_the_document_is_openapi_3_1_and_valid(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    validate(document)
    assert {"/api/v1/regions", "/api/v1/villages", "/api/v1/villages/{code}"} <= set(
        document["paths"]
    )
    errors = document["paths"]["/api/v1/villages/{code}"]["get"]["responses"]["404"]
    assert errors == {"$ref": "#/components/responses/NOT_FOUND"}
    not_found = document["components"]["responses"]["NOT_FOUND"]["content"]
    assert list(not_found) == ["application/problem+json"]


def test_without_a_session_a_caller_gets_a_problem_not_a_login_page(client):
    response = client.get("/api/v1/villages", headers={"Accept-Language": "en"})
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.get_json() == {
        "type": "about:blank",
        "title": "Not logged in",
        "status": 401,
        "detail": "Log in first.",
    }


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/nothing-here", 404),
        (f"/api/v1/villages/{SERANG}", 404),  # another regency's: not theirs
        ("/api/v1/villages?limit=0", 422),
        ("/api/v1/villages?limit=1001", 422),
        ("/api/v1/villages?colour=red", 422),
        ("/api/v1/villages?cursor=bm90LWEtY29kZQ", 422),
        ("/api/v1/regions?q=k", 422),
    ],
)
def test_every_error_is_a_problem_in_the_callers_language(officer, path, status):
    response = officer.get(path, headers={"Accept-Language": "id"})
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["status"] == status
    if status == 422:
        assert problem["type"] == "/api/v1/problems/validation"
        assert problem["errors"], problem
        assert "Beberapa nilai" in problem["detail"]


def test_a_field_error_is_keyed_by_its_field_and_said_in_the_language_asked(officer):
    english = officer.get(
        "/api/v1/villages?colour=red", headers={"Accept-Language": "en"}
    ).get_json()
    assert english["errors"] == {"colour": ["Unknown field."]}
    indonesian = officer.get(
        "/api/v1/villages?colour=red", headers={"Accept-Language": "id"}
    ).get_json()
    assert list(indonesian["errors"]) == ["colour"]
    assert indonesian["errors"]["colour"] != ["Unknown field."]


def test_a_wrong_method_is_a_problem_that_says_which_are_allowed(officer):
    response = officer.client.delete(f"/api/v1/villages/{KRESEK}")
    assert response.status_code == 405
    assert response.mimetype == "application/problem+json"
    assert "GET" in response.headers["Allow"]


def test_villages_come_a_page_at_a_time_and_a_cursor_survives_a_new_village(
    officer, register
):
    first = officer.get("/api/v1/villages?limit=1").get_json()
    assert [village["code"] for village in first["items"]] == [CISOKA]
    assert first["items"][0]["worker_potential"] == 1000
    register("36.03.06.2001", potential=500)  # before the cursor: not shown again
    second = officer.get(
        f"/api/v1/villages?limit=1&cursor={first['next_cursor']}"
    ).get_json()
    assert [village["code"] for village in second["items"]] == [KRESEK]
    assert second["next_cursor"] is None  # Serang's is outside the scope


def test_one_village_and_a_region_search_within_the_scope(officer):
    village = officer.get(f"/api/v1/villages/{KRESEK}").get_json()
    assert village["code"] == KRESEK and village["name"] == "Kresek"
    assert village["coverage_percent"] is None
    found = officer.get("/api/v1/regions?q=Kresek").get_json()["items"]
    assert {region["code"] for region in found} >= {"36.03.06", KRESEK}
    serang = officer.get("/api/v1/regions?q=Serang&limit=100").get_json()["items"]
    assert all(region["code"].startswith("36.03") for region in serang)
