// Progressive enhancement only: every page works without this file.
"use strict";

// Move focus to the error summary so that a screen reader reads what to fix.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.getElementById("error-summary");
  if (summary) summary.focus();
});

// Type-ahead for region fields: <input data-typeahead="regency|district|village|any">
// gets a <datalist> filled from /regions/search.json as the person types.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input[data-typeahead]").forEach((input, index) => {
    const list = document.createElement("datalist");
    list.id = `typeahead-${index}`;
    input.setAttribute("list", list.id);
    input.after(list);
    const levels = ["province", "regency", "district", "village"];
    const level = levels.includes(input.dataset.typeahead) ? input.dataset.typeahead : "";
    let timer = null;
    let controller = null;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      const text = input.value.trim();
      if (text.length < 2) return;
      timer = setTimeout(async () => {
        if (controller) controller.abort();
        controller = new AbortController();
        const url = new URL("/regions/search.json", window.location.origin);
        url.searchParams.set("q", text);
        if (level) url.searchParams.set("level", level);
        try {
          const response = await fetch(url, { signal: controller.signal, credentials: "same-origin" });
          if (!response.ok) return;
          const data = await response.json();
          list.replaceChildren(...data.results.map((region) => {
            const option = document.createElement("option");
            option.value = input.dataset.typeahead === "any" ? region.name : region.code;
            option.label = `${region.name} (${region.code}) · ${region.kind}${region.context ? " · " + region.context : ""}`;
            return option;
          }));
        } catch (error) {
          if (error.name !== "AbortError") console.warn(error);
        }
      }, 200);
    });
  });
});

// Uploads can be slow on a village connection: say so while the form is sent, and
// refuse a file over 5 MB before sending it (the server checks again).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[data-progress]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      const file = form.querySelector("input[type=file]");
      if (file && file.files.length && file.files[0].size > 5 * 1024 * 1024) {
        event.preventDefault();
        file.setCustomValidity(file.dataset.tooLarge || "Max 5 MB");
        file.reportValidity();
        file.addEventListener("change", () => file.setCustomValidity(""), { once: true });
        return;
      }
      const progress = form.querySelector(".progress");
      if (progress) progress.hidden = false;
      form.querySelectorAll("button[type=submit]").forEach((button) => { button.disabled = true; });
    });
  });
});

// The certificate's print view: a print button, and the A4 sheet zoomed to fit a
// small screen (the print stylesheet puts it back to its real size on paper).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
  const sheets = document.querySelectorAll(".certificate-view .piagam");
  if (!sheets.length) return;
  const fit = () => sheets.forEach((sheet) => {
    sheet.style.zoom = "";
    const room = sheet.parentElement.clientWidth - 2;
    if (sheet.offsetWidth > room) sheet.style.zoom = String(room / sheet.offsetWidth);
  });
  fit();
  window.addEventListener("resize", fit);
  window.addEventListener("beforeprint", () => sheets.forEach((s) => { s.style.zoom = ""; }));
  window.addEventListener("afterprint", fit);
});

// A job's page: ask every second or two how far the job is and show it without
// reloading; when it ends, go on to the page it leads to (an import's preview) or
// load this one again for its outcome. The status line is announced at each tenth
// of the way and when the job ends, not at every answer. Without JavaScript the page
// says so and a link looks again.
document.addEventListener("DOMContentLoaded", () => {
  const box = document.querySelector("[data-job]");
  if (!box) return;
  box.querySelectorAll(".no-js-only").forEach((link) => { link.hidden = true; });
  if (box.dataset.follow) {
    window.location.replace(box.dataset.follow);
    return;
  }
  if (box.dataset.state === "done" || box.dataset.state === "failed") return;
  const bar = box.querySelector("progress");
  const status = box.querySelector(".job-status");
  let delay = 500;
  // Before the job knows its total there is no tenth yet: its first count is news.
  let tenth = -1;
  const ask = async () => {
    try {
      const response = await fetch(box.dataset.job, {
        credentials: "same-origin", headers: { Accept: "application/json" },
      });
      if (response.ok) {
        const job = await response.json();
        if (job.total && bar) {
          bar.max = job.total;
          bar.value = job.done;
          bar.textContent = job.text;
        }
        const now = job.total ? Math.floor((job.done * 10) / job.total) : -1;
        if (now !== tenth || job.state !== box.dataset.state) status.textContent = job.text;
        tenth = now;
        box.dataset.state = job.state;
        if (job.state === "done" && job.next && job.follow) {
          window.location.replace(job.next);
          return;
        }
        if (job.state === "done" || job.state === "failed") {
          window.location.reload();
          return;
        }
      }
    } catch (error) {
      // A slow or lost connection: ask again a little later.
    }
    delay = Math.min(delay * 1.5, 3000);
    setTimeout(ask, delay);
  };
  setTimeout(ask, delay);
});

// A form whose answer takes a while (sending a spreadsheet) says it is working and
// cannot be sent twice.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[data-busy]").forEach((form) => {
    form.addEventListener("submit", () => {
      const status = form.querySelector(".busy-status");
      if (status) status.textContent = form.dataset.busy;
      form.querySelectorAll("button[type=submit]").forEach((button) => {
        setTimeout(() => { button.disabled = true; }, 0);
      });
    });
  });
});
