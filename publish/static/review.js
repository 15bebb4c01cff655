/* The review panel of the explorer: once a write key is entered, merge entities, rename or
   retype the selected node, confirm or reject the selected edge, read the log and undo.
   Edges show their review: confirmed (thick, green), unreviewed, rejected (red, dashed,
   drawn only when "Show rejected" is ticked). Every text from the data reaches the page
   through textContent or value, never innerHTML. */
(function () {
  "use strict";

  var explorer = window.explorer;
  var config = JSON.parse(document.getElementById("config").textContent);
  var $ = function (id) { return document.getElementById(id); };
  var box = $("review-box");
  var keyInput = $("api-key");
  if (!explorer || !box || !keyInput) { return; }
  var selected = { node: null, edge: null };
  var reviews = {};  // relation id -> "confirmed" | "rejected"
  var drawn = {};    // rejected relation id -> true, drawn by "Show rejected"
  var STYLE = {
    confirmed: { width: 3, color: { color: "#1b7f3b" } },
    rejected: { width: 1, dashes: [2, 4], color: { color: "#c62828" } }
  };

  var el = explorer.el;  // the explorer's element builder (text through textContent)
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }
  function say(text, isError) {
    var out = $("review-status");
    out.textContent = text;
    out.className = isError ? "error" : "meta";
  }

  function api(path, body) {  // the explorer's request helper (sends the key it holds)
    return explorer.api(path, null, body);
  }

  // ------------------------------------------------------------ edge status

  function restyle(ids) {
    var updates = [];
    (ids || explorer.edges.getIds()).forEach(function (id) {
      var state = reviews[id] || "unreviewed";
      var style = STYLE[state] || { width: 1, dashes: false };
      var edge = explorer.edges.get(id);
      if (!edge || edge.review === state) { return; }
      var update = { id: id, review: state, width: style.width };
      if (style.color) { update.color = style.color; }
      if (style.dashes) { update.dashes = style.dashes; }
      if (state === "unreviewed" && edge.baseColor) { update.color = edge.baseColor; }
      if (state !== "unreviewed" && !edge.baseColor) { update.baseColor = edge.color; }
      updates.push(update);
    });
    if (updates.length) { explorer.edges.update(updates); }
  }
  function loadReviews() {
    return api("/api/review/relations").then(function (data) {
      reviews = data.reviews || {};
      explorer.edges.update(explorer.edges.get({ filter: function (e) { return e.review; } })
        .map(function (e) { return { id: e.id, review: null }; }));
      restyle();
    });
  }
  explorer.edges.on("add", function (event, props) { restyle(props.items); });

  function showRejected() {
    Object.keys(drawn).forEach(function (id) { explorer.edges.remove(id); });
    drawn = {};
    if (!$("review-show-rejected").checked) { return Promise.resolve(); }
    var ids = explorer.nodes.getIds();
    return Promise.all(ids.map(function (id) {
      return api("/api/entities/" + encodeURIComponent(id)).then(function (e) {
        e.relations_out.concat(e.relations_in).forEach(function (r) {
          if (r.status !== "rejected" || explorer.edges.get(r.id)) { return; }
          var from = r.direction === "out" ? e.id : r.other.id;
          var to = r.direction === "out" ? r.other.id : e.id;
          if (!explorer.nodes.get(r.other.id)) {
            explorer.nodes.add({ id: r.other.id, label: r.other.name });
          }
          drawn[r.id] = true;
          explorer.edges.add({ id: r.id, from: from, to: to, label: r.predicate + " (rejected)",
                               arrows: "to", rejected: true });
        });
      });
    }));
  }

  // ------------------------------------------------------------ the panel

  function judge(body, then) {
    say("Saving…");
    return api("/api/review/judgements", body).then(function (j) {
      say(j.kind + " saved (" + j.id + ")");
      return loadReviews().then(loadLog).then(loadCandidates)
        .then(function () { return then ? then(j) : j; });
    }).catch(function (err) { say(err.message, true); });
  }

  function nodePanel() {
    var out = $("review-node");
    clear(out);
    if (!selected.node) {
      out.appendChild(el("p", { className: "meta", text: "Select a node to rename or retype it." }));
      return;
    }
    var node = explorer.nodes.get(selected.node) || { label: selected.node };
    $("review-merge-a").value = node.label || selected.node;
    var name = el("input", { id: "review-name", maxlength: "1000" });
    name.value = node.label || "";
    var type = el("select", { id: "review-type" }, Object.keys(config.legend.types).map(
      function (t) { return el("option", { value: t, text: config.legend.types[t].label || t }); }));
    out.appendChild(el("p", { className: "meta", text: "Node: " + (node.label || selected.node) }));
    out.appendChild(el("label", {}, ["New name", name]));
    out.appendChild(el("button", { type: "button", id: "review-rename", text: "Rename",
      onclick: function () {
        judge({ kind: "rename", entities: [selected.node], name: name.value }, function () {
          explorer.nodes.update({ id: selected.node, label: name.value });
        });
      } }));
    out.appendChild(el("label", {}, ["Type", type]));
    out.appendChild(el("button", { type: "button", id: "review-retype", text: "Retype",
      onclick: function () { judge({ kind: "retype", entities: [selected.node], type: type.value }); } }));
  }

  function edgePanel() {
    var out = $("review-edge");
    clear(out);
    if (!selected.edge) {
      out.appendChild(el("p", { className: "meta", text: "Select an edge to confirm or reject it." }));
      return;
    }
    var edge = explorer.edges.get(selected.edge) || {};
    var reason = el("input", { id: "review-reason", maxlength: "2000", placeholder: "Why it is wrong" });
    out.appendChild(el("p", { className: "meta", id: "review-edge-state",
                              text: "Edge " + (edge.label || selected.edge) + ": " +
                                    (reviews[selected.edge] || "unreviewed") }));
    out.appendChild(el("button", { type: "button", id: "review-confirm", text: "Confirm",
      onclick: function () { judge({ kind: "confirm", relations: [selected.edge] }, edgePanel); } }));
    out.appendChild(el("label", {}, ["Reason", reason]));
    out.appendChild(el("button", { type: "button", id: "review-reject", text: "Reject",
      onclick: function () {
        var id = selected.edge;
        judge({ kind: "reject", relations: [id], reason: reason.value }, function () {
          if (!$("review-show-rejected").checked) { explorer.edges.remove(id); }
          selected.edge = null;
          edgePanel();
        });
      } }));
  }

  function loadLog() {
    return api("/api/review/judgements?limit=20").then(function (data) {
      var list = $("review-log");
      clear(list);
      data.judgements.forEach(function (j) {
        var about = j.entities.concat(j.relations).join(", ");
        var item = el("li", { "data-id": j.id, className: j.undone_by ? "undone" : "" }, [
          el("strong", { text: j.kind }), " " + about + " ",
          el("span", { className: "meta", text: "by " + j.author + " at " + j.at +
                                                (j.undone_by ? " (undone)" : "") })]);
        if (!j.undone_by && j.kind !== "undo") {
          item.appendChild(el("button", { type: "button", className: "link review-undo",
            text: "Undo", onclick: function () {
              judge({ kind: "undo", target: j.id }, function () { return refocus(j); });
            } }));
        }
        list.appendChild(item);
      });
    });
  }

  function loadCandidates() {
    return api("/api/review/candidates?limit=10").then(function (data) {
      var list = $("review-candidates");
      clear(list);
      data.candidates.forEach(function (c) {
        var pair = [c.a.id, c.b.id];
        list.appendChild(el("li", { "data-pair": pair.join(" ") }, [
          el("strong", { text: c.a.name + " / " + c.b.name }),
          el("span", { className: "meta", text: " " + c.reasons.join("; ") + " " }),
          el("button", { type: "button", className: "link review-candidate-merge", text: "Merge",
            onclick: function () {
              judge({ kind: "merge", entities: pair }, function (j) {
                return explorer.choose(j.entities[0]);
              });
            } }), " ",
          el("button", { type: "button", className: "link review-candidate-distinct",
                         text: "Distinct",
                         onclick: function () { judge({ kind: "distinct", entities: pair }); } })
        ]));
      });
      if (!data.candidates.length) {
        list.appendChild(el("li", { className: "meta", text: "No likely duplicates." }));
      }
    });
  }

  function refocus(j) {
    var focus = (explorer.state.focus || [])[0] || j.entities[0];
    return focus ? explorer.choose(focus) : null;
  }

  $("review-merge").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var a = $("review-merge-a").value, b = $("review-merge-b").value;
    var body = { kind: "merge", entities: [a, b] };
    if ($("review-merge-name").value) { body.name = $("review-merge-name").value; }
    judge(body, function (j) { return explorer.choose(j.entities[0]); });
  });
  $("review-show-rejected").addEventListener("change", function () {
    showRejected().catch(function (err) { say(err.message, true); });
  });

  explorer.network.on("click", function (ev) {
    selected.node = ev.nodes.length ? ev.nodes[0] : null;
    selected.edge = !ev.nodes.length && ev.edges.length ? ev.edges[0] : null;
    if (!box.hidden) { nodePanel(); edgePanel(); }
  });

  function unlock() {
    var open = Boolean(keyInput.value);
    box.hidden = !open;
    if (!open) { return; }
    nodePanel();
    edgePanel();
    loadReviews().then(loadLog).then(loadCandidates)
      .catch(function (err) { say(err.message, true); });
  }
  keyInput.addEventListener("change", unlock);
  keyInput.addEventListener("input", function () { if (!keyInput.value) { box.hidden = true; } });
  unlock();
})();
