/* The drive dashboard's chart by week (专项排查化解). Data comes from the json_script tag "drive-charts",
   rendered by the server from the same breakdown as /api/v1/drives/<id>/breakdown/?by=week; nothing inline (CSP). */
(function () {
  "use strict";

  function init() {
    var element = document.getElementById("chart-week");
    var source = document.getElementById("drive-charts");
    if (!element || !source || typeof window.echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var texts = data.texts;
    var chart = window.echarts.init(element);
    var any = data.found.some(function (n) { return n > 0; });
    if (!any) {
      chart.setOption({ title: { text: texts.empty, left: "center", top: "middle", textStyle: { color: "#6c757d", fontSize: 14, fontWeight: "normal" } } });
    } else {
      chart.setOption({
        tooltip: { trigger: "axis" },
        legend: { top: 0, type: "scroll" },
        grid: { left: 8, right: 8, top: 48, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: data.labels, axisLabel: { interval: "auto", hideOverlap: true } },
        yAxis: [
          { type: "value", name: "件", minInterval: 1 },
          { type: "value", name: "%", min: 0, max: 100, splitLine: { show: false } },
        ],
        series: [
          { name: texts.found, type: "bar", data: data.found },
          { name: texts.mediated, type: "bar", data: data.mediated },
          { name: texts.success_rate, type: "line", yAxisIndex: 1, data: data.success_rate, connectNulls: true },
        ],
      });
    }
    window.addEventListener("resize", function () { chart.resize(); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
