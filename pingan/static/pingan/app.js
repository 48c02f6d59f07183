/* Ping'an staff UI: small progressive enhancements. Everything works without this file. */
(function () {
  "use strict";

  // htmx: swap the server's answer for validation (400), refusal (403) and conflict (409) responses too,
  // so that the Chinese message appears in place; other errors are left to the browser.
  if (window.htmx) {
    htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "40[039]", swap: true, error: false },
      { code: "[45]..", swap: false, error: true },
    ];
  }

  // Formsets: "add a row" from a <template> holding the empty form (prefix __prefix__).
  function setupFormset(button) {
    var prefix = button.getAttribute("data-formset-add");
    var rows = document.querySelector('[data-formset-rows="' + prefix + '"]');
    var template = document.querySelector('template[data-formset-template="' + prefix + '"]');
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var max = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
    if (!rows || !template || !total) {
      return;
    }
    button.classList.remove("d-none");
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      if (max && index >= parseInt(max.value, 10)) {
        return;
      }
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      var holder = document.createElement("div");
      holder.innerHTML = html.trim();
      var row = holder.firstElementChild;
      var legend = row.querySelector("legend");
      if (legend) {
        legend.textContent = legend.textContent.trim() + " " + (index + 1);
      }
      rows.appendChild(row);
      total.value = String(index + 1);
      var first = row.querySelector("input, select");
      if (first) {
        first.focus();
      }
    });
  }

  // Buttons marked data-once are disabled after the first submit (no double registration).
  function setupSubmitOnce(form) {
    form.addEventListener("submit", function (event) {
      var button = form.querySelector("[data-once]");
      if (!button) {
        return;
      }
      if (button.dataset.sent) {
        event.preventDefault();
        return;
      }
      button.dataset.sent = "1";
      window.setTimeout(function () {
        button.disabled = true;
      }, 0);
    });
  }

  // Region pickers (regions.filters.RegionPicker): type part of a name, pick a match from the user's
  // jurisdiction; the hidden input carries the code. Clearing the box clears the choice.
  function setupRegionPicker(picker) {
    var code = picker.querySelector("[data-region-code]");
    var text = picker.querySelector("[data-region-text]");
    var options = picker.querySelector(".region-picker-options");
    var serial = 0;
    var timer = null;

    function close() {
      options.classList.add("d-none");
      text.setAttribute("aria-expanded", "false");
    }

    function choose(match) {
      code.value = match.code;
      text.value = match.path;
      picker.setAttribute("data-chosen", match.code);
      close();
    }

    function show(matches) {
      options.innerHTML = "";
      matches.forEach(function (match) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "list-group-item list-group-item-action py-2";
        button.setAttribute("role", "option");
        button.setAttribute("data-code", match.code);
        var name = document.createElement("div");
        name.textContent = match.name;
        var path = document.createElement("div");
        path.className = "small text-body-secondary";
        path.textContent = match.path + " · " + match.level_label;
        button.appendChild(name);
        button.appendChild(path);
        button.addEventListener("click", function () { choose(match); });
        options.appendChild(button);
      });
      if (!matches.length) {
        var none = document.createElement("div");
        none.className = "list-group-item small text-body-secondary";
        none.textContent = picker.getAttribute("data-empty") || "";
        options.appendChild(none);
      }
      options.classList.remove("d-none");
      text.setAttribute("aria-expanded", "true");
    }

    function search() {
      var query = text.value.trim();
      serial += 1;
      var mine = serial;
      if (!query) {
        close();
        return;
      }
      var url = picker.getAttribute("data-url") + "?q=" + encodeURIComponent(query);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (matches) {
          if (mine === serial) { show(matches); }
        });
    }

    text.addEventListener("input", function () {
      code.value = "";
      picker.removeAttribute("data-chosen");
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 200);
    });
    text.addEventListener("keydown", function (event) {
      var first = options.querySelector("button");
      if (event.key === "ArrowDown" && first) {
        event.preventDefault();
        first.focus();
      } else if (event.key === "Enter" && first && !options.classList.contains("d-none")) {
        event.preventDefault();
        first.click();
      } else if (event.key === "Escape") {
        close();
      }
    });
    options.addEventListener("keydown", function (event) {
      var current = document.activeElement;
      if (event.key === "ArrowDown" && current.nextElementSibling) {
        event.preventDefault();
        current.nextElementSibling.focus();
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        (current.previousElementSibling || text).focus();
      } else if (event.key === "Escape") {
        close();
        text.focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (!picker.contains(event.target)) { close(); }
    });
  }

  // A long select marked data-search gets a search box above it: typing hides the options whose text
  // does not contain what was typed (chosen options always stay in view).
  function setupSelectSearch(select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "form-control form-control-sm mb-1";
    box.placeholder = select.getAttribute("data-search");
    box.setAttribute("aria-label", select.getAttribute("data-search"));
    box.setAttribute("aria-controls", select.id);
    box.addEventListener("input", function () {
      var wanted = box.value.trim().toLowerCase();
      Array.prototype.forEach.call(select.options, function (option) {
        option.hidden = Boolean(wanted) && !option.selected && option.text.toLowerCase().indexOf(wanted) === -1;
      });
    });
    select.parentNode.insertBefore(box, select);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-region-picker]").forEach(setupRegionPicker);
    document.querySelectorAll("[data-formset-add]").forEach(setupFormset);
    document.querySelectorAll("form").forEach(setupSubmitOnce);
    document.querySelectorAll("select[data-search]").forEach(setupSelectSearch);
  });
})();
