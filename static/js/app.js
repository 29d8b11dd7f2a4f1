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

// Downloads that take a while (a PDF of many certificates): say that it is being
// prepared and how much has arrived, then save it. Without JavaScript the link (or
// the form, for a download that is recorded) is an ordinary download.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("a[data-download], form[data-download]").forEach((link) => {
    // The status line nearest the link: in the same box or one that holds it.
    let box = link.parentElement;
    while (box && !box.querySelector(".download-status")) box = box.parentElement;
    const status = box && box.querySelector(".download-status");
    if (!status) return;
    const isForm = link.tagName === "FORM";
    link.addEventListener(isForm ? "submit" : "click", async (event) => {
      event.preventDefault();
      if (link.getAttribute("aria-disabled") === "true") return;
      link.setAttribute("aria-disabled", "true");
      status.textContent = link.dataset.download;
      try {
        const response = await fetch(isForm ? link.action : link.href, isForm
          ? { method: "POST", body: new FormData(link), credentials: "same-origin" }
          : { credentials: "same-origin" });
        if (!response.ok) throw new Error(String(response.status));
        const reader = response.body.getReader();
        const chunks = [];
        let received = 0;
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          chunks.push(value);
          received += value.length;
          status.textContent = `${link.dataset.download} ${Math.round(received / 1024)} KB`;
        }
        const disposition = response.headers.get("Content-Disposition") || "";
        const name = (disposition.match(/filename="?([^";]+)"?/) || [])[1] || "download";
        const type = response.headers.get("Content-Type") || "application/octet-stream";
        const url = URL.createObjectURL(new Blob(chunks, { type }));
        const save = document.createElement("a");
        save.href = url;
        save.download = name;
        document.body.append(save);
        save.click();
        save.remove();
        setTimeout(() => URL.revokeObjectURL(url), 60000);
        status.textContent = link.dataset.done || "";
      } catch (error) {
        status.textContent = link.dataset.failed || "";
        // Let the server's own page say what is wrong.
        if (isForm) link.submit(); else window.location.href = link.href;
      } finally {
        link.removeAttribute("aria-disabled");
      }
    });
  });
  // A form whose answer takes a while (reading or importing a spreadsheet) says it
  // is working and cannot be sent twice.
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
