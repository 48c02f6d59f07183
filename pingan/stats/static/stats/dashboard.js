/* Dashboard charts (数据看板). Data comes from the json_script tag "stats-charts" rendered by the server
   from the same breakdown functions as /api/v1/stats/breakdown/; nothing here is inline (CSP). */
(function () {
  "use strict";

  function readData(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function hasData(series) {
    return series && series.received && series.received.some(function (n) { return n > 0; });
  }

  function emptyOption(text) {
    return {
      title: { text: text, left: "center", top: "middle", textStyle: { color: "#6c757d", fontSize: 14, fontWeight: "normal" } },
    };
  }

  function barLineOption(series, texts, rotate) {
    return {
      tooltip: { trigger: "axis" },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 8, top: 56, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: series.labels, axisLabel: { interval: "auto", hideOverlap: true, rotate: rotate ? 30 : 0 } },
      yAxis: [
        { type: "value", name: "件", minInterval: 1 },
        { type: "value", name: "%", min: 0, max: 100, splitLine: { show: false } },
      ],
      series: [
        { name: texts.received, type: "bar", data: series.received },
        { name: texts.closed, type: "bar", data: series.closed },
        { name: texts.closure_rate, type: "line", yAxisIndex: 1, data: series.closure_rate, connectNulls: true },
        { name: texts.satisfaction_rate, type: "line", yAxisIndex: 1, data: series.satisfaction_rate, connectNulls: true },
      ],
    };
  }

  function monthOption(series, texts) {
    var option = barLineOption(series, texts, false);
    option.series[0].type = "line";
    option.series[1].type = "line";
    option.series.push({
      name: texts.mediation_success_rate, type: "line", yAxisIndex: 1, data: series.mediation_success_rate, connectNulls: true,
    });
    return option;
  }

  function categoryOption(series, texts) {
    return {
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: { type: "scroll", bottom: 0 },
      series: [{
        name: texts.received,
        type: "pie",
        radius: ["35%", "65%"],
        center: ["50%", "45%"],
        data: series.labels.map(function (label, i) { return { name: label, value: series.received[i] }; }),
      }],
    };
  }

  function init() {
    var data = readData("stats-charts");
    var charts = [];
    if (data && typeof window.echarts !== "undefined") {
      var texts = data.texts;
      var plan = [
        ["chart-region", data.region, function (s) { return barLineOption(s, texts, s.labels.length > 4); }],
        ["chart-category", data.category, function (s) { return categoryOption(s, texts); }],
        ["chart-month", data.month, function (s) { return monthOption(s, texts); }],
      ];
      plan.forEach(function (item) {
        var element = document.getElementById(item[0]);
        if (!element) { return; }
        var chart = window.echarts.init(element);
        chart.setOption(hasData(item[1]) ? item[2](item[1]) : emptyOption(texts.empty));
        charts.push(chart);
      });
      window.addEventListener("resize", function () {
        charts.forEach(function (chart) { chart.resize(); });
      });
    }
    if (window.bootstrap && window.bootstrap.Tooltip) {
      document.querySelectorAll('[data-bs-toggle="tooltip"]').forEach(function (element) {
        new window.bootstrap.Tooltip(element);
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
