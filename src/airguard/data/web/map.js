/* airguard map: the region of a run drawn in SVG, with no library and no network.
 *
 * Projection: equirectangular about the centre of the scene's box, in kilometres
 * (x east = Δlon · cos(lat0) · 111.32 km, y south = −Δlat · 111.32 km).  Over a region a
 * few hundred kilometres across this distorts distances by a few per cent, which the scale
 * bar states.  Circles of a given radius (damage radii, launch areas, range rings) are
 * drawn as geodesic circles on the sphere, then projected.
 *
 * Markers (assets, units, threats...) keep their size on screen when zooming: each is a
 * group drawn in pixels and scaled by the current kilometres per pixel.
 *
 * AG.createMap(container, scene, options) -> map; scene as airguard.report.scene.scene().
 */
(function () {
  "use strict";
  var AG = (window.AG = window.AG || {});
  var NS = "http://www.w3.org/2000/svg";
  var KM_PER_DEG = 111.32;
  var R_EARTH_KM = 6371.0088;
  var CLASS_COLOURS = {
    ballistic: "#c62828",
    cruise: "#ef6c00",
    drone: "#6a1b9a",
    aircraft: "#00838f",
    // hostile aircraft (flights with side: hostile; report/charts.py TIMELINE_COLOURS)
    "hostile aircraft": "#ad1457",
    unknown: "#555555",
  };
  var SMALL_MAP_PX = [600, 380]; // narrower or lower than this, the layer panel starts folded
  var UNIT_COLOURS = ["#1565c0", "#2e7d32", "#00838f", "#5d4037", "#283593", "#558b2f", "#4527a0"];
  AG.CLASS_COLOURS = CLASS_COLOURS;
  AG.UNIT_COLOURS = UNIT_COLOURS;

  function el(name, attrs, parent) {
    var node = document.createElementNS(NS, name);
    if (attrs) {
      for (var k in attrs) {
        if (attrs[k] !== null && attrs[k] !== undefined) node.setAttribute(k, attrs[k]);
      }
    }
    if (parent) parent.appendChild(node);
    return node;
  }
  AG.svgEl = el;

  function html(tag, attrs, parent, text) {
    var node = document.createElement(tag);
    if (attrs) for (var k in attrs) node.setAttribute(k, attrs[k]);
    if (text !== undefined && text !== null) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }
  AG.htmlEl = html;

  function fmt(x, digits) {
    if (x === null || x === undefined || !isFinite(x)) return "—";
    return Number(x).toFixed(digits === undefined ? 1 : digits);
  }
  AG.fmt = fmt;

  /* Point reached from (lat, lon) along a great circle (deg, km). */
  function destination(lat, lon, bearingDeg, distKm) {
    var d = distKm / R_EARTH_KM;
    var b = (bearingDeg * Math.PI) / 180;
    var p1 = (lat * Math.PI) / 180;
    var l1 = (lon * Math.PI) / 180;
    var p2 = Math.asin(Math.sin(p1) * Math.cos(d) + Math.cos(p1) * Math.sin(d) * Math.cos(b));
    var l2 = l1 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(p1), Math.cos(d) - Math.sin(p1) * Math.sin(p2));
    return [(p2 * 180) / Math.PI, (l2 * 180) / Math.PI];
  }
  AG.destination = destination;

  function createMap(container, scene, options) {
    options = options || {};
    var box = scene.box;
    var lon0 = (box[0] + box[2]) / 2;
    var lat0 = (box[1] + box[3]) / 2;
    var kx = Math.cos((lat0 * Math.PI) / 180) * KM_PER_DEG;
    var ky = KM_PER_DEG;
    function project(lon, lat) {
      return [(lon - lon0) * kx, -(lat - lat0) * ky];
    }
    var p0 = project(box[0], box[3]);
    var p1 = project(box[2], box[1]);
    var full = { x: p0[0], y: p0[1], w: p1[0] - p0[0], h: p1[1] - p0[1] };
    var view = { x: full.x, y: full.y, w: full.w, h: full.h };

    container.classList.add("ag-map-container");
    var frame = html("div", { class: "ag-map-frame" }, container);
    var svg = el("svg", {
      class: "ag-map",
      xmlns: NS,
      preserveAspectRatio: "xMidYMid meet",
      role: "img",
      "aria-label": "map of " + (scene.scenario || "the scenario"),
    });
    frame.appendChild(svg);
    var defs = el("defs", null, svg);
    var clip = el("clipPath", { id: (options.idPrefix || "m") + "-clip" }, defs);
    var mapBox = scene.map && scene.map.box ? scene.map.box : box;
    var q0 = project(mapBox[0], mapBox[3]);
    var q1 = project(mapBox[2], mapBox[1]);
    var drawn = { x: q0[0], y: q0[1], w: q1[0] - q0[0], h: q1[1] - q0[1] };
    el("rect", { x: drawn.x, y: drawn.y, width: drawn.w, height: drawn.h }, clip);
    var root = el("g", { "clip-path": "url(#" + (options.idPrefix || "m") + "-clip)" }, svg);
    el("rect", { class: "ag-sea", x: drawn.x, y: drawn.y, width: drawn.w, height: drawn.h }, root);

    var layers = {};
    var layerNames = [
      "land",
      "graticule",
      "coast",
      "borders",
      "countries",
      "coverage",
      "rings",
      "axes",
      "tracks",
      "assets",
      "sensors",
      "units",
      "dynamic",
      "top",
    ];
    layerNames.forEach(function (name) {
      layers[name] = el("g", { class: "ag-layer ag-layer-" + name, "data-layer": name }, root);
    });

    var markers = [];
    function kmPerPx() {
      var w = svg.clientWidth || container.clientWidth || 800;
      var h = svg.clientHeight || container.clientHeight || 500;
      return Math.max(view.w / w, view.h / h);
    }
    function placeMarker(node, x, y) {
      node.setAttribute("transform", "translate(" + x.toFixed(3) + " " + y.toFixed(3) + ") scale(" + kmPerPx().toFixed(5) + ")");
    }
    function marker(layer, lon, lat, attrs) {
      var xy = project(lon, lat);
      var g = el("g", attrs || {}, layers[layer]);
      g.classList.add("ag-marker");
      var entry = { node: g, x: xy[0], y: xy[1] };
      g._agMarker = entry;
      markers.push(entry);
      placeMarker(g, xy[0], xy[1]);
      return g;
    }
    /* Move a marker made by marker() to (lon, lat). */
    function moveMarker(node, lon, lat) {
      var xy = project(lon, lat);
      var entry = node._agMarker;
      if (entry) {
        entry.x = xy[0];
        entry.y = xy[1];
        if (markers.indexOf(entry) < 0) markers.push(entry);
      }
      placeMarker(node, xy[0], xy[1]);
    }
    function refreshMarkers() {
      var s = kmPerPx().toFixed(5);
      markers.forEach(function (m) {
        if (m.node.isConnected) {
          m.node.setAttribute("transform", "translate(" + m.x.toFixed(3) + " " + m.y.toFixed(3) + ") scale(" + s + ")");
        }
      });
      markers = markers.filter(function (m) {
        return m.node.isConnected;
      });
      updateScaleBar();
      placeLabels();
      if (options.onZoom) options.onZoom(kmPerPx());
    }
    function applyView() {
      svg.setAttribute("viewBox", [view.x, view.y, view.w, view.h].join(" "));
      refreshMarkers();
    }

    function pathOf(points) {
      var d = "";
      for (var i = 0; i < points.length; i++) {
        var xy = project(points[i][0], points[i][1]);
        d += (i ? "L" : "M") + xy[0].toFixed(2) + " " + xy[1].toFixed(2);
      }
      return d;
    }
    function circlePath(lat, lon, radiusKm) {
      var pts = [];
      for (var b = 0; b <= 360; b += 5) {
        var p = destination(lat, lon, b, radiusKm);
        pts.push([p[1], p[0]]);
      }
      return pathOf(pts) + "Z";
    }
    function title(node, text) {
      el("title", null, node).textContent = text;
    }

    // --- labels that do not overlap: each label of a point (asset, unit, sensor, site,
    // threat axis) tries places around its point, nearest first, and takes the first that
    // touches no label placed before it, no other point's symbol, no overlay (the layer
    // panel, the scale bar) and stays inside the frame; a label placed away from its point
    // gets a leader line.  Without a free place it takes the least crowded one.  Country
    // names come last and are hidden where they would cover a label.  All in screen pixels
    // (markers are drawn in pixels), again after each zoom or resize.
    var LABEL_GAPS = [9, 22, 38, 56];
    var LABEL_DIRECTIONS = [
      [1, 0], [-1, 0], [0.7, -0.7], [0.7, 0.7], [-0.7, -0.7], [-0.7, 0.7], [0, -1], [0, 1],
    ];
    function labelRank(g) {
      var c = g.classList;
      if (c.contains("ag-asset")) return 0;
      if (c.contains("ag-unit") || c.contains("ag-site")) return 1;
      if (c.contains("ag-sensor")) return 2;
      if (c.contains("ag-axis-label")) return 4;
      return 3;
    }
    function shown(node) {
      for (var n = node; n && n !== svg; n = n.parentNode) {
        if (n.style && n.style.display === "none") return false;
      }
      return !!node.isConnected;
    }
    function labelMetrics(text) {
      // measured once in the text's own units (pixels: its marker is drawn in pixels)
      if (!text._agLabel) {
        var bb = text.getBBox();
        if (!bb.width) return null;
        text._agLabel = { x: bb.x, y: bb.y, w: bb.width, h: bb.height, ascent: parseFloat(text.getAttribute("y") || "0") - bb.y };
      }
      return text._agLabel;
    }
    function overlap(a, b) {
      var w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
      var h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
      return w > 0 && h > 0 ? w * h : 0;
    }
    function screenBox(rect, origin) {
      return { x: rect.left - origin.left, y: rect.top - origin.top, w: rect.width, h: rect.height };
    }
    function placeLabels() {
      var W = svg.clientWidth;
      var H = svg.clientHeight;
      if (!W || !H) return;
      var k = kmPerPx();
      var ox = (W - view.w / k) / 2;
      var oy = (H - view.h / k) / 2;
      var origin = svg.getBoundingClientRect();
      var items = [];
      var points = [];
      Array.prototype.forEach.call(svg.querySelectorAll("text.ag-label, .ag-axis-label text"), function (text) {
        var g = text.parentNode;
        var entry = g._agMarker;
        if (!entry || !shown(g)) return;
        var px = (entry.x - view.x) / k + ox;
        var py = (entry.y - view.y) / k + oy;
        if (px < 0 || px > W || py < 0 || py > H) return;
        var m = labelMetrics(text);
        if (!m) return;
        var axis = g.classList.contains("ag-axis-label");
        items.push({ text: text, g: g, m: m, px: px, py: py, rank: labelRank(g), order: items.length });
        if (!axis) points.push({ g: g, box: { x: px - 7, y: py - 8, w: 14, h: 16 } });
      });
      items.sort(function (a, b) {
        return a.rank - b.rank || a.order - b.order;
      });
      var overlays = [];
      Array.prototype.forEach.call(frame.querySelectorAll(".ag-switches, .ag-scale"), function (node) {
        var r = node.getBoundingClientRect();
        if (r.width && r.height) overlays.push(screenBox(r, origin));
      });
      var placed = [];
      items.forEach(function (it) {
        var m = it.m;
        // the label's own place first (as drawn), then around its point, nearest first
        var candidates = [{ x: m.x, y: m.y, far: false }];
        LABEL_GAPS.forEach(function (gap, ring) {
          LABEL_DIRECTIONS.forEach(function (d) {
            var x = d[0] > 0 ? gap * d[0] : d[0] < 0 ? gap * d[0] - m.w : -m.w / 2;
            var y = d[1] > 0 ? gap * d[1] : d[1] < 0 ? gap * d[1] - m.h : -m.h / 2;
            candidates.push({ x: x, y: y, far: ring > 0 });
          });
        });
        var best = null;
        for (var c = 0; c < candidates.length; c++) {
          var cand = candidates[c];
          var box = { x: it.px + cand.x, y: it.py + cand.y, w: m.w, h: m.h };
          var cost = 0;
          placed.forEach(function (b) {
            cost += 10 * overlap(box, b);
          });
          points.forEach(function (p) {
            if (p.g !== it.g) cost += 3 * overlap(box, p.box);
          });
          overlays.forEach(function (b) {
            cost += overlap(box, b);
          });
          var inside = box.x >= 1 && box.y >= 1 && box.x + box.w <= W - 1 && box.y + box.h <= H - 1;
          if (!inside) cost += Math.max(m.w * m.h - overlap(box, { x: 1, y: 1, w: W - 2, h: H - 2 }), 1);
          if (!best || cost < best.cost - 1e-6) best = { cost: cost, cand: cand, box: box };
          if (cost === 0) break;
        }
        placed.push(best.box);
        var text = it.text;
        text.setAttribute("text-anchor", "start");
        text.setAttribute("x", best.cand.x.toFixed(1));
        text.setAttribute("y", (best.cand.y + m.ascent).toFixed(1));
        var leader = it.g.querySelector("line.ag-leader");
        if (best.cand.far) {
          if (!leader) {
            leader = el("line", { class: "ag-leader" }, null);
            it.g.insertBefore(leader, it.g.firstChild);
          }
          // from the symbol's edge to the nearest point of the label's box
          var bx = Math.min(Math.max(0, best.cand.x), best.cand.x + m.w);
          var by = Math.min(Math.max(0, best.cand.y), best.cand.y + m.h);
          var len = Math.sqrt(bx * bx + by * by) || 1;
          leader.setAttribute("x1", ((6 * bx) / len).toFixed(1));
          leader.setAttribute("y1", ((6 * by) / len).toFixed(1));
          leader.setAttribute("x2", bx.toFixed(1));
          leader.setAttribute("y2", by.toFixed(1));
          leader.style.display = "";
        } else if (leader) {
          leader.style.display = "none";
        }
        text.setAttribute("data-placed", best.cost === 0 ? "free" : "crowded");
      });
      // country names: where they are, or a line up or down, else hidden
      Array.prototype.forEach.call(svg.querySelectorAll(".ag-country-label text"), function (text) {
        var g = text.parentNode;
        var entry = g._agMarker;
        if (!entry || !shown(g)) return;
        var m = labelMetrics(text);
        if (!m) return;
        var px = (entry.x - view.x) / k + ox;
        var py = (entry.y - view.y) / k + oy;
        var fits = null;
        [0, -16, 16, -32, 32].some(function (dy) {
          var box = { x: px + m.x, y: py + m.y + dy, w: m.w, h: m.h };
          var free = placed.every(function (b) {
            return !overlap(box, b);
          }) && points.every(function (p) {
            return !overlap(box, p.box);
          });
          if (free) fits = { dy: dy, box: box };
          return free;
        });
        text.style.visibility = fits ? "" : "hidden";
        if (fits) {
          text.setAttribute("y", (m.y + m.ascent + fits.dy).toFixed(1));
          placed.push(fits.box);
        }
      });
    }

    // --- base map: land, coastlines, borders, graticule, country names
    var base = scene.map;
    if (base) {
      base.land.forEach(function (country) {
        var d = country.rings
          .map(function (ring) {
            return pathOf(ring) + "Z";
          })
          .join("");
        var p = el("path", { class: "ag-land", d: d, "fill-rule": "evenodd", "data-country": country.name }, layers.land);
        title(p, country.name);
      });
      base.coast.forEach(function (line) {
        el("path", { class: "ag-coast", d: pathOf(line) }, layers.coast);
      });
      base.borders.forEach(function (line) {
        el("path", { class: "ag-border", d: pathOf(line) }, layers.borders);
      });
      base.labels.forEach(function (lab) {
        var g = marker("countries", lab.lon, lab.lat, { class: "ag-country-label" });
        el("text", { "text-anchor": "middle", y: "4" }, g).textContent = lab.name;
      });
    }
    var step = box[2] - box[0] > 12 ? 2 : 1;
    for (var lon = Math.ceil(mapBox[0] / step) * step; lon <= mapBox[2]; lon += step) {
      el("path", { class: "ag-graticule", d: pathOf([[lon, mapBox[1]], [lon, mapBox[3]]]) }, layers.graticule);
    }
    for (var lat = Math.ceil(mapBox[1] / step) * step; lat <= mapBox[3]; lat += step) {
      el("path", { class: "ag-graticule", d: pathOf([[mapBox[0], lat], [mapBox[2], lat]]) }, layers.graticule);
    }

    var unitColour = {};
    (scene.units || []).forEach(function (u, i) {
      unitColour[u.name] = UNIT_COLOURS[i % UNIT_COLOURS.length];
    });

    // --- coverage footprints (GeoJSON from airguard.coverage), one colour per unit
    var coverageThreats = [];
    var coverageKinds = [];
    if (scene.coverage && scene.coverage.features) {
      scene.coverage.features.forEach(function (f) {
        var g = f.geometry;
        if (!g) return;
        var polys = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
        var d = polys
          .map(function (poly) {
            return poly
              .map(function (ring) {
                return pathOf(ring) + "Z";
              })
              .join("");
          })
          .join("");
        var props = f.properties || {};
        if (props.threat && coverageThreats.indexOf(props.threat) < 0) coverageThreats.push(props.threat);
        if (props.kind && coverageKinds.indexOf(props.kind) < 0) coverageKinds.push(props.kind);
        var p = el(
          "path",
          {
            class: "ag-coverage",
            d: d,
            "fill-rule": "evenodd",
            fill: unitColour[props.unit] || "#1565c0",
            stroke: unitColour[props.unit] || "#1565c0",
            "data-unit": props.unit || "",
            "data-threat": props.threat || "",
            "data-kind": props.kind || "",
          },
          layers.coverage
        );
        title(p, "coverage of " + (props.unit || "?") + " against " + (props.threat || "?") + (props.kind ? " (" + props.kind + ")" : ""));
      });
    }

    // --- range rings: the longest nominal interceptor range of each unit (catalogue)
    (scene.units || []).forEach(function (u) {
      if (!u.max_range_m) return;
      var p = el(
        "path",
        { class: "ag-ring", d: circlePath(u.lat, u.lon, u.max_range_m / 1000), stroke: unitColour[u.name] },
        layers.rings
      );
      title(p, u.name + ": longest nominal interceptor range " + fmt(u.max_range_m / 1000, 0) + " km (catalogue; not a coverage footprint)");
    });

    // --- threat axes: launch area, route through the waypoints, aim point
    (scene.raids || []).forEach(function (r, i) {
      var colour = CLASS_COLOURS[r.threat_class] || CLASS_COLOURS.unknown;
      var g = el("g", { class: "ag-axis", "data-raid": r.name }, layers.axes);
      if (r.launch.radius_m > 0) {
        el("path", { class: "ag-launch-area", d: circlePath(r.launch.lat, r.launch.lon, r.launch.radius_m / 1000), stroke: colour, fill: colour }, g);
      }
      el("path", { class: "ag-axis-line", d: pathOf(r.axis), stroke: colour }, g);
      if (r.axis.length >= 2) {
        // an arrowhead of constant size on screen at the aim point, along the last leg
        var a = project(r.axis[r.axis.length - 2][0], r.axis[r.axis.length - 2][1]);
        var b = r.axis[r.axis.length - 1];
        var bxy = project(b[0], b[1]);
        var angle = (Math.atan2(bxy[1] - a[1], bxy[0] - a[0]) * 180) / Math.PI;
        var head = marker("axes", b[0], b[1], { class: "ag-arrow" });
        el("path", { d: "M0,0 L-11,-4.5 L-11,4.5 Z", fill: colour, transform: "rotate(" + angle.toFixed(1) + ")" }, head);
      }
      title(g, r.name + ": " + r.count + " × " + r.threat + " (" + r.threat_class + ") on " + r.target + ", launched " + fmt(r.window_s[0], 0) + " to " + fmt(r.window_s[1], 0) + " s");
      var lab = marker("axes", r.launch.lon, r.launch.lat, { class: "ag-axis-label" });
      el("text", { x: "0", y: String(14 + 0 * i), "text-anchor": "middle", fill: colour }, lab).textContent = r.count + "× " + r.threat;
    });

    // --- assets, sensors, units
    function selectable(g, kind, obj) {
      g.classList.add("ag-clickable");
      g.setAttribute("data-kind", kind);
      g.setAttribute("data-name", obj.name);
      g.addEventListener("click", function (ev) {
        ev.stopPropagation();
        if (options.onSelect) options.onSelect(kind, obj);
      });
    }
    (scene.assets || []).forEach(function (a) {
      el("path", { class: "ag-asset-radius", d: circlePath(a.lat, a.lon, a.radius_m / 1000) }, layers.assets);
      var g = marker("assets", a.lon, a.lat, { class: "ag-asset" });
      el("rect", { x: "-5", y: "-5", width: "10", height: "10" }, g);
      el("text", { x: "-8", y: "4", class: "ag-label", "text-anchor": "end" }, g).textContent = a.name;
      title(g, a.name + " (asset, value " + a.value + ", damage radius " + fmt(a.radius_m / 1000, 1) + " km)");
      selectable(g, "asset", a);
    });
    (scene.sensors || []).forEach(function (s) {
      var g = marker("sensors", s.lon, s.lat, { class: "ag-sensor" });
      el("path", { d: "M0,-7 L6,0 L0,7 L-6,0 Z" }, g);
      el("text", { x: "9", y: "4", class: "ag-label" }, g).textContent = s.name;
      title(g, s.name + " (" + s.system_name + ", network " + s.network + ")");
      selectable(g, "sensor", s);
    });
    (scene.units || []).forEach(function (u) {
      var g = marker("units", u.lon, u.lat, { class: "ag-unit" });
      el("path", { d: "M0,-8 L7,5 L-7,5 Z", fill: unitColour[u.name] }, g);
      el("text", { x: "9", y: "4", class: "ag-label" }, g).textContent = u.name;
      title(g, u.name + " (" + u.system_name + (u.network && u.network !== "none" ? ", network " + u.network : "") + ")");
      selectable(g, "unit", u);
    });

    // --- overlays: scale bar, legend, layer switches
    var overlay = html("div", { class: "ag-overlay" }, frame);
    var scaleBar = html("div", { class: "ag-scale" }, overlay);
    var scaleLine = html("div", { class: "ag-scale-line" }, scaleBar);
    var scaleText = html("span", { class: "ag-scale-text" }, scaleBar);
    function updateScaleBar() {
      var k = kmPerPx();
      var target = 110 * k;
      var pow = Math.pow(10, Math.floor(Math.log10(target)));
      var nice = [1, 2, 5, 10].map(function (m) {
        return m * pow;
      });
      var km = nice[0];
      nice.forEach(function (n) {
        if (n <= target) km = n;
      });
      scaleLine.style.width = (km / k).toFixed(0) + "px";
      scaleText.textContent = km + " km";
    }

    var legend = html("div", { class: "ag-legend" }, container);
    function legendItem(symbolClass, colour, text) {
      var row = html("div", { class: "ag-legend-row" }, legend);
      var sym = html("span", { class: "ag-legend-symbol " + symbolClass }, row);
      if (colour) sym.style.background = colour;
      html("span", null, row, text);
    }
    legendItem("sym-asset", null, "defended asset");
    legendItem("sym-unit", null, "fire unit");
    if ((scene.sensors || []).length) legendItem("sym-sensor", null, "sensor");
    var classes = {};
    (scene.raids || []).forEach(function (r) {
      classes[r.threat_class] = true;
    });
    Object.keys(classes).forEach(function (cls) {
      legendItem("sym-line", CLASS_COLOURS[cls] || CLASS_COLOURS.unknown, cls + " axis");
    });
    legendItem("sym-border", null, "border (Natural Earth)");

    var panel = html("div", { class: "ag-switches" }, frame);
    var toggle = html(
      "button",
      { type: "button", class: "ag-switches-toggle", "aria-expanded": "true", title: "show or hide the layer switches" },
      panel,
      "layers"
    );
    var switches = html("div", { class: "ag-switches-body" }, panel);
    function setPanelOpen(open) {
      panel.classList.toggle("ag-collapsed", !open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      toggle.textContent = open ? "layers \u25B4" : "layers \u25BE";
      placeLabels();
    }
    toggle.addEventListener("click", function (ev) {
      ev.stopPropagation();
      setPanelOpen(panel.classList.contains("ag-collapsed"));
    });
    var switchable = options.switches || [
      ["coverage", "coverage"],
      ["rings", "range rings"],
      ["axes", "threat axes"],
      ["tracks", "tracks"],
      ["graticule", "graticule"],
    ];
    switchable.forEach(function (pair) {
      var name = pair[0];
      if (name === "coverage" && !(scene.coverage && scene.coverage.features && scene.coverage.features.length)) return;
      var label = html("label", null, switches);
      var box_ = html("input", { type: "checkbox", "data-layer": name }, label);
      var hasCoverage = !!(scene.coverage && scene.coverage.features && scene.coverage.features.length);
      box_.checked = !(options.hidden && options.hidden.indexOf(name) >= 0) && !(name === "rings" && hasCoverage);
      layers[name].style.display = box_.checked ? "" : "none";
      label.appendChild(document.createTextNode(" " + pair[1]));
      box_.addEventListener("change", function () {
        layers[name].style.display = box_.checked ? "" : "none";
        placeLabels();
      });
    });
    if (coverageThreats.length) {
      var pick = html("div", { class: "ag-coverage-pick" }, switches);
      var selThreat = html("select", { class: "ag-coverage-threat", title: "coverage against this threat type" }, pick);
      coverageThreats.forEach(function (t) {
        html("option", { value: t }, selThreat, t);
      });
      var selKind = html("select", { class: "ag-coverage-kind", title: "which footprint" }, pick);
      coverageKinds.forEach(function (k) {
        html("option", { value: k }, selKind, k);
      });
      if (coverageKinds.indexOf("engagement") >= 0) selKind.value = "engagement";
      var showCoverage = function () {
        Array.prototype.forEach.call(layers.coverage.children, function (p) {
          var on = p.getAttribute("data-threat") === selThreat.value && p.getAttribute("data-kind") === selKind.value;
          p.style.display = on ? "" : "none";
        });
      };
      selThreat.addEventListener("change", showCoverage);
      selKind.addEventListener("change", showCoverage);
      showCoverage();
    }
    var reset = html("button", { type: "button", class: "ag-reset", title: "show the whole region" }, switches, "reset view");
    reset.addEventListener("click", function () {
      view = { x: full.x, y: full.y, w: full.w, h: full.h };
      applyView();
    });

    // --- pan and zoom
    function toMap(clientX, clientY) {
      var rect = svg.getBoundingClientRect();
      var k = kmPerPx();
      var cx = view.x + view.w / 2 + (clientX - rect.left - rect.width / 2) * k;
      var cy = view.y + view.h / 2 + (clientY - rect.top - rect.height / 2) * k;
      return [cx, cy];
    }
    svg.addEventListener(
      "wheel",
      function (ev) {
        ev.preventDefault();
        var f = ev.deltaY > 0 ? 1.2 : 1 / 1.2;
        var w = Math.min(Math.max(view.w * f, full.w / 200), drawn.w);
        f = w / view.w;
        var at = toMap(ev.clientX, ev.clientY);
        view = { x: at[0] - (at[0] - view.x) * f, y: at[1] - (at[1] - view.y) * f, w: view.w * f, h: view.h * f };
        applyView();
      },
      { passive: false }
    );
    var drag = null;
    svg.addEventListener("pointerdown", function (ev) {
      if (ev.button !== 0) return;
      drag = { x: ev.clientX, y: ev.clientY, view: { x: view.x, y: view.y, w: view.w, h: view.h }, moved: false };
    });
    window.addEventListener("pointermove", function (ev) {
      if (!drag) return;
      var dx = ev.clientX - drag.x;
      var dy = ev.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
      if (!drag.moved) return;
      var k = kmPerPx();
      view = { x: drag.view.x - dx * k, y: drag.view.y - dy * k, w: view.w, h: view.h };
      svg.setAttribute("viewBox", [view.x, view.y, view.w, view.h].join(" "));
    });
    window.addEventListener("pointerup", function () {
      drag = null;
    });
    svg.addEventListener("click", function () {
      if (options.onSelect) options.onSelect(null, null);
    });
    if (window.ResizeObserver) {
      new ResizeObserver(function () {
        refreshMarkers();
      }).observe(svg);
    }
    // the layer panel starts folded on a small map (it would hide a corner of it)
    var small = (frame.clientWidth || 0) < SMALL_MAP_PX[0] || (frame.clientHeight || 0) < SMALL_MAP_PX[1];
    setPanelOpen(options.panelOpen !== undefined ? !!options.panelOpen : !small);
    applyView();

    return {
      svg: svg,
      scene: scene,
      layers: layers,
      project: project,
      pathOf: pathOf,
      circlePath: circlePath,
      marker: marker,
      moveMarker: moveMarker,
      placeMarker: placeMarker,
      kmPerPx: kmPerPx,
      refresh: refreshMarkers,
      unitColour: unitColour,
      legendItem: legendItem,
      placeLabels: placeLabels,
      setPanelOpen: setPanelOpen,
      fit: function () {
        view = { x: full.x, y: full.y, w: full.w, h: full.h };
        applyView();
      },
    };
  }
  AG.createMap = createMap;

  /* Linear interpolation of a track {t, lat, lon, alt} at time t; null outside it. */
  function trackAt(track, t) {
    if (!track || !track.t.length) return null;
    var ts = track.t;
    if (t < ts[0] || t > ts[ts.length - 1]) return null;
    var lo = 0;
    var hi = ts.length - 1;
    while (hi - lo > 1) {
      var mid = (lo + hi) >> 1;
      if (ts[mid] <= t) lo = mid;
      else hi = mid;
    }
    if (hi === lo) return { lat: track.lat[lo], lon: track.lon[lo], alt: track.alt[lo], i: lo };
    var f = ts[hi] > ts[lo] ? (t - ts[lo]) / (ts[hi] - ts[lo]) : 0;
    if (f < 0) f = 0;
    if (f > 1) f = 1;
    return {
      lat: track.lat[lo] + f * (track.lat[hi] - track.lat[lo]),
      lon: track.lon[lo] + f * (track.lon[hi] - track.lon[lo]),
      alt: track.alt[lo] + f * (track.alt[hi] - track.alt[lo]),
      i: lo,
    };
  }
  AG.trackAt = trackAt;

  /* Index of the first element of the sorted array `a` that is >= x. */
  function lowerBound(a, x) {
    var lo = 0;
    var hi = a.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (a[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  AG.lowerBound = lowerBound;
})();
