/* The script of a self-contained page (snapshot or pyvis drawing).
   1. In a frame, it reports the page's height to the framing page (the embed code's
      script sizes the iframe; AMP reads its own "embed-size" message).
   2. When vis-network is on the page, it draws the graph from the JSON data block. Every
      text becomes a DOM text node (textContent); nothing is parsed as HTML. */
(function () {
  "use strict";
  var root = document.documentElement;

  function reportHeight() {
    if (window.parent === window) { return; }
    var last = 0;
    function send() {
      var height = Math.ceil(root.getBoundingClientRect().height);
      if (height === last || height <= 0) { return; }
      last = height;
      var id = root.getAttribute("data-snapshot") || "";
      window.parent.postMessage({ type: "influence-graph:height", id: id, height: height }, "*");
      window.parent.postMessage({ sentinel: "amp", type: "embed-size", height: height }, "*");
    }
    if (typeof ResizeObserver !== "undefined") { new ResizeObserver(send).observe(root); }
    window.addEventListener("load", send);
    send();
  }

  function draw() {
    var block = document.getElementById("graph-data");
    var container = document.getElementById("graph");
    if (!block || !container || typeof vis === "undefined") { return; }
    var data = JSON.parse(block.textContent);
    var ink = window.getComputedStyle(document.body).color;

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
    var few = (data.edges || []).length <= 40;
    var options = Object.assign({
      interaction: { hover: true, tooltipDelay: 120, navigationButtons: false },
      edges: { font: { size: few ? 11 : 0, align: "middle", color: ink,
                       strokeColor: window.getComputedStyle(document.body).backgroundColor },
               smooth: { type: "dynamic" } },
      nodes: { font: { size: 14, color: ink } },
      physics: { stabilization: { iterations: 300, fit: true } }
    }, data.options || {});
    var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
    if (!few) {
      // many edges: a label shows on the edge under the pointer only
      network.on("hoverEdge", function (e) { edges.update({ id: e.edge, font: { size: 11 } }); });
      network.on("blurEdge", function (e) { edges.update({ id: e.edge, font: { size: 0 } }); });
    }
    keyboard(container, network);
    function report() {
      container.setAttribute("data-rendered-nodes", String(nodes.length));
      container.setAttribute("data-rendered-edges", String(edges.length));
      container.setAttribute("data-ready", "true");
    }
    network.once("afterDrawing", report);
    if (data.fit !== false) {
      network.once("afterDrawing", function () { network.fit(); });
      network.once("stabilized", function () { network.fit(); });
    }
    window.influenceGraph = { network: network, nodes: nodes, edges: edges };
  }

  // the focused drawing answers arrows (move), + and - (zoom) and 0 (fit the view)
  function keyboard(container, network) {
    container.addEventListener("keydown", function (e) {
      var at = network.getViewPosition();
      var scale = network.getScale();
      var step = 60 / scale;
      var moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step],
                    ArrowDown: [0, step] };
      if (moves[e.key]) {
        network.moveTo({ position: { x: at.x + moves[e.key][0], y: at.y + moves[e.key][1] } });
      } else if (e.key === "+" || e.key === "=") {
        network.moveTo({ scale: scale * 1.25 });
      } else if (e.key === "-") {
        network.moveTo({ scale: scale / 1.25 });
      } else if (e.key === "0") {
        network.fit();
      } else {
        return;
      }
      e.preventDefault();
    });
  }

  reportHeight();
  draw();
})();
