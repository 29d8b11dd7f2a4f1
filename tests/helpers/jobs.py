"""Requests that hand work to the job worker: in the suite jobs run at once in the
asking process (QUEUE_URL=immediate; tests/jobs runs a real worker), so a request's
job is finished when its answer comes."""


def followed(session, response):
    """What a person sees after a request that queued a job: the page the finished
    job goes on to (a preview, say), else the job's own page. Any other answer as
    it is."""
    location = response.headers.get("Location", "")
    if response.status_code != 302:
        return response
    if "/jobs/" not in location:  # the job was done at once: its next page
        return session.get(location)
    state = session.get(location.split("?")[0] + ".json").get_json()
    return session.get(state["next"] or location)


def job_token(response) -> str:
    """The job a request queued (its answer's redirect)."""
    return response.headers["Location"].rstrip("/").rsplit("/", 1)[1]


def kept_and_checked(user, name: str, content: bytes, kind: str = "reports"):
    """An upload kept and checked as the upload page's job does it, without a
    request (for tests that prepare one, then act on it over HTTP)."""
    from villagetracker.extensions import db
    from villagetracker.spreadsheets import checked, files, imports, registrations

    module = imports if kind == "reports" else registrations
    pending = files.keep(user, name, content, kind)
    found = module.check(user, name, content)
    checked.keep(pending, module.kept_rows(found), module.kept_summary(found))
    db.session.flush()
    return pending


def job_file(session, response):
    """The file a request's job made (a PDF, a large export), downloaded as its owner
    downloads it from the job's page."""
    assert response.status_code == 302, response.status_code
    assert "/jobs/" in response.headers["Location"], response.headers["Location"]
    return session.get(f"/jobs/{job_token(response)}/file")
