/* The map dashboard (网格地图). Draws one level of regions from their outlines (GeoJSON, WGS-84) with the
   vendored ECharts: a choropleth by the chosen measure, an optional heat layer of case locations and an
   optional camera layer. Clicking a region drills down (districts → townships → communities → grids);
   clicking a grid cell loads its side panel with htmx. The figures table below the map is server-rendered
   and reloaded with htmx on every level change. No tiles, no network beyond this site; nothing inline (CSP). */
(function () {
  "use strict";

  var COLOURS = ["#edf8e9", "#fee391", "#fd8d3c", "#d7301f"];
  var CAMERA_COLOURS = ["#1b9e77", "#7570b3", "#d95f02", "#999999"];
  var HEAT_COLOURS = ["rgba(33,150,243,0.2)", "#2196f3", "#ffeb3b", "#f44336"];

  var config;
  var chart;
  var state = { region: "", layersRegion: null, level: null, rows: {}, mapName: "", heat: null, cameras: null, risks: null, measure: "open", serial: 0 };

  function readConfig() {
    var element = document.getElementById("map-config");
    return element ? JSON.parse(element.textContent) : null;
  }

  function withQuery(url, params) {
    var query = new URLSearchParams();
    Object.keys(params).forEach(function (key) {
      var value = params[key];
      if (Array.isArray(value)) {
        value.forEach(function (item) { query.append(key, item); });
      } else if (value) {
        query.append(key, value);
      }
    });
    var text = query.toString();
    return text ? url + "?" + text : url;
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    });
  }

  function setStatus(text) {
    var element = document.getElementById("map-status");
    if (element) { element.textContent = text || ""; }
  }

  function checked(id) {
    var element = document.getElementById(id);
    return Boolean(element && element.checked);
  }

  function regionName(code) {
    var row = state.rows[code];
    return row ? row.name : code;
  }

  function formatValue(value) {
    return value === null || value === undefined ? "—" : String(value);
  }

  function tooltip(params) {
    if (params.seriesType === "scatter") {
      if (params.data && params.data.url) {  // a risk: its number and title under its level
        return echarts.format.encodeHTML(params.seriesName) + "<br>" + echarts.format.encodeHTML(params.data.name);
      }
      return params.seriesName;
    }
    var row = state.rows[params.name];
    if (!row) { return ""; }
    var texts = config.texts;
    return [
      "<strong>" + echarts.format.encodeHTML(row.name) + "</strong>",
      texts.open + ":" + row.open,
      texts.overdue + ":" + row.overdue,
      texts.density + ":" + formatValue(row.density),
      texts.grids + ":" + row.grids + " · " + texts.centres + ":" + row.centres,
      texts.cameras + ":" + row.cameras,
    ].join("<br>");
  }

  function buildOption() {
    var rows = state.level.rows;
    var measure = state.measure;
    var values = rows.map(function (row) { return row[measure]; }).filter(function (v) { return v !== null; });
    var max = Math.max.apply(null, values.concat([1]));
    var series = [{
      type: "map",
      geoIndex: 0,
      name: config.measures[measure],
      data: rows.map(function (row) {
        return { name: row.code, value: row[measure] === null ? NaN : row[measure] };
      }),
    }];
    var visualMaps = [{
      type: "continuous",
      seriesIndex: 0,
      min: 0,
      max: max,
      calculable: true,
      left: 8,
      bottom: 8,
      itemHeight: 100,
      inRange: { color: COLOURS },
    }];
    if (state.heat && state.heat.points.length) {
      series.push({
        type: "heatmap",
        name: config.texts.heat,
        coordinateSystem: "geo",
        data: state.heat.points.map(function (p) { return [p[0], p[1], 1]; }),
        pointSize: 10,
        blurSize: 16,
      });
      // Where many cases overlap the heat saturates later: the scale grows with the number of points.
      var heatMax = Math.max(1, Math.min(20, Math.ceil(state.heat.points.length / 200)));
      visualMaps.push({ type: "continuous", seriesIndex: series.length - 1, show: false, min: 0, max: heatMax, inRange: { color: HEAT_COLOURS } });
    }
    if (state.cameras) {
      var groups = state.cameras.statuses.map(function () { return []; });
      state.cameras.points.forEach(function (p) { groups[p[2]].push([p[0], p[1]]); });
      state.cameras.statuses.forEach(function (status, index) {
        if (!groups[index].length) { return; }
        series.push({
          type: "scatter",
          name: config.texts.cameras + "·" + status.label,
          coordinateSystem: "geo",
          large: true,
          largeThreshold: 500,
          symbolSize: 5,
          itemStyle: { color: CAMERA_COLOURS[index % CAMERA_COLOURS.length] },
          data: groups[index],
        });
      });
    }
    if (state.risks) {
      // One series per level, in the legend's order (红 first), coloured as the legend says.
      state.risks.legend.forEach(function (item) {
        var data = state.risks.points.filter(function (p) { return p.level === item.level; }).map(function (p) {
          return { value: [p.lng, p.lat], name: p.number + " " + p.title, url: p.url };
        });
        if (!data.length) { return; }
        series.push({
          type: "scatter",
          name: config.texts.risks + "·" + item.label,
          coordinateSystem: "geo",
          symbolSize: 12,
          itemStyle: { color: item.colour, borderColor: "#ffffff", borderWidth: 1 },
          data: data,
        });
      });
    }
    return {
      tooltip: { trigger: "item", formatter: tooltip },
      geo: {
        map: state.mapName,
        nameProperty: "code",
        roam: true,
        label: {
          show: rows.length <= 40,
          fontSize: 11,
          color: "#212529",
          formatter: function (params) { return regionName(params.name); },
        },
        itemStyle: { areaColor: "#e9ecef", borderColor: "#ffffff", borderWidth: 1 },
        emphasis: { label: { show: true }, itemStyle: { areaColor: "#90caf9" } },
        select: { disabled: true },
      },
      visualMap: visualMaps,
      series: series,
    };
  }

  function render() {
    if (!state.level) { return; }
    // Says which level is drawn (scripts and browser tests wait for it before clicking).
    var element = document.getElementById("map-chart");
    element.setAttribute("data-drawn", state.region || "-");
    // ... and which layers have arrived for it ("430211:heat cameras"; they come after the outlines).
    var layers = [state.heat ? "heat" : "", state.cameras ? "cameras" : "", state.risks ? "risks" : ""].filter(Boolean).join(" ");
    element.setAttribute("data-layers", state.layersRegion === state.region ? state.region + ":" + layers : "");
    if (!state.level.features.features.length) {
      chart.clear();
      setStatus(config.texts.noShapes);
      return;
    }
    chart.setOption(buildOption(), { notMerge: true });
    var notes = [];
    if (state.heat && state.heat.truncated) { notes.push(config.texts.heatTruncated); }
    if (state.cameras && state.cameras.truncated) { notes.push(config.texts.camerasTruncated); }
    if (state.risks && state.risks.truncated) { notes.push(config.texts.risksTruncated); }
    setStatus(notes.join(" "));
  }

  function loadLayers(serial) {
    var region = state.region;
    var heat = checked("layer-heat") ? getJSON(withQuery(config.heatUrl, { region: region })) : Promise.resolve(null);
    var cameras = checked("layer-cameras") ? getJSON(withQuery(config.camerasUrl, { region: region })) : Promise.resolve(null);
    var levels = Array.prototype.map.call(document.querySelectorAll("input[name=risk_level]:checked"), function (input) { return input.value; });
    var risks = checked("layer-risks") && levels.length ? getJSON(withQuery(config.risksUrl, { region: region, level: levels })) : Promise.resolve(null);
    return Promise.all([heat, cameras, risks]).then(function (layers) {
      if (serial !== state.serial) { return; }
      state.heat = layers[0];
      state.cameras = layers[1];
      state.risks = layers[2];
      state.layersRegion = region;
      render();
    });
  }

  function failed() {
    setStatus(config.texts.error);
  }

  function loadLevel(region, push, keepTable) {
    state.serial += 1;
    var serial = state.serial;
    setStatus(config.texts.loading);
    getJSON(withQuery(config.regionsUrl, { region: region })).then(function (level) {
      if (serial !== state.serial) { return null; }
      state.region = region;
      state.level = level;
      state.rows = {};
      level.rows.forEach(function (row) { state.rows[row.code] = row; });
      state.mapName = "pingan-" + (region || "roots");
      if (level.features.features.length) {
        echarts.registerMap(state.mapName, level.features);
      }
      render();
      return loadLayers(serial);
    }).catch(failed);
    if (window.htmx && !keepTable) {
      window.htmx.ajax("GET", withQuery(config.tableUrl, { region: region }), { target: "#map-level", swap: "innerHTML" });
    }
    if (push) {
      window.history.pushState({ region: region }, "", withQuery(window.location.pathname, { region: region }));
    }
  }

  function openPanel(code) {
    if (!window.htmx) { return; }
    var url = config.panelUrl.replace(config.panelPlaceholder, encodeURIComponent(code));
    window.htmx.ajax("GET", url, { target: "#map-panel", swap: "innerHTML" });
    var panel = document.getElementById("map-panel");
    if (panel && window.innerWidth < 992) { panel.scrollIntoView({ behavior: "smooth", block: "start" }); }
  }

  // Ray casting: is [x, y] inside the ring (a GeoJSON linear ring)?
  function inRing(point, ring) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
      var a = ring[i], b = ring[j];
      if ((a[1] > point[1]) !== (b[1] > point[1]) &&
          point[0] < (b[0] - a[0]) * (point[1] - a[1]) / (b[1] - a[1]) + a[0]) {
        inside = !inside;
      }
    }
    return inside;
  }

  function inPolygon(point, rings) {
    if (!inRing(point, rings[0])) { return false; }
    for (var k = 1; k < rings.length; k += 1) {
      if (inRing(point, rings[k])) { return false; }  // a hole
    }
    return true;
  }

  // The code of the drawn region that contains a map point (null outside every region).
  function regionAt(point) {
    var features = state.level ? state.level.features.features : [];
    for (var f = 0; f < features.length; f += 1) {
      var geometry = features[f].geometry;
      var polygons = geometry.type === "MultiPolygon" ? geometry.coordinates : [geometry.coordinates];
      for (var p = 0; p < polygons.length; p += 1) {
        if (inPolygon(point, polygons[p])) { return features[f].properties.code; }
      }
    }
    return null;
  }

  function onChartClick(params) {
    var code = params.name;
    if (params.seriesType === "scatter" && params.data && params.data.url) {
      window.location.href = params.data.url;  // a risk opens its page
      return;
    }
    if (params.seriesType === "scatter" || params.seriesType === "heatmap") {
      // A camera point or the heat sits on top of a region: a click there means the region under it.
      var pixel = [params.event.offsetX, params.event.offsetY];
      code = regionAt(chart.convertFromPixel({ geoIndex: 0 }, pixel));
    }
    var row = state.rows[code];
    if (!row) { return; }
    if (row.level < config.gridLevel) {
      loadLevel(row.code, true);
    } else {
      openPanel(row.code);
    }
  }

  function onLevelLinkClick(event) {
    var link = event.target.closest("a[data-region]");
    if (!link) { return; }
    event.preventDefault();
    loadLevel(link.getAttribute("data-region"), true);
  }

  function init() {
    config = readConfig();
    var element = document.getElementById("map-chart");
    if (!config || !element || typeof window.echarts === "undefined") { return; }
    chart = window.echarts.init(element);
    chart.on("click", onChartClick);
    window.addEventListener("resize", function () { chart.resize(); });
    document.querySelectorAll("input[name=measure]").forEach(function (input) {
      input.addEventListener("change", function () {
        state.measure = input.value;
        render();
      });
    });
    document.querySelectorAll("input[name=risk_level]").forEach(function (input) {
      input.addEventListener("change", function () { if (checked("layer-risks")) { loadLayers(state.serial).catch(failed); } });
    });
    ["layer-heat", "layer-cameras", "layer-risks"].forEach(function (id) {
      var input = document.getElementById(id);
      if (input) {
        input.addEventListener("change", function () { loadLayers(state.serial).catch(failed); });
      }
    });
    var level = document.getElementById("map-level");
    if (level) { level.addEventListener("click", onLevelLinkClick); }
    window.addEventListener("popstate", function (event) {
      loadLevel(event.state && event.state.region ? event.state.region : "", false);
    });
    window.history.replaceState({ region: config.region }, "");
    loadLevel(config.region, false, true);  // the page came with this level's table
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
