/* Draws the graph of a self-contained page (snapshot or pyvis drawing) from its JSON data
   block. Every text becomes a DOM text node (textContent); nothing is parsed as HTML. */
(function () {
  "use strict";
  var block = document.getElementById("graph-data");
  var container = document.getElementById("graph");
  if (!block || !container || typeof vis === "undefined") { return; }
  var data = JSON.parse(block.textContent);

  function tip(text) {
    var el = document.createElement("div");
    el.className = "tip";
    el.textContent = String(text);
    return el;
  }
  function prepare(items) {
    return items.map(function (item) {
      var copy = Object.assign({}, item);
      if (typeof copy.title === "string" && copy.title) { copy.title = tip(copy.title); }
      return copy;
    });
  }
  var nodes = new vis.DataSet(prepare(data.nodes || []));
  var edges = new vis.DataSet(prepare(data.edges || []));
  var options = Object.assign({
    interaction: { hover: true, tooltipDelay: 120, navigationButtons: false },
    edges: { font: { size: 11, align: "middle" }, smooth: { type: "dynamic" } },
    nodes: { font: { size: 14 } }
  }, data.options || {});
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
  function report() {
    container.setAttribute("data-rendered-nodes", String(nodes.length));
    container.setAttribute("data-rendered-edges", String(edges.length));
    container.setAttribute("data-ready", "true");
  }
  network.once("afterDrawing", report);
  if (data.fit !== false) { network.once("stabilized", function () { network.fit(); }); }
  window.influenceGraph = { network: network, nodes: nodes, edges: edges };
})();
