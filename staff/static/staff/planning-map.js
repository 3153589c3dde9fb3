// The planning board's map: the rounds of the table below drawn with Leaflet (vendored in vendor/leaflet/), from
// the JSON the page carries (#planning-map-data). Tiles only when the server names a tile server (MAP_TILES_URL);
// without them the stops and the route lines are still drawn. No inline script: the page's CSP forbids it.
(function () {
  "use strict";
  function draw() {
    var element = document.getElementById("planning-map");
    var source = document.getElementById("planning-map-data");
    if (!element || !source || typeof L === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var map = L.map(element, { scrollWheelZoom: false });
    if (data.tiles) {
      L.tileLayer(data.tiles, { maxZoom: 18, attribution: data.attribution }).addTo(map);
    }
    var bounds = [];
    if (data.depot) {
      var depot = [data.depot.lat, data.depot.lon];
      L.circleMarker(depot, { radius: 9, color: "#1d261d", weight: 3, fillColor: "#ffffff", fillOpacity: 1 })
        .bindTooltip(data.depot.label).addTo(map);
      bounds.push(depot);
    }
    data.rounds.forEach(function (round) {
      var line = [];
      if (data.depot) { line.push([data.depot.lat, data.depot.lon]); }
      round.stops.forEach(function (stop) {
        var point = [stop.lat, stop.lon];
        line.push(point);
        bounds.push(point);
        L.circleMarker(point, { radius: 7, color: round.colour, weight: 2, fillColor: round.colour, fillOpacity: 0.8 })
          .bindTooltip(round.label + " – " + stop.label).addTo(map);
      });
      if (data.depot) { line.push([data.depot.lat, data.depot.lon]); }
      if (line.length > 1) { L.polyline(line, { color: round.colour, weight: 3, opacity: 0.8 }).addTo(map); }
    });
    if (bounds.length) { map.fitBounds(bounds, { padding: [20, 20] }); } else { map.setView([50.93, 1.95], 10); }
    element.classList.add("planning-map-drawn");
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
