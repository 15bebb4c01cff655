/* The Influence Graph explorer: overview, search, ego networks, expansion, path finder,
   filters, evidence panel and snapshots, over the JSON API of this server only.
   The view (focused entities, path queries, filters, hops) lives in the URL: reload, back
   and forward show the same view. Large neighbourhoods draw their leaves grouped by type
   and predicate (a group node expands on click); edge labels show when few, else on hover.
   Every text from the data reaches the page through textContent or value, never innerHTML.
   Sections: DOM helpers, API, filters, legend, graph, groups, side panel, search, path
   finder, overview, view in the URL, snapshot; a new panel adds its own section. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("config").textContent);
  var legend = config.legend;
  var $ = function (id) { return document.getElementById(id); };

  // ------------------------------------------------------------ DOM helpers

  /* Return a new element; string children become text nodes. */
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") { node.textContent = attrs[k]; }
      else if (k === "className") { node.className = attrs[k]; }
      else if (k.slice(0, 2) === "on") { node.addEventListener(k.slice(2), attrs[k]); }
      else { node.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) {
      if (c === null || c === undefined) { return; }
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }
  function safeUrl(url) {
    if (typeof url !== "string") { return null; }
    try {
      var u = new URL(url);
      return (u.protocol === "http:" || u.protocol === "https:") ? u.href : null;
    } catch (e) { return null; }
  }
  function sourceLink(ev) {
    var label = ev.document_title || ("document " + String(ev.document_id || "").slice(0, 12));
    var href = safeUrl(ev.url || ev.document_url);
    var parts = [href ? el("a", { href: href, target: "_blank", rel: "noopener noreferrer nofollow",
                                  text: label }) : el("span", { text: label })];
    if (ev.date) { parts.push(", " + ev.date); }
    return el("span", { className: "source" }, [" — "].concat(parts));
  }
  function status(text, isError) {
    var s = $("status");
    s.textContent = text;
    s.className = isError ? "status error" : "status";
  }
  function tip(text) { return el("div", { className: "tip", text: text }); }

  // ------------------------------------------------------------ API

  var keyInput = $("api-key");
  try { keyInput.value = sessionStorage.getItem("influence-key") || ""; } catch (e) { /* none */ }
  keyInput.addEventListener("change", function () {
    try { sessionStorage.setItem("influence-key", keyInput.value); } catch (e) { /* none */ }
  });

  function api(path, params, body) {
    var url = path + (params && String(params) ? "?" + String(params) : "");
    var init = { headers: { "Accept": "application/json" } };
    if (keyInput.value) { init.headers["X-API-Key"] = keyInput.value; }
    if (body !== undefined) {
      init.method = "POST";
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(url, init).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (!r.ok) {
          var msg = data.detail || ("HTTP " + r.status);
          if (typeof msg !== "string") { msg = JSON.stringify(msg); }
          if (data.suggestions && data.suggestions.length) {
            msg += " — did you mean: " + data.suggestions.join(", ") + "?";
          }
          throw new Error(msg);
        }
        return data;
      });
    });
  }
  function fail(err) { status(err.message || String(err), true); }

  // ------------------------------------------------------------ filters

  var typeBox = $("type-filters");
  Object.keys(legend.types).forEach(function (name) {
    typeBox.appendChild(el("label", {}, [el("input", { type: "checkbox", value: name }),
                                         legend.types[name].label]));
  });
  var predSelect = $("predicate-filter");
  Object.keys(legend.predicates).forEach(function (name) {
    var p = legend.predicates[name];
    predSelect.appendChild(el("option", { value: name,
                                          text: p.label + (p.polarity === "-" ? " (adversarial)" : "") }));
  });
  function filterParams() {
    var q = new URLSearchParams();
    typeBox.querySelectorAll("input:checked").forEach(function (i) { q.append("types", i.value); });
    Array.prototype.forEach.call(predSelect.selectedOptions, function (o) { q.append("predicates", o.value); });
    if ($("since").value) { q.set("since", $("since").value); }
    if ($("until").value) { q.set("until", $("until").value); }
    var mc = parseFloat($("min-confidence").value);
    if (mc > 0) { q.set("min_confidence", String(mc)); }
    return q;
  }
  function setFilters(q) {
    typeBox.querySelectorAll("input").forEach(function (i) {
      i.checked = q.getAll("types").indexOf(i.value) >= 0;
    });
    Array.prototype.forEach.call(predSelect.options, function (o) {
      o.selected = q.getAll("predicates").indexOf(o.value) >= 0;
    });
    $("since").value = q.get("since") || "";
    $("until").value = q.get("until") || "";
    $("min-confidence").value = q.get("min_confidence") || "0";
  }
  function filterBody() {
    var q = filterParams();
    return { predicates: q.getAll("predicates"), types: q.getAll("types"),
             since: q.get("since") || null, until: q.get("until") || null,
             min_confidence: parseFloat(q.get("min_confidence") || "0") };
  }

  // ------------------------------------------------------------ legend

  var legendList = $("legend");
  Object.keys(legend.types).forEach(function (name) {
    var t = legend.types[name];
    var sw = el("span", { className: "swatch" });
    sw.style.background = t.color;
    legendList.appendChild(el("li", {}, [sw, t.label + " (" + t.shape + ")"]));
  });
  var line = el("span", { className: "swatch line" });
  line.style.borderColor = legend.edge_color;
  legendList.appendChild(el("li", {}, [line, "relation (arrow: subject → object)"]));
  var dashed = el("span", { className: "swatch line dashed" });
  dashed.style.borderColor = legend.adversarial.color;
  var adversarial = Object.keys(legend.predicates).filter(function (n) {
    return legend.predicates[n].polarity === "-";
  }).map(function (n) { return legend.predicates[n].label; });
  legendList.appendChild(el("li", {}, [dashed, "adversarial: " + adversarial.join(", ")]));

  // ------------------------------------------------------------ graph

  var nodes = new vis.DataSet([]);
  var edges = new vis.DataSet([]);
  var container = $("graph");
  var EDGE_LABELS_MAX = 40;   // more edges than this: a label shows on hover only
  var GROUP_MIN = 10;         // leaves of one type and predicate past this draw as one node
  var GROUP_FROM = 40;        // ... in a neighbourhood of more entities than this
  var ITERATIONS = 200;       // a layout runs at most this many physics steps ...
  var ITERATIONS_LARGE = 100; // ... or this many past LARGE nodes, then the physics stop
  var LARGE = 300;
  var NEIGHBOURS_MAX = 5000;  // entities of a neighbourhood asked for (the API allows 5,000)
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, {
    interaction: { hover: true, tooltipDelay: 150, hideEdgesOnDrag: true },
    physics: { stabilization: { iterations: 200, updateInterval: 50 },
               barnesHut: { springLength: 140, avoidOverlap: 0.2 } },
    edges: { font: { size: 11, align: "middle" }, smooth: { type: "continuous" } },
    nodes: { font: { size: 14 } },
    layout: { improvedLayout: false }
  });
  // generation: bumped when the view is cleared, so that answers to an older view are dropped
  // pending: graph answers still awaited (the drawing is "stable" only when none is)
  var state = { focus: [], paths: [], names: {}, groups: {}, hovered: null, overview: false,
                generation: 0, pending: 0, laying: false };

  function counts() {
    container.setAttribute("data-nodes", String(nodes.length));
    container.setAttribute("data-edges", String(edges.length));
  }
  nodes.on("*", counts);
  edges.on("*", counts);
  /* Stable: no graph answer awaited and no layout running. */
  function settle() {
    container.setAttribute("data-stable", String(!state.pending && !state.laying));
  }
  /* Laid out (the end of the bounded stabilization of relayout): the view is fitted once
     and the physics stop, so that nothing moves under the reader's pointer. Not on
     "stabilized": stabilize() stops a running simulation and so queues a "stabilized" of
     the layout it replaces. */
  function laidOut() {
    if (!state.laying) { return; }
    state.laying = false;
    network.setOptions({ physics: { enabled: false } });
    network.fit({ animation: false });
    settle();
  }
  network.on("stabilizationIterationsDone", laidOut);
  /* Draw a graph answer with draw(answer), counted as pending until drawn (draw lays the
     graph out again when it changes it). */
  function drawing(promise, draw) {
    state.pending += 1;
    settle();
    var done = function () { state.pending -= 1; settle(); };
    return promise.then(function (v) { try { return draw(v); } finally { done(); } },
                        function (err) { done(); throw err; });
  }
  function relayout() {
    state.laying = true;
    settle();
    network.setOptions({ physics: { enabled: true } });
    network.stabilize(nodes.length > LARGE ? ITERATIONS_LARGE : ITERATIONS);
  }

  /* Edge labels: all of them when few, else only the one under the pointer. */
  function labels() {
    var all = edges.get();
    var show = all.length <= EDGE_LABELS_MAX;
    edges.update(all.filter(function (e) {
      var want = show || e.id === state.hovered ? e.predicateLabel : undefined;
      return e.label !== want;
    }).map(function (e) {
      return { id: e.id, label: show || e.id === state.hovered ? e.predicateLabel : undefined };
    }));
  }
  network.on("hoverEdge", function (ev) {
    state.hovered = ev.edge;
    var e = edges.get(ev.edge);
    if (e && e.label === undefined) { edges.update({ id: ev.edge, label: e.predicateLabel }); }
  });
  network.on("blurEdge", function (ev) {
    state.hovered = null;
    if (edges.length > EDGE_LABELS_MAX) { edges.update({ id: ev.edge, label: undefined }); }
  });

  function nodeOf(e) {
    var t = legend.types[e.type] || {};
    state.names[e.id] = e.name;
    return { id: e.id, label: e.name, shape: t.shape || "dot", color: t.color || "#bab0ac",
             title: tip(e.name + "\n" + e.type + (e.aliases && e.aliases.length ?
                         "\naka " + e.aliases.join(", ") : "")) };
  }
  function edgeOf(r) {
    var p = legend.predicates[r.predicate] || {};
    var adv = p.polarity === "-";
    return { id: r.id, from: r.subject, to: r.object, label: r.predicate,
             predicateLabel: r.predicate, arrows: p.symmetric ? "" : "to", dashes: adv,
             color: { color: adv ? legend.adversarial.color : legend.edge_color },
             width: 1,
             title: tip((state.names[r.subject] || r.subject) + " — " + r.predicate + " → " +
                        (state.names[r.object] || r.object) + "\nconfidence " +
                        Number(r.confidence).toFixed(2) + ", " + r.evidence_count +
                        " evidence\nclick for the sentences") };
  }
  function addSubgraph(sub) {
    var grouped = groupLeaves(sub);
    nodes.update(sub.entities.filter(function (e) { return !grouped[e.id]; }).map(nodeOf));
    edges.update(sub.relations.filter(function (r) {
      return !grouped[r.subject] && !grouped[r.object];
    }).map(edgeOf));
    labels();
    relayout();
  }
  function expand(id) {
    status("Loading neighbours…");
    var q = filterParams();
    q.set("hops", "1");
    q.set("limit", String(NEIGHBOURS_MAX));
    var generation = state.generation;
    return drawing(api("/api/entities/" + encodeURIComponent(id) + "/neighbors", q), function (sub) {
      if (generation !== state.generation) { return sub; }
      if (state.focus.indexOf(sub.center.id) < 0) { state.focus.push(sub.center.id); }
      addSubgraph(sub);
      status(sub.center.name + ": " + (sub.entities.length - 1) + " neighbours, " +
             sub.relations.length + " relations" + (sub.truncated ? " (the first " + NEIGHBOURS_MAX.toLocaleString("en") + ")" : "") +
             ". Click a node to expand it" +
             (Object.keys(state.groups).length ? ", a group to open it." : "."));
      return sub;
    });
  }
  function reset() {
    nodes.clear(); edges.clear();
    state.focus = []; state.paths = []; state.groups = {};
    state.overview = false;
    state.generation += 1;
    container.setAttribute("data-view", "query");
    container.setAttribute("data-stable", "false");
    clear($("path-list"));
  }
  function choose(id) {
    reset();
    return expand(id).then(function (sub) {
      network.selectNodes([sub.center.id]);
      showEntity(sub.center.id);
      saveView();
    }).catch(fail);
  }

  network.on("click", function (ev) {
    if (ev.nodes.length) {
      var id = ev.nodes[0];
      if (state.groups[id]) { openGroup(id); return; }
      if (state.overview) { choose(id); return; }
      showEntity(id);
      expand(id).then(saveView).catch(fail);
    } else if (ev.edges.length && !state.groups[edges.get(ev.edges[0]).to] &&
               !state.groups[edges.get(ev.edges[0]).from]) {
      showRelation(ev.edges[0]);
    }
  });

  /* The focused graph answers arrows (move), + and - (zoom), 0 (fit), Tab / Shift+Tab
     (select the next / previous node, its details shown) and Enter (open it, as a click). */
  var keyIndex = -1;
  container.addEventListener("keydown", function (e) {
    var at = network.getViewPosition();
    var scale = network.getScale();
    var step = 60 / scale;
    var moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step],
                  ArrowDown: [0, step] };
    var ids = nodes.getIds();
    if (moves[e.key]) {
      network.moveTo({ position: { x: at.x + moves[e.key][0], y: at.y + moves[e.key][1] } });
    } else if (e.key === "+" || e.key === "=") {
      network.moveTo({ scale: scale * 1.25 });
    } else if (e.key === "-") {
      network.moveTo({ scale: scale / 1.25 });
    } else if (e.key === "0") {
      network.fit();
    } else if (e.key === "Tab" && ids.length &&
               !(e.shiftKey ? keyIndex <= 0 : keyIndex >= ids.length - 1)) {
      keyIndex = e.shiftKey ? keyIndex - 1 : keyIndex + 1;
      var id = ids[keyIndex];
      network.selectNodes([id]);
      network.focus(id, { scale: Math.max(scale, 0.8), animation: false });
      if (!state.groups[id]) { showEntity(id); }
      status("Selected: " + (nodes.get(id).label || id) + " (Enter opens it).");
    } else if (e.key === "Enter" && network.getSelectedNodes().length) {
      network.emit("click", { nodes: network.getSelectedNodes().slice(0, 1), edges: [],
                              pointer: { DOM: { x: 0, y: 0 } } });
    } else {
      return;
    }
    e.preventDefault();
  });
  nodes.on("remove", function () { keyIndex = -1; });
  nodes.on("add", function () { keyIndex = -1; });

  // ------------------------------------------------------------ groups of leaves

  function plural(label, n) {
    var word = String(label).toLowerCase();
    if (n === 1) { return word; }
    if (word === "person") { return "people"; }
    if (/[^aeiou]y$/.test(word)) { return word.slice(0, -1) + "ies"; }
    if (/(s|x|ch|sh)$/.test(word)) { return word + "es"; }
    return word + "s";
  }
  /* Group the leaves of a large neighbourhood (neighbours linked to the centre only, not
     drawn yet) by type, predicate and direction; draw each big group as one node. Return
     the ids of the grouped entities. */
  function groupLeaves(sub) {
    var grouped = {};
    if (sub.entities.length <= GROUP_FROM) { return grouped; }
    var center = sub.center.id;
    var degree = {};
    var byId = {};
    sub.entities.forEach(function (e) { byId[e.id] = e; });
    sub.relations.forEach(function (r) {
      degree[r.subject] = (degree[r.subject] || 0) + 1;
      degree[r.object] = (degree[r.object] || 0) + 1;
    });
    var sets = {};
    sub.relations.forEach(function (r) {
      var out = r.subject === center;
      var other = out ? r.object : r.subject;
      if (other === center || degree[other] !== 1 || nodes.get(other)) { return; }
      var key = [byId[other].type, r.predicate, out ? "out" : "in"].join("|");
      (sets[key] = sets[key] || { type: byId[other].type, predicate: r.predicate, out: out,
                                  members: [], relations: [] });
      sets[key].members.push(byId[other]);
      sets[key].relations.push(r);
    });
    Object.keys(sets).forEach(function (key) {
      var g = sets[key];
      if (g.members.length < GROUP_MIN) { return; }
      var gid = "group:" + center + ":" + key;
      var t = legend.types[g.type] || {};
      var p = legend.predicates[g.predicate] || {};
      var n = g.members.length.toLocaleString("en");
      var what = n + " " + plural(t.label || g.type, g.members.length);
      var text = g.out ? what + " it " + (p.label || g.predicate)
                       : what + " — " + (p.label || g.predicate) + " → it";
      state.groups[gid] = g;
      g.members.forEach(function (e) { grouped[e.id] = true; state.names[e.id] = e.name; });
      nodes.update({ id: gid, label: text, shape: "box", group: "cluster",
                     color: { background: t.color || "#bab0ac", border: "#333" },
                     font: { size: 14 }, borderWidth: 2, margin: 8,
                     title: tip(text + "\n" + g.members.slice(0, 12).map(function (e) {
                       return e.name; }).join(", ") + (g.members.length > 12 ? ", …" : "") +
                       "\nclick to open the group") });
      edges.update({ id: gid + ":edge", from: g.out ? center : gid, to: g.out ? gid : center,
                     predicateLabel: g.predicate, label: g.predicate, arrows: "to",
                     width: Math.min(8, 1 + Math.log(g.members.length)),
                     color: { color: p.polarity === "-" ? legend.adversarial.color : legend.edge_color },
                     dashes: p.polarity === "-" });
    });
    return grouped;
  }
  function openGroup(gid) {
    var g = state.groups[gid];
    var at = network.getPositions([gid])[gid] || { x: 0, y: 0 };
    delete state.groups[gid];
    nodes.remove(gid);
    edges.remove(gid + ":edge");
    // members start on rings around where the group was: the layout has little left to do
    var perRing = 24;
    nodes.update(g.members.map(function (e, i) {
      var ring = Math.floor(i / perRing);
      var slot = i % perRing;
      var angle = 2 * Math.PI * (slot + (ring % 2) / 2) / perRing;
      var radius = 80 + 45 * ring;
      var n = nodeOf(e);
      n.x = at.x + radius * Math.cos(angle);
      n.y = at.y + radius * Math.sin(angle);
      return n;
    }));
    edges.update(g.relations.map(edgeOf));
    labels();
    relayout();
    status("Opened: " + g.members.length + " " + plural((legend.types[g.type] || {}).label ||
           g.type, g.members.length) + ".");
  }

  // ------------------------------------------------------------ side panel

  function details(title, body) {
    $("details-title").textContent = title;
    var box = $("details-body");
    clear(box);
    body.forEach(function (b) { box.appendChild(b); });
  }
  function showEntity(id) {
    api("/api/entities/" + encodeURIComponent(id)).then(function (e) {
      var rels = function (list, label) {
        if (!list.length) { return null; }
        return el("div", {}, [el("h3", { text: label }), el("ul", {}, list.map(function (r) {
          var other = el("button", { type: "button", className: "link", text: r.other.name,
                                     onclick: function () { choose(r.other.id); } });
          var head = r.direction === "out" ? [r.predicate + " → ", other] : [other, " → " + r.predicate];
          var item = el("li", {}, head.concat([el("span", { className: "meta",
            text: " (" + Number(r.confidence).toFixed(2) + ", " + r.evidence_count + " ev., " + r.status + ")" })]));
          if (r.best_evidence) {
            item.appendChild(el("span", { className: "hop-evidence" },
                                [el("q", { text: r.best_evidence.sentence }), sourceLink(r.best_evidence),
                                 r.best_evidence.past ? el("span", { className: "meta", text: " (former)" }) : null]));
          }
          return item;
        }))]);
      };
      details(e.name, [
        el("p", { className: "meta", text: e.type + " · id " + e.id }),
        e.aliases.length ? el("p", { text: "Also known as: " + e.aliases.join(", ") }) : null,
        rels(e.relations_out, "Relations out"), rels(e.relations_in, "Relations in")
      ].filter(Boolean));
    }).catch(fail);
  }
  function showRelation(id) {
    api("/api/relations/" + encodeURIComponent(id)).then(function (r) {
      details(r.subject_entity.name + " — " + r.predicate + " → " + r.object_entity.name, [
        el("p", { className: "meta", text: "confidence " + Number(r.confidence).toFixed(2) +
                  " · " + r.status + (r.first_seen ? " · " + r.first_seen : "") +
                  (r.last_seen && r.last_seen !== r.first_seen ? " to " + r.last_seen : "") }),
        el("ol", { className: "evidence" }, r.evidence.map(function (ev) {
          return el("li", {}, [el("q", { text: ev.sentence }), sourceLink(ev),
            ev.status !== "asserted" ? el("span", { className: "meta", text: " (" + ev.status + ")" }) : null,
            ev.past ? el("span", { className: "meta", text: " (former)" }) : null,
            ev.attribution ? el("span", { className: "meta", text: " according to " + ev.attribution }) : null]);
        }))
      ]);
    }).catch(fail);
  }

  // ------------------------------------------------------------ search with suggestions

  var search = $("search");
  var box = $("suggestions");
  var hits = [];
  var active = -1;
  var timer = null;
  function closeSuggestions() {
    box.hidden = true; search.setAttribute("aria-expanded", "false"); active = -1;
  }
  function renderSuggestions() {
    clear(box);
    hits.forEach(function (h, i) {
      box.appendChild(el("li", { role: "option", id: "sugg-" + i,
                                 "aria-selected": i === active ? "true" : "false",
                                 onmousedown: function (ev) { ev.preventDefault(); pick(i); } },
                         [h.name, el("small", { text: h.type })]));
    });
    box.hidden = !hits.length;
    search.setAttribute("aria-expanded", hits.length ? "true" : "false");
  }
  function pick(i) {
    var h = hits[i];
    if (!h) { return; }
    search.value = h.name;
    closeSuggestions();
    choose(h.id);
  }
  search.addEventListener("input", function () {
    clearTimeout(timer);
    var q = search.value.trim();
    if (!q) { hits = []; closeSuggestions(); return; }
    timer = setTimeout(function () {
      api("/api/entities", new URLSearchParams({ q: q, limit: "8" })).then(function (res) {
        if (search.value.trim() !== q) { return; }
        hits = res.results; active = -1; renderSuggestions();
      }).catch(fail);
    }, 150);
  });
  search.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      if (!hits.length) { return; }
      ev.preventDefault();
      active = (active + (ev.key === "ArrowDown" ? 1 : hits.length - 1)) % hits.length;
      renderSuggestions();
    } else if (ev.key === "Escape") { closeSuggestions(); }
  });
  search.addEventListener("blur", function () { setTimeout(closeSuggestions, 100); });
  $("search-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    if (hits.length) { pick(active >= 0 ? active : 0); return; }
    var q = search.value.trim();
    if (q) { choose(q); }
  });

  // ------------------------------------------------------------ path finder

  function highlight(path) {
    edges.update(edges.get().map(function (e) { return { id: e.id, width: 1 }; }));
    edges.update(path.hops.map(function (h) { return { id: h.relation_id, width: 4 }; }));
    network.selectNodes(path.nodes.map(function (n) { return n.id; }), false);
    network.selectEdges(path.hops.map(function (h) { return h.relation_id; }));
  }
  function addPath(path) {
    nodes.update(path.nodes.map(nodeOf));
    edges.update(path.hops.filter(function (h) { return !edges.get(h.relation_id); }).map(function (h) {
      var fwd = h.direction === "forward";
      return edgeOf({ id: h.relation_id, subject: fwd ? h.from : h.to, object: fwd ? h.to : h.from,
                      predicate: h.predicate, confidence: h.confidence, evidence_count: "some" });
    }));
  }
  function renderPaths(res) {
    var list = $("path-list");
    clear(list);
    if (!res.paths.length) {
      list.appendChild(el("li", { className: "meta", text: "No " + res.mode + " path from " +
                               res.source.name + " to " + res.target.name + "." }));
      return;
    }
    res.paths.forEach(function (p, i) {
      addPath(p);
      var hopsList = el("ol", { className: "hops" }, p.hops.map(function (h) {
        var arrow = h.direction === "forward" ? " —" + h.predicate + "→ " : " ←" + h.predicate + "— ";
        var item = el("li", { className: "hop" }, [el("strong", { text: h.from_name }), arrow,
                                                   el("strong", { text: h.to_name })]);
        if (h.evidence) {
          item.appendChild(el("span", { className: "hop-evidence" },
                              [el("q", { text: h.evidence.sentence }), sourceLink(h.evidence),
                               h.evidence.past ? el("span", { className: "meta", text: " (former)" }) : null]));
        }
        return item;
      }));
      var li = el("li", { className: "path" }, [
        el("button", { type: "button", className: "link",
                       text: p.nodes.map(function (n) { return n.name; }).join(" → "),
                       onclick: function () {
                         Array.prototype.forEach.call(list.children, function (c) { c.classList.remove("active"); });
                         li.classList.add("active");
                         highlight(p);
                       } }),
        el("span", { className: "meta", text: " score " + Number(p.score).toFixed(3) +
                     ", weakest hop " + Number(p.weakest).toFixed(2) + ", " + p.sources.length + " source(s)" }),
        hopsList]);
      if (i === 0) { li.classList.add("active"); }
      list.appendChild(li);
    });
    highlight(res.paths[0]);
    network.fit({ animation: false });
  }
  $("path-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var q = filterParams();
    q.set("source", $("path-source").value.trim());
    q.set("target", $("path-target").value.trim());
    q.set("mode", $("path-mode").value);
    q.set("max_hops", $("path-hops").value || "4");
    q.set("k", "5");
    findPaths(q).then(saveView).catch(fail);
  });
  function findPaths(q) {
    status("Finding paths…");
    return drawing(api("/api/paths", q), function (res) {
      if (state.overview) { reset(); }
      var query = { source: res.source.id, target: res.target.id };
      if (!state.paths.some(function (p) { return p.source === query.source && p.target === query.target; })) {
        state.paths.push(query);
      }
      renderPaths(res);
      labels();
      relayout();
      status(res.paths.length + " path(s) from " + res.source.name + " to " + res.target.name + ".");
    });
  }

  // ------------------------------------------------------------ filters apply

  $("filter-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    saveView();
    showView();
  });

  // ------------------------------------------------------------ overview

  /* The view without a question: the most central entities and the relations among them,
     the counts of the graph and its latest documents. */
  function showOverview() {
    reset();
    status("Loading the overview…");
    var generation = state.generation;
    return drawing(api("/api/overview", new URLSearchParams({ limit: "50", documents: "8" })), function (o) {
      if (generation !== state.generation) { return; }
      state.overview = true;
      var byId = {};
      o.entities.forEach(function (e) { byId[e.id] = e; });
      var top = o.entities.length ? o.entities[0].score || 1 : 1;
      nodes.update(o.entities.map(function (e) {
        var n = nodeOf(e);
        n.value = e.score / top;
        n.scaling = { min: 10, max: 34, label: { enabled: true, min: 12, max: 20 } };
        return n;
      }));
      edges.update(o.relations.filter(function (r) { return byId[r.subject] && byId[r.object]; }).map(edgeOf));
      labels();
      relayout();
      var s = o.stats;
      var line = s.documents.toLocaleString("en") + " documents, " + s.entities.toLocaleString("en") +
                 " entities, " + s.relations.toLocaleString("en") + " relations";
      container.setAttribute("data-view", "overview");
      status(line + ". Shown: the " + o.entities.length + " most central entities. Search or click one to explore.");
      details("Overview", [
        el("p", { id: "overview-counts", text: line + "." }),
        el("h3", { text: "Most central" }),
        el("ol", { id: "overview-top" }, o.entities.slice(0, 10).map(function (e) {
          return el("li", {}, [el("button", { type: "button", className: "link", text: e.name,
                                               onclick: function () { choose(e.id); } }),
                               el("span", { className: "meta", text: " " + e.type })]);
        })),
        el("h3", { text: "Latest documents" }),
        el("ul", { id: "overview-documents" }, o.documents.map(function (d) {
          var href = safeUrl(d.url);
          var title = d.title || ("document " + d.id.slice(0, 12));
          return el("li", {}, [href ? el("a", { href: href, target: "_blank",
                                                rel: "noopener noreferrer nofollow", text: title })
                                    : el("span", { text: title }),
                               d.published ? el("span", { className: "meta", text: " " + d.published }) : null]);
        }))
      ]);
    });
  }

  // ------------------------------------------------------------ view in the URL

  /* The URL of the current view: focus (entity ids), path (source~target), mode,
     max_hops and the filters; "/" alone is the overview. */
  function viewParams() {
    var q = filterParams();
    state.focus.forEach(function (id) { q.append("focus", id); });
    state.paths.forEach(function (p) { q.append("path", p.source + "~" + p.target); });
    if (state.paths.length) {
      q.set("mode", $("path-mode").value);
      q.set("max_hops", $("path-hops").value || "4");
    }
    return q;
  }
  function saveView() {
    var q = viewParams();
    var url = location.pathname + (String(q) ? "?" + String(q) : "");
    if (url !== location.pathname + location.search) { history.pushState(null, "", url); }
  }
  /* Draw the view the URL names (on load, reload, back and forward). */
  function showView() {
    var q = new URLSearchParams(location.search);
    setFilters(q);
    $("path-mode").value = q.get("mode") === "any" ? "any" : "influence";
    $("path-hops").value = q.get("max_hops") || "4";
    var focus = q.getAll("focus");
    var paths = q.getAll("path").map(function (p) {
      var i = p.indexOf("~");
      return { source: p.slice(0, i), target: p.slice(i + 1) };
    }).filter(function (p) { return p.source && p.target; });
    if (!focus.length && !paths.length) { return showOverview().catch(fail); }
    reset();
    var done = focus.reduce(function (p, id) {
      return p.then(function () { return expand(id); });
    }, Promise.resolve());
    paths.forEach(function (p) {
      done = done.then(function () {
        var pq = filterParams();
        pq.set("source", p.source); pq.set("target", p.target);
        pq.set("mode", $("path-mode").value); pq.set("max_hops", $("path-hops").value);
        pq.set("k", "5");
        $("path-source").value = p.source; $("path-target").value = p.target;
        return findPaths(pq);
      });
    });
    return done.then(function () {
      if (focus.length) { network.selectNodes([focus[0]]); showEntity(focus[0]); }
    }).catch(fail);
  }
  window.addEventListener("popstate", showView);

  // ------------------------------------------------------------ snapshot

  $("snapshot-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var out = $("snapshot-result");
    clear(out);
    if (!state.focus.length && !state.paths.length) {
      out.appendChild(el("p", { className: "error", text: "Search an entity or find a path first." }));
      return;
    }
    var positions = {};
    var pos = network.getPositions();
    Object.keys(pos).forEach(function (id) { positions[id] = [pos[id].x, pos[id].y]; });
    var body = { focus: state.focus, hops: state.focus.length ? 1 : 0, paths: state.paths, k: 5,
                 max_hops: parseInt($("path-hops").value || "4", 10), mode: $("path-mode").value,
                 filters: filterBody(), title: $("snap-title").value, caption: $("snap-caption").value,
                 credit: $("snap-credit").value, positions: positions };
    out.appendChild(el("p", { className: "meta", text: "Freezing the graph…" }));
    api("/api/snapshots", null, body).then(function (res) {
      clear(out);
      var snippet = el("textarea", { id: "embed-html", rows: "4", readonly: "readonly" });
      snippet.value = res.embed_html;
      out.appendChild(el("p", {}, ["Published: ",
        el("a", { id: "snapshot-link", href: safeUrl(res.url) || "#", target: "_blank",
                  rel: "noopener", text: res.title })]));
      out.appendChild(el("label", {}, ["Embed snippet", snippet]));
      out.appendChild(el("button", { type: "button", text: "Copy snippet", onclick: function () {
        snippet.select();
        if (navigator.clipboard) { navigator.clipboard.writeText(snippet.value).catch(function () {}); }
      } }));
    }).catch(function (err) {
      clear(out);
      out.appendChild(el("p", { className: "error", text: err.message }));
    });
  });

  window.explorer = { network: network, nodes: nodes, edges: edges, state: state,
                      choose: choose, showView: showView, api: api, el: el };
  counts();
  showView();
})();
