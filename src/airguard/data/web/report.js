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
      var colour = t.friendly ? colours.aircraft : colours[t["class"]] || colours.unknown;
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

  function init() {
    var holders = document.querySelectorAll("[data-scene]");
    Array.prototype.forEach.call(holders, function (holder, i) {
      var source = document.getElementById(holder.getAttribute("data-scene"));
      var scene = JSON.parse(source.textContent);
      var map = AG.createMap(holder, scene, {
        idPrefix: "map" + i,
        hidden: scene.replication ? [] : ["tracks"],
      });
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
