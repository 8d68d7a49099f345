/* airguard report: draws each run's map from the JSON embedded in the page (map.js). */
(function () {
  "use strict";
  var AG = window.AG;

  function drawTracks(map, rep) {
    var layer = map.layers.tracks;
    var colours = AG.CLASS_COLOURS;
    rep.threats.forEach(function (t) {
      if (!t.track || t.track.t.length < 2) return;
      var pts = t.track.lon.map(function (lon, i) {
        return [lon, t.track.lat[i]];
      });
      var hostileAircraft = !t.friendly && t["class"] === "aircraft";
      var colour = t.friendly ? colours.aircraft : hostileAircraft ? colours["hostile aircraft"] : colours[t["class"]] || colours.unknown;
      var p = AG.svgEl(
        "path",
        { class: "ag-track " + (t.fate === "leaked" ? "leaked" : ""), d: map.pathOf(pts), stroke: colour, "data-threat": t.id },
        layer
      );
      AG.svgEl("title", null, p).textContent =
        "threat " + t.id + " (" + t.type + ", " + t.raid + "): " + t.fate + (t.asset_hit ? " — hit " + t.asset_hit : "");
      var last = pts[pts.length - 1];
      var end = map.marker("tracks", last[0], last[1], { class: "ag-track-end" });
      var killed = t.fate === "killed" || t.fate === "shot down";
      AG.svgEl(
        "text",
        { "text-anchor": "middle", y: "4", fill: killed ? "#2e7d32" : t.fate === "leaked" ? "#b71c1c" : "#555" },
        end
      ).textContent = killed ? "\u2715" : t.fate === "leaked" ? "\u25CF" : "\u25CB";
    });
  }

  /* A group of extra layers in a map, with a switch in the map's corner. */
  function extraLayer(map, parent, name, label, on) {
    var g = AG.svgEl("g", { class: "ag-layer ag-layer-" + name, "data-layer": name }, map.layers[parent]);
    var switches = map.svg.parentNode.querySelector(".ag-switches-body");
    if (switches) {
      var row = AG.htmlEl("label", null, null);
      var box = AG.htmlEl("input", { type: "checkbox", "data-layer": name }, row);
      box.checked = on !== false;
      g.style.display = box.checked ? "" : "none";
      row.appendChild(document.createTextNode(" " + label));
      switches.insertBefore(row, switches.firstChild);
      box.addEventListener("change", function () {
        g.style.display = box.checked ? "" : "none";
        map.placeLabels();
      });
    }
    return g;
  }

  /* Screen angle (deg, clockwise from up) of a true bearing at (lat, lon) on this map. */
  function screenAngle(map, lat, lon, bearingDeg) {
    var a = map.project(lon, lat);
    var p = AG.destination(lat, lon, bearingDeg, 10);
    var b = map.project(p[1], p[0]);
    return (Math.atan2(b[0] - a[0], -(b[1] - a[1])) * 180) / Math.PI;
  }

  /* A site: triangle, heading tick and sector wedge (constant size on screen). */
  function drawSite(map, layer, u, colour, hollow, kind) {
    var g = map.marker("units", u.lon, u.lat, { class: "ag-site ag-site-" + kind, "data-name": u.name });
    layer.appendChild(g);
    if (u.heading_deg !== null && u.heading_deg !== undefined) {
      var ang = screenAngle(map, u.lat, u.lon, u.heading_deg);
      var half = Math.min((u.sector_deg || 360) / 2, 180);
      if (half < 180) {
        var r = 26;
        var a0 = ((ang - half - 90) * Math.PI) / 180;
        var a1 = ((ang + half - 90) * Math.PI) / 180;
        var large = 2 * half > 180 ? 1 : 0;
        AG.svgEl(
          "path",
          {
            class: "ag-sector",
            d: "M0,0 L" + (r * Math.cos(a0)).toFixed(1) + "," + (r * Math.sin(a0)).toFixed(1) +
              " A" + r + "," + r + " 0 " + large + " 1 " + (r * Math.cos(a1)).toFixed(1) + "," + (r * Math.sin(a1)).toFixed(1) + " Z",
            fill: colour,
          },
          g
        );
      }
      AG.svgEl("path", { class: "ag-heading", d: "M0,0 L0,-22", stroke: colour, transform: "rotate(" + ang.toFixed(1) + ")" }, g);
    }
    AG.svgEl("path", { d: "M0,-8 L7,5 L-7,5 Z", fill: hollow ? "#fff" : colour, stroke: colour, "stroke-width": hollow ? 2 : 1.2 }, g);
    AG.svgEl("text", { x: "9", y: hollow ? "14" : "4", class: "ag-label" }, g).textContent = u.name;
    AG.svgEl("title", null, g).textContent =
      u.name + " (" + u.system + ")" +
      (u.heading_deg === null || u.heading_deg === undefined ? ", default heading" : ", heading " + AG.fmt(u.heading_deg, 0) + "°") +
      (u.sector_deg && u.sector_deg < 360 ? ", sector " + AG.fmt(u.sector_deg, 0) + "°" : ", all round");
    return g;
  }

  function drawPlacement(map, pl) {
    var cand = extraLayer(map, "sensors", "candidates", "candidate sites");
    (pl.candidates || []).forEach(function (c) {
      var g = map.marker("sensors", c.lon, c.lat, { class: "ag-candidate", "data-name": c.name });
      cand.appendChild(g);
      AG.svgEl("circle", { r: "4" }, g);
      AG.svgEl("title", null, g).textContent = "candidate site " + c.name;
    });
    if (pl.given) {
      var given = extraLayer(map, "units", "given", "given sites");
      pl.given.units.forEach(function (u) {
        drawSite(map, given, u, "#546e7a", true, "given");
      });
    }
    var chosen = extraLayer(map, "units", "chosen", "optimised sites");
    var colours = AG.UNIT_COLOURS;
    function show(k) {
      while (chosen.firstChild) chosen.removeChild(chosen.firstChild);
      var o = pl.options[k];
      if (!o) return;
      o.units.forEach(function (u) {
        drawSite(map, chosen, u, colours[k % colours.length], false, "chosen");
      });
      chosen.setAttribute("data-option", o.id);
      map.refresh();
    }
    if (pl.options.length) {
      var switches = map.svg.parentNode.querySelector(".ag-switches-body");
      var sel = AG.htmlEl("select", { class: "ag-placement-pick", title: "optimised placement shown" }, null);
      pl.options.forEach(function (o, k) {
        AG.htmlEl("option", { value: String(k) }, sel, o.label);
      });
      if (switches) switches.insertBefore(sel, switches.firstChild);
      sel.addEventListener("change", function () {
        show(Number(sel.value));
      });
      show(0);
    }
    map.legendItem("sym-unit", null, "optimised site (tick: heading; wedge: radar sector)");
    map.legendItem("sym-given", null, "given site");
    map.legendItem("sym-candidate", null, "candidate site");
  }

  // hostile aircraft, as on the report's timeline (report/charts.py TIMELINE_COLOURS)
  var HOSTILE_AIRCRAFT = AG.CLASS_COLOURS["hostile aircraft"];

  function drawExposure(map, ex) {
    var routes = extraLayer(map, "tracks", "routes", "routes");
    ex.routes.forEach(function (r) {
      var p = AG.svgEl(
        "path",
        {
          class: "ag-route " + (r.exposed ? "exposed" : "unexposed") + (r.side === "hostile" ? " hostile" : ""),
          d: map.pathOf(r.coords),
          "data-flight": r.flight,
          "data-exposed": r.exposed ? "1" : "0",
        },
        routes
      );
      AG.svgEl("title", null, p).textContent =
        r.flight + ", " + AG.fmt(r.t_start_s, 0) + "–" + AG.fmt(r.t_end_s, 0) + " s: " +
        (r.exposed ? "exposed to " + r.radars.join(", ") + " (best SNR " + AG.fmt(r.snr_db, 1) + " dB, " + r.radar + ")" : "not exposed");
    });
    var hostile = false;
    ex.flights.forEach(function (f) {
      var foe = f.side === "hostile";
      hostile = hostile || foe;
      var g = map.marker("tracks", f.lon, f.lat, { class: "ag-flight-start" + (foe ? " hostile" : ""), "data-name": f.name });
      routes.appendChild(g);
      AG.svgEl("text", { "text-anchor": "middle", y: "4", fill: foe ? HOSTILE_AIRCRAFT : AG.CLASS_COLOURS.aircraft }, g).textContent = "\u2708";
      AG.svgEl("text", { x: "9", y: "14", class: "ag-label" }, g).textContent = f.name;
    });
    var sites = {};
    ex.radars.forEach(function (r) {
      var key = r.lat.toFixed(4) + "," + r.lon.toFixed(4);
      (sites[key] = sites[key] || { lat: r.lat, lon: r.lon, names: [] }).names.push(r.name);
    });
    Object.keys(sites).forEach(function (key) {
      var s = sites[key];
      var g = map.marker("sensors", s.lon, s.lat, { class: "ag-sensor ag-radar-site", "data-name": s.names.join(", ") });
      AG.svgEl("path", { d: "M0,-7 L6,0 L0,7 L-6,0 Z" }, g);
      AG.svgEl("text", { x: "9", y: "4", class: "ag-label" }, g).textContent = s.names.join(", ");
      AG.svgEl("title", null, g).textContent = "radar site: " + s.names.join(", ");
    });
    map.legendItem("sym-line", "#c62828", "exposed (P_D ≥ " + ex.pd_min + ", RCS " + ex.level + ")");
    map.legendItem("sym-line", "#1565c0", "route, not exposed");
    map.legendItem("sym-sensor", null, "radar site");
    if (hostile) map.legendItem("sym-line", HOSTILE_AIRCRAFT, "\u2708 hostile flight (dashed route)");
  }

  function init() {
    var holders = document.querySelectorAll("[data-scene]");
    Array.prototype.forEach.call(holders, function (holder, i) {
      var source = document.getElementById(holder.getAttribute("data-scene"));
      var scene = JSON.parse(source.textContent);
      var study = scene.placement || scene.exposure;
      var map = AG.createMap(holder, scene, {
        idPrefix: "map" + i,
        hidden: scene.replication ? [] : ["tracks"],
        switches: study ? (scene.placement ? [["axes", "threat axes"], ["graticule", "graticule"]] : [["graticule", "graticule"]]) : undefined,
      });
      if (study) {
        // the generic legend's fire-unit (and, with no assets, asset) rows do not apply here
        Array.prototype.forEach.call(holder.querySelectorAll(".ag-legend-row"), function (row) {
          var sym = row.querySelector(".ag-legend-symbol");
          if (sym.classList.contains("sym-unit") || (sym.classList.contains("sym-asset") && !(scene.assets || []).length)) row.remove();
        });
      }
      if (scene.placement) drawPlacement(map, scene.placement);
      if (scene.exposure) drawExposure(map, scene.exposure);
      if (scene.replication) {
        drawTracks(map, scene.replication);
        map.legendItem("sym-dot", "#b71c1c", "impact of a leaker (rep. " + scene.replication.replication + ")");
        map.legendItem("sym-line", "#2e7d32", "\u2715 kill (rep. " + scene.replication.replication + ")");
      }
      map.refresh();
    });
    document.body.setAttribute("data-ready", "1");
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
