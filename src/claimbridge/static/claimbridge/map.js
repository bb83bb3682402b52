// County maps drawn by the county_map tag (organisations/templatetags/maps.py): no tiles, no network.
// Keeps labels and the pin at a readable size, and on a pickable map a tap fills the form around it: latitude and
// longitude in WGS-84 (the map's space; the server drew it so), the crs field when the form has one, and the county.
// The first tap on the whole area also zooms to the county tapped; choosing a county in the form does the same.
(function () {
  function fitAll() { document.querySelectorAll(".county-map svg").forEach(fit); }
  if (window.claimbridgeCountyMap) { window.claimbridgeCountyMap(); return; }  // loaded again with swapped-in content
  window.claimbridgeCountyMap = fitAll;

  function fit(svg) {
    var width = svg.getBoundingClientRect().width;
    if (!width) return;
    var scale = svg.viewBox.baseVal.width / width;
    var labels = svg.querySelector("[data-labels]"), pin = svg.querySelector("[data-pin]");
    if (labels) labels.setAttribute("font-size", (12 * scale).toFixed(1));
    if (pin) {
      var at = (pin.getAttribute("transform").match(/translate\(([^)]*)\)/) || [0, "0 0"])[1];
      pin.setAttribute("transform", "translate(" + at + ") scale(" + scale.toFixed(3) + ")");
    }
  }
  function zoom(svg, box) {
    svg.setAttribute("viewBox", box);
    var all = svg.parentNode.querySelector("[data-map-all]");
    if (all) all.hidden = box === svg.dataset.full;
    fit(svg);
  }
  function place(svg, x, y) {
    var pin = svg.querySelector("[data-pin]");
    pin.setAttribute("transform", "translate(" + x.toFixed(1) + " " + y.toFixed(1) + ")");
    pin.setAttribute("display", "inline");
    fit(svg);
  }
  function highlight(svg, path) {
    svg.querySelectorAll("path[data-selected]").forEach(function (old) {
      ["fill", "stroke", "stroke-width", "data-selected"].forEach(function (name) { old.removeAttribute(name); });
    });
    if (!path) return;
    path.setAttribute("fill", "#cdeadb"); path.setAttribute("stroke", "#0b6e4f");
    path.setAttribute("stroke-width", "2.5"); path.setAttribute("data-selected", "");
    path.parentNode.appendChild(path);  // drawn last, above its neighbours
  }
  function set(form, name, value) { if (form && form.elements[name]) form.elements[name].value = value; }

  fitAll();
  window.addEventListener("resize", fitAll);

  document.addEventListener("click", function (event) {
    var root = event.target.closest && event.target.closest("[data-pickable]");
    if (!root) return;
    var svg = root.querySelector("svg"), status = root.querySelector("[data-map-status]");
    if (event.target.closest("[data-map-all]")) { zoom(svg, svg.dataset.full); return; }
    if (!svg.contains(event.target)) return;
    var path = event.target.closest("path[data-adcode]");
    if (!path) { status.textContent = root.dataset.outside; return; }
    var p = new DOMPoint(event.clientX, event.clientY).matrixTransform(svg.getScreenCTM().inverse());
    var lat = svg.dataset.north - p.y / svg.dataset.ky, lon = +svg.dataset.west + p.x / svg.dataset.kx;
    var form = root.closest("form"), code = path.dataset.adcode;
    set(form, "latitude", lat.toFixed(6));
    set(form, "longitude", lon.toFixed(6));
    set(form, "crs", "wgs84");
    if (form && form.elements.county && form.elements.county.querySelector('option[value="' + code + '"]')) {
      form.elements.county.value = code;
    }
    highlight(svg, path);
    if (svg.getAttribute("viewBox") === svg.dataset.full) zoom(svg, path.dataset.box);
    place(svg, p.x, p.y);
    var gap = /[：:]$/.test(root.dataset.picked) && /[\u4e00-\u9fff]$/.test(root.dataset.picked.slice(0, -1)) ? "" : " ";
    status.textContent = root.dataset.picked + gap + path.dataset.place;
  });

  // The phone's own position ("use my location", static/claimbridge/cases/locate.js): WGS-84 like the map.
  document.addEventListener("claimbridge:placed", function (event) {
    var form = event.target, root = form.querySelector && form.querySelector("[data-pickable]");
    if (!root || !form.elements.latitude || !form.elements.latitude.value) return;
    var svg = root.querySelector("svg"), d = svg.dataset, code = form.elements.county && form.elements.county.value;
    var path = code ? svg.querySelector('path[data-adcode="' + code + '"]') : null;
    highlight(svg, path);
    zoom(svg, path ? path.dataset.box : d.full);
    place(svg, (form.elements.longitude.value - d.west) * d.kx, (d.north - form.elements.latitude.value) * d.ky);
    root.querySelector("[data-map-status]").textContent = root.dataset.adjust;
  });

  // The county chosen by hand wins over an earlier tap: the point is dropped, the map shows the county.
  document.addEventListener("change", function (event) {
    var select = event.target, form = select.form;
    if (select.name !== "county" || !form) return;
    var root = form.querySelector("[data-pickable]");
    if (!root) return;
    var svg = root.querySelector("svg"), path = svg.querySelector('path[data-adcode="' + select.value + '"]');
    set(form, "latitude", "");
    set(form, "longitude", "");
    svg.querySelector("[data-pin]").setAttribute("display", "none");
    highlight(svg, path);
    zoom(svg, path ? path.dataset.box : svg.dataset.full);
  });
})();
