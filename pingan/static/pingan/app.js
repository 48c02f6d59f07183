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
    document.querySelectorAll("[data-formset-add]").forEach(setupFormset);
    document.querySelectorAll("form").forEach(setupSubmitOnce);
    document.querySelectorAll("select[data-search]").forEach(setupSelectSearch);
  });
})();
