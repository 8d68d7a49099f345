/* airguard viewer: play back a replication on the map (map.js), from the local server. */
(function () {
  "use strict";
  var AG = window.AG;
  var TRAIL_S = 120; // seconds of trail behind a threat
  var DETECTION_WINDOW_S = 4; // detections shown this long
  var TRACK_FLASH_S = 6; // a first track's unit-to-threat line shown this long
  var EVENTS_SHOWN = 14;

  function $(id) {
    return document.getElementById(id);
  }
  var state = {
    runs: [],
    runId: null,
    scene: null,
    map: null,
    pb: null,
    rep: 0,
    t: 0,
    playing: false,
    speed: 10,
    selected: null,
    threats: [],
    interceptors: [],
    marks: [],
    timeline: [],
    loading: 0,
  };
  window.agViewer = { state: state };

  function setStatus(text, isError) {
    var s = $("status");
    s.textContent = text || "";
    s.className = "status" + (isError ? " error" : "");
  }

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" } }).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) throw new Error(body && body.error ? body.error : r.status + " " + r.statusText);
        return body;
      });
    });
  }

  function clock(t) {
    var sign = t < 0 ? "−" : "+";
    var a = Math.abs(Math.round(t));
    var m = Math.floor(a / 60);
    var s = a % 60;
    return "T" + sign + m + ":" + (s < 10 ? "0" : "") + s;
  }

  function readHash() {
    var out = {};
    (location.hash || "").replace(/^#/, "").split("&").forEach(function (kv) {
      var i = kv.indexOf("=");
      if (i > 0) out[decodeURIComponent(kv.slice(0, i))] = decodeURIComponent(kv.slice(i + 1));
    });
    return out;
  }
  function writeHash() {
    if (!state.runId) return;
    var h = "#run=" + encodeURIComponent(state.runId) + "&rep=" + state.rep + "&t=" + Math.round(state.t);
    if (history.replaceState) history.replaceState(null, "", h);
  }

  function table(rows) {
    var t = document.createElement("table");
    rows.forEach(function (r) {
      if (r[1] === null || r[1] === undefined || r[1] === "") return;
      var tr = AG.htmlEl("tr", null, t);
      AG.htmlEl("td", null, tr, r[0]);
      AG.htmlEl("td", null, tr, String(r[1]));
    });
    return t;
  }
  function usd(x) {
    return "$" + (x / 1e6).toFixed(1) + " M";
  }
  function sec(x) {
    return x === null || x === undefined ? null : AG.fmt(x, 1) + " s";
  }

  // ------------------------------------------------------------ runs and scene

  function init() {
    setStatus("loading runs…");
    getJSON("/api/runs")
      .then(function (body) {
        state.runs = body.runs;
        var sel = $("run");
        // a run the server cannot serve (its manifest unreadable, a symbolic link inside)
        // is listed, marked and not selectable; the reason is its tooltip
        body.runs.forEach(function (r) {
          if (r.damaged) {
            AG.htmlEl("option", { value: r.id, disabled: "", title: r.damaged }, sel, r.id + " (damaged)");
          } else {
            AG.htmlEl("option", { value: r.id }, sel, r.id + " — " + (r.variant || r.scenario) + " (" + r.replications + ")");
          }
        });
        var good = body.runs.filter(function (r) {
          return !r.damaged;
        });
        if (!good.length) {
          setStatus("no run can be shown: " + (body.runs.length ? "every run is damaged" : "none was found"), true);
          return;
        }
        var hash = readHash();
        var first = good.some(function (r) {
          return r.id === hash.run;
        })
          ? hash.run
          : good[0].id;
        sel.value = first;
        loadRun(first, hash.rep !== undefined ? parseInt(hash.rep, 10) : null, hash.t !== undefined ? parseFloat(hash.t) : 0);
      })
      .catch(function (e) {
        setStatus("cannot list runs: " + e.message, true);
      });
    $("run").addEventListener("change", function () {
      loadRun($("run").value, null, 0);
    });
    $("rep").addEventListener("change", function () {
      loadReplication(parseInt($("rep").value, 10), 0);
    });
    $("rep-list").addEventListener("change", function () {
      loadReplication(parseInt($("rep-list").value, 10), 0);
    });
    $("rep-prev").addEventListener("click", function () {
      if (state.rep > 0) loadReplication(state.rep - 1, 0);
    });
    $("rep-next").addEventListener("click", function () {
      var n = state.scene ? state.scene.run.replications : 0;
      if (state.rep + 1 < n) loadReplication(state.rep + 1, 0);
    });
    $("rep-median").addEventListener("click", function () {
      if (state.scene) loadReplication(state.scene.representative.replication, 0);
    });
    $("time").addEventListener("input", function () {
      setTime(parseFloat($("time").value));
    });
    $("play").addEventListener("click", function () {
      setPlaying(!state.playing);
    });
    $("speed").addEventListener("change", function () {
      state.speed = parseFloat($("speed").value) || 1;
    });
    state.speed = parseFloat($("speed").value) || 10;
    document.addEventListener("keydown", function (ev) {
      if (ev.key === " " && ev.target === document.body) {
        ev.preventDefault();
        setPlaying(!state.playing);
      }
    });
  }

  function loadRun(id, rep, t) {
    setPlaying(false);
    state.runId = id;
    state.pb = null;
    setStatus("loading the map of " + id + "…");
    return getJSON("/api/scene?run=" + encodeURIComponent(id))
      .then(function (scene) {
        state.scene = scene;
        var holder = $("map");
        while (holder.firstChild) holder.removeChild(holder.firstChild);
        state.map = AG.createMap(holder, scene, {
          idPrefix: "v",
          onSelect: select,
          switches: [
            ["coverage", "coverage"],
            ["rings", "range rings"],
            ["axes", "threat axes"],
            ["tracks", "whole tracks"],
            ["graticule", "graticule"],
          ],
        });
        state.map.legendItem("sym-dot", "#b71c1c", "impact");
        state.map.legendItem("sym-dot", "#1565c0", "interceptor");
        state.map.legendItem("sym-dot", "#37474f", "detection");
        var rep_ = $("rep");
        rep_.max = String(scene.run.replications - 1);
        var list = $("rep-list");
        while (list.firstChild) list.removeChild(list.firstChild);
        var cols = scene.replications.columns;
        var ci = function (name) {
          return cols.indexOf(name);
        };
        scene.replications.rows.forEach(function (row) {
          var k = row[ci("replication")];
          var text =
            "#" + k + ": " + row[ci("leakers")] + " leakers, " + row[ci("assets_damaged")] + " assets hit, " +
            row[ci("interceptors_fired")] + " fired, " + usd(row[ci("interceptor_cost_usd")]) +
            (k === scene.representative.replication ? " (representative)" : "");
          AG.htmlEl("option", { value: String(k) }, list, text);
        });
        if (!scene.run.playable) {
          setStatus((scene.warnings || []).join("; ") || "this run cannot be played back", true);
          return null;
        }
        var k = rep !== null && rep >= 0 && rep < scene.run.replications ? rep : scene.representative.replication;
        return loadReplication(k, t || 0);
      })
      .catch(function (e) {
        setStatus("cannot load " + id + ": " + e.message, true);
      });
  }

  // ------------------------------------------------------------ a replication

  function loadReplication(k, t) {
    if (!state.scene) return null;
    var n = state.scene.run.replications;
    if (!isFinite(k) || k < 0 || k >= n) {
      setStatus("replication: expected 0 to " + (n - 1), true);
      $("rep").value = String(state.rep);
      return null;
    }
    setPlaying(false);
    state.rep = k;
    $("rep").value = String(k);
    $("rep-list").value = String(k);
    state.loading += 1;
    var ticket = state.loading;
    setStatus("running replication " + k + " again…");
    return getJSON("/api/playback?run=" + encodeURIComponent(state.runId) + "&rep=" + k)
      .then(function (pb) {
        if (ticket !== state.loading) return;
        state.pb = pb;
        build(pb);
        var slider = $("time");
        slider.min = String(pb.start_s);
        slider.max = String(pb.end_s);
        summary(pb);
        setStatus("");
        setTime(Math.min(Math.max(t || 0, pb.start_s), pb.end_s));
        document.body.setAttribute("data-loaded", state.runId + "#" + k);
      })
      .catch(function (e) {
        setStatus("cannot play back replication " + k + ": " + e.message, true);
      });
  }

  function summary(pb) {
    var o = pb.outcome;
    var rep = state.scene.representative;
    var box = $("summary");
    while (box.firstChild) box.removeChild(box.firstChild);
    box.appendChild(
      table([
        ["run", state.runId],
        ["replication", pb.replication + (pb.replication === rep.replication ? " (representative)" : "")],
        ["threats killed", o.killed],
        ["leakers", o.leakers + " (run median " + rep.median.leakers + ")"],
        ["assets damaged", o.assets_damaged],
        ["interceptors fired", o.interceptors_fired],
        ["interceptor cost", o.interceptor_cost_usd !== undefined ? usd(o.interceptor_cost_usd) : null],
        ["seed", pb.seed],
      ])
    );
    AG.htmlEl("p", { class: "note" }, box, pb.notes.join("; ") + ".");
  }

  function shape(g, cls, colour) {
    var hit = AG.svgEl("circle", { r: "10", fill: "transparent", stroke: "none" }, g);
    hit.setAttribute("pointer-events", "all");
    if (cls === "ballistic") AG.svgEl("path", { d: "M0,-7 L6,0 L0,7 L-6,0 Z", fill: colour }, g);
    else if (cls === "cruise") AG.svgEl("path", { d: "M0,-7 L6,6 L-6,6 Z", fill: colour }, g);
    else if (cls === "aircraft") AG.svgEl("path", { d: "M0,-8 L2,-2 L8,1 L2,2 L1,7 L-1,7 L-2,2 L-8,1 L-2,-2 Z", fill: colour }, g);
    else AG.svgEl("circle", { r: "5", fill: colour }, g);
  }

  function build(pb) {
    var map = state.map;
    var layers = map.layers;
    [layers.dynamic, layers.tracks].forEach(function (layer) {
      while (layer.firstChild) layer.removeChild(layer.firstChild);
    });
    state.selected = null;
    state.detPath = AG.svgEl("path", { class: "ag-detections", d: "" }, layers.dynamic);
    state.trackPath = AG.svgEl("path", { class: "ag-tracklines", d: "" }, layers.dynamic);
    var unitAt = {};
    (state.scene.units || []).forEach(function (u) {
      unitAt[u.name] = u;
    });
    (state.scene.sensors || []).forEach(function (s) {
      unitAt[s.name] = s;
    });
    state.unitAt = unitAt;

    state.threats = pb.threats
      .filter(function (t) {
        return t.track && t.track.t.length;
      })
      .map(function (t) {
        var cls = t.friendly ? "aircraft" : t["class"];
        // a hostile aircraft keeps the aircraft's shape in a colour of its own
        var colour = !t.friendly && cls === "aircraft" ? AG.CLASS_COLOURS["hostile aircraft"] : AG.CLASS_COLOURS[cls] || AG.CLASS_COLOURS.unknown;
        var pts = t.track.lon.map(function (lon, i) {
          return [lon, t.track.lat[i]];
        });
        AG.svgEl("path", { class: "ag-ghost", d: map.pathOf(pts), stroke: colour }, layers.tracks);
        var trail = AG.svgEl("path", { class: "ag-trail", d: "", stroke: colour }, layers.dynamic);
        return { data: t, colour: colour, cls: cls, trail: trail, node: null };
      });
    state.interceptors = pb.interceptors.map(function (m) {
      var trail = AG.svgEl("path", { class: "ag-itrail", d: "" }, layers.dynamic);
      return { data: m, trail: trail, node: null };
    });
    state.marks = [];
    pb.events.impacts.forEach(function (ev) {
      var g = map.marker("dynamic", ev.lon, ev.lat, { class: "ag-impact", "data-kind": "impact", "data-id": ev.threat });
      AG.svgEl("circle", { r: "5" }, g);
      AG.svgEl("title", null, g).textContent = "impact of threat " + ev.threat + (ev.asset ? " on " + ev.asset : "") + " at " + AG.fmt(ev.t, 1) + " s";
      g.style.display = "none";
      state.marks.push({ t: ev.t, node: g });
    });
    pb.events.intercepts.forEach(function (ev) {
      var g = map.marker("dynamic", ev.lon, ev.lat, {
        class: "ag-intercept " + (ev.outcome === "kill" ? "kill" : "miss"),
        "data-kind": "intercept",
        "data-id": ev.interceptor,
      });
      AG.svgEl("text", { "text-anchor": "middle", y: "5" }, g).textContent = ev.outcome === "kill" ? "\u2715" : "\u25CC";
      AG.svgEl("title", null, g).textContent = "interceptor " + ev.interceptor + " on threat " + ev.threat + ": " + ev.outcome + " at " + AG.fmt(ev.t, 1) + " s";
      g.style.display = "none";
      state.marks.push({ t: ev.t, node: g });
    });
    state.interceptors.forEach(function (m) {
      var p = m.data.track;
      var g = map.marker("dynamic", p.lon[0], p.lat[0], { class: "ag-interceptor ag-entity ag-clickable", "data-kind": "interceptor", "data-id": m.data.id });
      var hit = AG.svgEl("circle", { r: "8", fill: "transparent", stroke: "none" }, g);
      hit.setAttribute("pointer-events", "all");
      AG.svgEl("circle", { r: "3.2" }, g);
      g.style.display = "none";
      g.addEventListener("click", function (ev) {
        ev.stopPropagation();
        select("interceptor", m.data);
      });
      m.node = g;
    });
    state.threats.forEach(function (th) {
      var p = th.data.track;
      var g = map.marker("dynamic", p.lon[0], p.lat[0], { class: "ag-threat ag-entity ag-clickable", "data-kind": "threat", "data-id": th.data.id });
      shape(g, th.cls, th.colour);
      AG.svgEl("title", null, g).textContent = "threat " + th.data.id + ": " + th.data.type + " (" + th.data.raid + ")";
      g.style.display = "none";
      g.addEventListener("click", function (ev) {
        ev.stopPropagation();
        select("threat", th.data);
      });
      th.node = g;
    });

    // notable events, in time order, for the list beside the map
    var tl = [];
    pb.events.launches.forEach(function (e) {
      tl.push({ t: e.t, cls: "launch", text: e.unit + " fires interceptor " + e.interceptor + " at threat " + e.threat });
    });
    pb.events.intercepts.forEach(function (e) {
      tl.push({ t: e.t, cls: e.outcome === "kill" ? "kill" : "miss", text: "interceptor " + e.interceptor + " on threat " + e.threat + ": " + e.outcome });
    });
    pb.events.impacts.forEach(function (e) {
      tl.push({ t: e.t, cls: "impact", text: "threat " + e.threat + " impacts" + (e.asset ? " on " + e.asset : "") });
    });
    pb.events.tracks.forEach(function (e) {
      tl.push({ t: e.t, cls: "track", text: e.unit + " tracks threat " + e.threat });
    });
    tl.sort(function (a, b) {
      return a.t - b.t;
    });
    state.timeline = tl;
    state.timelineT = tl.map(function (e) {
      return e.t;
    });
    state.trackEvents = pb.events.tracks.slice().sort(function (a, b) {
      return a.t - b.t;
    });
    state.trackT = state.trackEvents.map(function (e) {
      return e.t;
    });
    showDetails();
  }

  // ------------------------------------------------------------ time

  function trailPath(track, t, since) {
    var p = AG.trackAt(track, t);
    if (!p) return { p: null, d: "" };
    var i0 = AG.lowerBound(track.t, since);
    var pts = [];
    for (var i = i0; i <= p.i; i++) pts.push([track.lon[i], track.lat[i]]);
    pts.push([p.lon, p.lat]);
    return { p: p, d: pts.length > 1 ? state.map.pathOf(pts) : "" };
  }

  function setTime(t) {
    var pb = state.pb;
    if (!pb || !state.map) return;
    if (!isFinite(t)) t = pb.start_s;
    t = Math.min(Math.max(t, pb.start_s), pb.end_s);
    state.t = t;
    var slider = $("time");
    if (parseFloat(slider.value) !== t) slider.value = String(t);
    $("clock").textContent = clock(t);
    var map = state.map;
    state.threats.forEach(function (th) {
      var r = trailPath(th.data.track, t, t - TRAIL_S);
      if (!r.p) {
        th.node.style.display = "none";
        th.trail.setAttribute("d", "");
        return;
      }
      th.node.style.display = "";
      map.moveMarker(th.node, r.p.lon, r.p.lat);
      th.trail.setAttribute("d", r.d);
    });
    state.interceptors.forEach(function (m) {
      var r = trailPath(m.data.track, t, -Infinity);
      if (!r.p) {
        m.node.style.display = "none";
        m.trail.setAttribute("d", "");
        return;
      }
      m.node.style.display = "";
      map.moveMarker(m.node, r.p.lon, r.p.lat);
      m.trail.setAttribute("d", r.d);
    });
    state.marks.forEach(function (mk) {
      mk.node.style.display = t >= mk.t ? "" : "none";
    });
    // detections of the last few seconds, as dots
    var det = pb.events.detections;
    var lo = AG.lowerBound(det.t, t - DETECTION_WINDOW_S);
    var hi = AG.lowerBound(det.t, t + 1e-9);
    var d = "";
    for (var i = lo; i < hi; i++) {
      var xy = map.project(det.lon[i], det.lat[i]);
      d += "M" + xy[0].toFixed(2) + " " + xy[1].toFixed(2) + "h0.01";
    }
    state.detPath.setAttribute("d", d);
    // a unit's first track of a threat: a line from the unit to the threat, briefly
    var lo2 = AG.lowerBound(state.trackT, t - TRACK_FLASH_S);
    var hi2 = AG.lowerBound(state.trackT, t + 1e-9);
    var d2 = "";
    for (var j = lo2; j < hi2; j++) {
      var e = state.trackEvents[j];
      var u = state.unitAt[e.unit];
      if (!u) continue;
      var a = map.project(u.lon, u.lat);
      var b = map.project(e.lon, e.lat);
      d2 += "M" + a[0].toFixed(2) + " " + a[1].toFixed(2) + "L" + b[0].toFixed(2) + " " + b[1].toFixed(2);
    }
    state.trackPath.setAttribute("d", d2);
    showEvents(t);
    if (state.selected && (state.selected.kind === "threat" || state.selected.kind === "interceptor")) showDetails();
    writeHash();
  }

  function showEvents(t) {
    var list = $("events");
    while (list.firstChild) list.removeChild(list.firstChild);
    var hi = AG.lowerBound(state.timelineT, t + 1e-9);
    for (var i = hi - 1; i >= 0 && i >= hi - EVENTS_SHOWN; i--) {
      var e = state.timeline[i];
      AG.htmlEl("li", { class: e.cls }, list, clock(e.t) + " " + e.text);
    }
  }

  function setPlaying(on) {
    if (on && !state.pb) return;
    state.playing = on;
    var b = $("play");
    b.textContent = on ? "\u275A\u275A pause" : "\u25B6 play";
    b.setAttribute("aria-label", on ? "pause" : "play");
    if (on) {
      if (state.t >= state.pb.end_s) setTime(state.pb.start_s);
      state.lastFrame = null;
      requestAnimationFrame(frame);
    }
  }

  function frame(now) {
    if (!state.playing) return;
    if (state.lastFrame !== null) {
      var dt = Math.min((now - state.lastFrame) / 1000, 0.25) * state.speed;
      var t = state.t + dt;
      if (t >= state.pb.end_s) {
        setTime(state.pb.end_s);
        setPlaying(false);
        return;
      }
      setTime(t);
    }
    state.lastFrame = now;
    requestAnimationFrame(frame);
  }

  // ------------------------------------------------------------ details

  function select(kind, obj) {
    var prev = document.querySelectorAll(".ag-selected");
    Array.prototype.forEach.call(prev, function (n) {
      n.classList.remove("ag-selected");
    });
    state.selected = kind ? { kind: kind, obj: obj } : null;
    if (kind) {
      var sel =
        kind === "threat" || kind === "interceptor"
          ? '[data-kind="' + kind + '"][data-id="' + obj.id + '"]'
          : '[data-kind="' + kind + '"][data-name="' + (window.CSS && CSS.escape ? CSS.escape(obj.name) : obj.name) + '"]';
      var node = document.querySelector(sel);
      if (node) node.classList.add("ag-selected");
    }
    showDetails();
  }

  function speedAt(track, t) {
    var a = AG.trackAt(track, Math.max(t - 0.5, track.t[0]));
    var b = AG.trackAt(track, Math.min(t + 0.5, track.t[track.t.length - 1]));
    if (!a || !b) return null;
    var dt = Math.min(t + 0.5, track.t[track.t.length - 1]) - Math.max(t - 0.5, track.t[0]);
    if (dt <= 0) return null;
    var dy = (b.lat - a.lat) * 111320;
    var dx = (b.lon - a.lon) * 111320 * Math.cos((a.lat * Math.PI) / 180);
    var dz = b.alt - a.alt;
    return Math.sqrt(dx * dx + dy * dy + dz * dz) / dt;
  }

  function showDetails() {
    var box = $("details");
    while (box.firstChild) box.removeChild(box.firstChild);
    var s = state.selected;
    if (!s) {
      box.textContent = "Click a threat, an interceptor, a unit or an asset on the map.";
      return;
    }
    var o = s.obj;
    var t = state.t;
    var rows;
    var titleText;
    var pb = state.pb;
    if (s.kind === "threat") {
      var p = AG.trackAt(o.track, t);
      var status =
        p !== null ? "in flight" : t < o.track.t[0] ? "not yet launched" : o.fate + " at " + AG.fmt(o.end_s, 1) + " s";
      titleText = "Threat " + o.id + " — " + o.type + (o.friendly ? " (friendly flight)" : o["class"] === "aircraft" ? " (hostile aircraft)" : " (" + o["class"] + ")");
      rows = [
        ["raid", o.raid],
        ["target", o.target],
        ["status at " + clock(t), status],
        ["altitude", p ? AG.fmt(p.alt / 1000, 2) + " km" : null],
        ["speed", p ? AG.fmt(speedAt(o.track, t), 0) + " m/s" : null],
        ["position", p ? AG.fmt(p.lat, 3) + "°, " + AG.fmt(p.lon, 3) + "°" : null],
        ["launched", sec(o.launch_s)],
        ["fate", o.fate + " at " + AG.fmt(o.end_s, 1) + " s"],
        ["asset hit", o.asset_hit],
        ["first detected", sec(o.first_detection_s)],
        ["first tracked", sec(o.first_track_s)],
        ["interceptors fired at it", o.interceptors.length ? o.interceptors.join(", ") : "none"],
        ["killed by interceptor", o.killed_by],
      ];
    } else if (s.kind === "interceptor") {
      var q = AG.trackAt(o.track, t);
      titleText = "Interceptor " + o.id + " — " + o.type;
      rows = [
        ["unit", o.unit],
        ["target", "threat " + o.target + (o.first_target !== o.target ? " (first " + o.first_target + ")" : "")],
        ["status at " + clock(t), q ? "in flight" : t < o.launch_s ? "not yet launched" : o.outcome],
        ["altitude (approx.)", q ? AG.fmt(q.alt / 1000, 2) + " km" : null],
        ["launched", sec(o.launch_s)],
        ["ended", sec(o.end_s)],
        ["outcome", o.outcome],
        ["miss distance", o.miss_m === null ? null : AG.fmt(o.miss_m, 1) + " m"],
        ["cost", usd(o.cost_usd)],
        ["retargets", o.retargets.length ? o.retargets.map(function (r) { return "→ " + r.threat + " at " + AG.fmt(r.t, 1) + " s"; }).join(", ") : "none"],
        [
          "path",
          o.approximate
            ? "approximate (no logged state): straight segments between launch, retargets and end"
            : "flown by the engine (guided, airframe-limited, seeker noise); its position once a fire-control cycle and at the end",
        ],
      ];
    } else if (s.kind === "unit") {
      var mine = pb
        ? pb.interceptors.filter(function (m) {
            return m.unit === o.name;
          })
        : [];
      var kills = mine.filter(function (m) {
        return m.outcome === "kill";
      }).length;
      titleText = "Unit " + o.name;
      rows = [
        ["system", o.system_name + " (" + o.system + ")"],
        ["position", AG.fmt(o.lat, 3) + "°, " + AG.fmt(o.lon, 3) + "°, " + AG.fmt(o.alt_m, 0) + " m"],
        ["heading", o.heading_deg === null ? null : AG.fmt(o.heading_deg, 0) + "°"],
        ["network", o.network],
        ["interceptors", o.interceptors.join(", ")],
        ["longest nominal range", o.max_range_m ? AG.fmt(o.max_range_m / 1000, 0) + " km" : null],
        ["fired in this replication", pb ? mine.length + " (" + kills + " kills)" : null],
      ];
    } else if (s.kind === "asset") {
      var hits = pb
        ? pb.events.impacts.filter(function (e) {
            return e.asset === o.name;
          })
        : [];
      titleText = "Asset " + o.name;
      rows = [
        ["value", o.value],
        ["damage radius", AG.fmt(o.radius_m / 1000, 1) + " km"],
        ["position", AG.fmt(o.lat, 3) + "°, " + AG.fmt(o.lon, 3) + "°"],
        ["hits in this replication", pb ? hits.length + (hits.length ? " (threats " + hits.map(function (e) { return e.threat; }).join(", ") + ")" : "") : null],
      ];
    } else {
      titleText = "Sensor " + o.name;
      rows = [
        ["system", o.system_name + " (" + o.system + ")"],
        ["network", o.network],
        ["position", AG.fmt(o.lat, 3) + "°, " + AG.fmt(o.lon, 3) + "°"],
      ];
    }
    AG.htmlEl("div", { class: "title", "data-detail-kind": s.kind }, box, titleText);
    box.appendChild(table(rows));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
