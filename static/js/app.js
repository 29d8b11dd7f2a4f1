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
