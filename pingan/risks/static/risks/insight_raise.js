// The level preview of the 升级为风险 and suggestion forms: likelihood × impact read on the matrix the form carries.
(function () {
  "use strict";
  var names = { red: "红色(重大)", orange: "橙色(较大)", yellow: "黄色(一般)", blue: "蓝色(低)" };
  var classes = { red: "text-danger", orange: "text-warning-emphasis", yellow: "text-warning", blue: "text-primary" };
  document.querySelectorAll("form.risk-raise-form").forEach(function (form) {
    if (form.dataset.previewBound) { return; }
    form.dataset.previewBound = "1";
    var matrix = JSON.parse(form.dataset.matrix || "[]");
    var output = form.querySelector(".risk-level-preview");
    var likelihood = form.querySelector("[name=likelihood]");
    var impact = form.querySelector("[name=impact]");
    if (!output || !likelihood || !impact) { return; }
    function update() {
      var row = matrix[parseInt(likelihood.value, 10) - 1] || [];
      var level = row[parseInt(impact.value, 10) - 1];
      output.textContent = level ? names[level] : "";
      output.className = "risk-level-preview fw-semibold " + (classes[level] || "");
    }
    likelihood.addEventListener("change", update);
    impact.addEventListener("change", update);
    update();
  });
})();
