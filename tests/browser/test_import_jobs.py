"""An officer imports 10,000 reports in a real Chromium, with a real job worker beside
the server (issue 15): the file is checked in the background while the job's page
shows its progress, the preview follows without a reload, the confirmation is
written by a second job and its page shows the result."""

import re
import time
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from tests.helpers.chromium import (
    assert_accessible,
    assert_no_sideways_scroll,
    log_in,
    screenshot,
)
from tests.helpers.jobs import counting_not_begun, part_way, paused_when, report_file
from tests.helpers.villages import registered_villages
from villagetracker.extensions import db
from villagetracker.models import Report, Role

pytestmark = pytest.mark.browser

ACEH_UTARA = "11.08"
VILLAGES, DAYS = 500, 20  # 10,000 rows
PREVIEW = re.compile(r"/imports/[^/]+$")

# Every state of a job's page as the person sees it, told to the test as it changes
# (the page's script replaces the page when the job ends; the test's list stays).
WATCH_JOB = """
document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector("[data-job]");
  if (!box) return;
  const tell = () => {
    const bar = box.querySelector("progress");
    window.jobSeen({
      page: location.pathname,
      title: document.querySelector("h1").textContent.trim(),
      state: box.dataset.state,
      value: bar && bar.hasAttribute("value") ? bar.value : null,
      max: bar ? bar.max : null,
      status: box.querySelector("[role=status]").textContent.trim(),
    });
  };
  tell();
  new MutationObserver(tell).observe(box, {
    attributes: true, childList: true, subtree: true, characterData: true,
  });
});
"""
PART_WAY = """() => {
  const bar = document.querySelector("[data-job] progress");
  return bar && bar.hasAttribute("value") && bar.value > 0 && bar.value < bar.max;
}"""


@pytest.fixture
def served_config(real_queue, queue_url):
    """The server queues its jobs for the real worker the test starts."""
    return {"QUEUE_URL": queue_url}


def test_an_officer_imports_10000_reports_watching_the_jobs_progress(
    make_user, real_queue, page
):
    officer = make_user(Role.OFFICER, region=ACEH_UTARA)
    codes = registered_villages(officer, ACEH_UTARA, VILLAGES)
    days = [date(2023, 1, 28) + timedelta(days=30 * n) for n in range(DAYS)]
    content = report_file(codes, days)
    seen = []
    page.expose_function("jobSeen", lambda entry: seen.append(entry))
    page.add_init_script(WATCH_JOB)
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, officer.username)

    page.goto(page.base_url + "/imports/")
    page.locator("input[type=file]").set_input_files(
        {"name": "laporan.csv", "mimeType": "text/csv", "buffer": content}
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Periksa berkas").click()
    # No worker runs yet: the job waits, and its page says so.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Memeriksa lembar kerja laporan"
    )
    status = page.get_by_role("status")
    expect(status).to_have_text("Menunggu pekerja latar…")
    token = page.url.rsplit("/", 1)[1]

    worker = real_queue()
    bar = page.locator("progress")
    with paused_when(worker, token, counting_not_begun):
        # Running, its rows not counted yet: the bar has no value to show.
        expect(status).to_have_text("Sedang dikerjakan…", timeout=15_000)
        assert bar.get_attribute("value") is None
    with paused_when(worker, token, part_way) as (done, total):
        assert total == 10_000
        # The page asks the job how far it is and shows it without a reload, and
        # the status line says its first count.
        page.wait_for_function(PART_WAY, timeout=15_000)
        assert bar.get_attribute("max") == "10000"
        assert bar.get_attribute("value") == str(done)
        said = f"{done:,} dari 10.000 ({done * 100 // total}%)".replace(",", ".")
        expect(status).to_have_text("Sedang dikerjakan… " + said)
        assert_no_sideways_scroll(page)
        screenshot(page, "import-job-checking-360")
        assert_accessible(page)

    page.wait_for_url(PREVIEW, timeout=30_000)  # the script goes on by itself
    checking = [entry for entry in seen if entry["title"].startswith("Memeriksa")]
    assert {entry["page"] for entry in checking} == {f"/jobs/{token}"}
    values = [entry["value"] for entry in checking if entry["value"] is not None]
    assert values and any(0 < value < 10_000 for value in values), checking
    assert values == sorted(values), "the bar never goes back"
    assert any(entry["status"].startswith("Sedang dikerjakan… ") for entry in checking)

    tiles = dict(
        zip(
            page.locator(".tile-label").all_inner_texts(),
            page.locator(".tile-number").all_inner_texts(),
            strict=True,
        )
    )
    assert tiles == {
        "laporan ditambahkan": "10.000",
        "laporan dikoreksi": "0",
        "baris sudah sama": "0",
        "masalah": "0",
    }
    expect(page.locator("main")).to_contain_text("laporan.csv · 10.000 baris")
    screenshot(page, "import-preview-10000-360")

    with page.expect_navigation():
        page.get_by_role("button", name="Impor 10.000 laporan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mengimpor laporan")
    commit_page = page.url
    assert "/jobs/" in commit_page
    result = page.locator(".flash-success")
    expect(result).to_have_text(
        "Diimpor: 10.000 laporan ditambahkan, 0 dikoreksi.", timeout=30_000
    )
    assert page.url == commit_page  # its own page, loaded again for the outcome
    expect(status).to_have_text("Selesai.")
    expect(page.locator("progress")).to_have_count(0)
    expect(page.get_by_role("link", name="Lihat desa")).to_be_visible()
    assert_no_sideways_scroll(page)
    screenshot(page, "import-job-done-360")
    assert_accessible(page)
    importing = [entry for entry in seen if entry["title"] == "Mengimpor laporan"]
    assert importing[-1]["state"] == "done", importing

    db.session.expire_all()
    written = select(func.count()).select_from(Report)
    assert db.session.scalar(written) == 10_000
    assert db.session.scalar(written.where(Report.village_code.in_(codes))) == 10_000
    assert worker.poll() is None


@pytest.mark.parametrize("queue_url", ["sqlite"], indirect=True)
def test_without_javascript_a_jobs_page_leads_on_by_its_links(
    chromium, live_server, make_user, real_queue
):
    """No script asks how far the job is: the page says so, a link looks again, and
    a finished job's page links to what follows."""
    officer = make_user(Role.OFFICER, region=ACEH_UTARA)
    codes = registered_villages(officer, ACEH_UTARA, 2)
    content = report_file(codes, [date(2024, 1, 31), date(2024, 2, 29)])
    phone = {"width": 360, "height": 740}
    context = chromium.new_context(
        java_script_enabled=False, locale="id-ID", viewport=phone
    )
    tab = context.new_page()
    tab.base_url = live_server
    log_in(tab, officer.username)
    tab.goto(tab.base_url + "/imports/")
    tab.locator("input[type=file]").set_input_files(
        {"name": "laporan.csv", "mimeType": "text/csv", "buffer": content}
    )
    with tab.expect_navigation():
        tab.get_by_role("button", name="Periksa berkas").click()
    expect(tab.get_by_role("status")).to_have_text("Menunggu pekerja latar…")
    job_page = tab.url

    real_queue()
    look_again_until(tab, tab.get_by_role("link", name="Lanjutkan"))
    assert tab.url == job_page  # nothing moved on by itself
    expect(tab.get_by_role("status")).to_have_text("Selesai.")
    tab.get_by_role("link", name="Lanjutkan").click()
    expect(tab).to_have_url(PREVIEW)
    tab.get_by_role("button", name="Impor 4 laporan").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Mengimpor laporan")
    result = tab.locator(".flash-success")
    look_again_until(tab, result)
    expect(result).to_have_text("Diimpor: 4 laporan ditambahkan, 0 dikoreksi.")
    expect(tab.get_by_role("link", name="Lihat lagi")).to_have_count(0)
    context.close()


def look_again_until(tab, shown, seconds: float = 30) -> None:
    """Follow the page's "Look again" link until ``shown`` is on it."""
    deadline = time.monotonic() + seconds
    while not shown.count():
        assert time.monotonic() < deadline, tab.locator("main").inner_text()
        time.sleep(0.3)
        with tab.expect_navigation():
            tab.get_by_role("link", name="Lihat lagi").click()
