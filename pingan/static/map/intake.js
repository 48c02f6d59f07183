/* Clicking the place on the intake form (/cases/new/): the outlines of the clerk's jurisdiction (the same
   GeoJSON the map dashboard draws, WGS-84) in the vendored ECharts; a click writes the point's WGS-84
   latitude and longitude into the form (coordinate system preset to WGS-84), marks it, and names the grid
   it falls in (the locate API). Choosing a region in the form redraws the map at that region. The typed
   fields stay: a position pasted from a GPS or a map app is entered there. Nothing inline (CSP). */
(function () {
  "use strict";

  var config;
  var chart;
  var point = null;
  var serial = 0;

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    });
  }

  function field(name) {
    return document.querySelector("[name=" + name + "]");
  }

  function setStatus(text) {
    var element = document.getElementById("intake-map-status");
    if (element) { element.textContent = text; }
  }

  function draw() {
    var series = [];
    if (point) {
      series.push({
        type: "scatter",
        coordinateSystem: "geo",
        symbol: "pin",
        symbolSize: 28,
        animation: false,
        itemStyle: { color: "#d7301f" },
        data: [[point[0], point[1]]],
      });
    }
    chart.setOption({
      geo: {
        map: "pingan-intake",
        roam: true,
        itemStyle: { areaColor: "#e9ecef", borderColor: "#6c757d", borderWidth: 1 },
        emphasis: { itemStyle: { areaColor: "#cfe2ff" }, label: { show: false } },
        select: { disabled: true },
        label: { show: false },
      },
      series: series,
    }, { replaceMerge: ["series"] });
  }

  function load(region) {
    serial += 1;
    var mine = serial;
    setStatus(config.texts.loading);
    var url = config.regionsUrl + (region ? "?region=" + encodeURIComponent(region) : "");
    getJSON(url).then(function (level) {
      if (mine !== serial) { return; }
      if (!level.features.features.length) {
        setStatus(config.texts.noShapes);
        return;
      }
      echarts.registerMap("pingan-intake", level.features);
      chart.clear();
      draw();
      document.getElementById("intake-map").setAttribute("data-drawn", region || "-");
      setStatus(point ? "" : config.texts.hint);
    }).catch(function () {
      setStatus(config.texts.error);
    });
  }

  function describe(place) {
    if (!place.grid) {
      return place.reason === "outside_jurisdiction" ? config.texts.outsideJurisdiction : config.texts.outside;
    }
    var names = [place.district, place.township, place.community, place.grid]
      .filter(function (item) { return item; })
      .map(function (item) { return item.name; });
    return config.texts.inGrid.replace("%(place)s", names.join(" › "));
  }

  function choose(lng, lat) {
    point = [Number(lng.toFixed(6)), Number(lat.toFixed(6))];
    field("lng").value = point[0].toFixed(6);
    field("lat").value = point[1].toFixed(6);
    var system = field("coord_system");
    if (system) { system.value = config.wgs84; }
    draw();
    var element = document.getElementById("intake-map");
    element.removeAttribute("data-grid");
    setStatus(config.texts.locating);
    var mine = point.join(",");
    getJSON(config.locateUrl + "?lng=" + point[0] + "&lat=" + point[1]).then(function (place) {
      if (mine !== point.join(",")) { return; }
      element.setAttribute("data-grid", place.grid ? place.grid.code : "");
      setStatus(describe(place));
    }).catch(function () {
      setStatus(config.texts.error);
    });
  }

  function onClick(event) {
    var coordinates = chart.convertFromPixel({ geoIndex: 0 }, [event.offsetX, event.offsetY]);
    if (coordinates && isFinite(coordinates[0]) && isFinite(coordinates[1])) {
      choose(coordinates[0], coordinates[1]);
    }
  }

  function init() {
    var element = document.getElementById("intake-map");
    var holder = document.getElementById("intake-map-config");
    if (!element || !holder || typeof window.echarts === "undefined") { return; }
    config = JSON.parse(holder.textContent);
    element.classList.remove("d-none");
    chart = window.echarts.init(element);
    chart.getZr().on("click", onClick);
    window.addEventListener("resize", function () { chart.resize(); });
    var lat = parseFloat(field("lat").value);
    var lng = parseFloat(field("lng").value);
    var system = field("coord_system");
    if (isFinite(lat) && isFinite(lng) && (!system || system.value === config.wgs84)) { point = [lng, lat]; }
    var region = field("region");
    if (region) {
      region.addEventListener("change", function () { load(region.value); });
    }
    load(region && region.value ? region.value : "");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
