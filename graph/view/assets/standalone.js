// Draws the network of a standalone Causemap page (graph/render.py::standalone_html).
// The graph arrives as JSON in <script type="application/json"> blocks; every text from the data
// is shown through textContent (tooltips) or drawn on the canvas (labels), never parsed as HTML.
(function () {
  "use strict";
  function readJson(id) { return JSON.parse(document.getElementById(id).textContent); }
  function textTooltip(text) {
    var el = document.createElement("div");
    el.className = "cm-tooltip";
    el.textContent = String(text);
    return el;
  }
  function withTextTitles(items) {
    return items.map(function (item) {
      if (item.title === undefined || item.title === null || item.title === "") return item;
      var copy = Object.assign({}, item);
      copy.title = textTooltip(item.title);
      return copy;
    });
  }
  var container = document.getElementById("mynetwork");
  var status = document.getElementById("cm-status");
  var nodes = new vis.DataSet(withTextTitles(readJson("cm-nodes")));
  var edges = new vis.DataSet(withTextTitles(readJson("cm-edges")));
  var options = readJson("cm-options");
  var started = performance.now();
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
  function settled() {
    network.setOptions({ physics: { enabled: false } });
    network.fit();  // the layout options leave fitting to the page (the app fits its own way)
    container.dataset.stabilized = "true";
    container.dataset.layoutMs = String(Math.round(performance.now() - started));
    status.textContent = nodes.length + " entities, " + edges.length + " relations.";
  }
  if (options.physics && options.physics.enabled !== false) {
    network.once("stabilizationIterationsDone", settled);
  } else {
    settled();
  }
  window.causemapNetwork = network;
})();
