// Causemap's network view: a Streamlit components-v2 module that draws vis-network data.
//
// Python (app/network_component.py) sends {nodes, edges, options, height, ui}; this module draws
// them with vis-network (the copy bundled with pyvis, inlined below in a private scope) and sends
// back the node the student picks, as the trigger "click" = {id, nonce}.
//
// What it adds to vis-network, and why:
// - A readable first view. After the force layout settles, the layout (not the labels) is scaled
//   into the canvas so that the view is drawn at scale 1 (labels at their 14 px), overlapping
//   labels are pushed apart inside the canvas, and only if they cannot all fit is the scale
//   lowered, never below MIN_SCALE (labels stay at least 12 px on screen). This runs after every
//   change of view (new nodes), so the view is always re-fitted.
// - Edge labels only where they do not collide: the selected node's always, the others when their
//   box is free of nodes and other labels; every edge's label shows while hovering it or its node.
// - Zoom in, zoom out, fit and "find in this view" (a combobox listing every drawn node: the
//   keyboard route to each of them; Enter centres the node, makes it pulse and selects it).
// - The network is one focus stop with a name and keys: arrows pan, + and - zoom, 0 fits, Enter
//   opens the list. The focus node has a double ring, the selected node a dark border and halo.
// - Tooltips beside the node (not under the pointer), built with textContent: data is never HTML.
// - An optional Back button (history.back(): the page's views are browser history entries).
//
// Every text from the data goes through textContent or onto the canvas; nothing is parsed as HTML.

const vis = (() => {
  const exports = {};
  const module = { exports };
  /* vis-network 9, bundled with pyvis */
  /*%VIS%*/
  ;
  return module.exports;
})();

const MIN_SCALE = 12.6 / 14;   // the smallest first-view scale: 14-unit labels at 12.6 px
const MAX_FIT_SCALE = 1.3;     // a view of three nodes is not blown up beyond this
const ZOOM_STEP = 1.3;
const PAN_STEP = 80;           // px per arrow key
const PAD = 4;                 // px kept free around each node's box
const EDGE_FONT_PX = 12;
const INK = "#1f2328";
const LABEL_INSIDE = new Set(["ellipse", "box", "circle", "database", "text"]);
const NARROW = 520;            // px: a phone; the canvas grows taller there

const views = new WeakMap();   // parentElement -> the drawing mounted in it

function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = String(text);
  return node;
}

function normalise(text) {
  return String(text || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/['\u2019]/g, "").replace(/[^a-z0-9]+/g, " ").trim();
}

// -- building the DOM --------------------------------------------------------------------------

let uid = 0;

function createView(root) {
  const id = `cmnet${++uid}`;
  const wrap = el("div", { class: "cm-wrap" });
  const bar = el("div", { class: "cm-bar", role: "toolbar", "aria-label": "Network controls" });
  const back = el("button", { type: "button", class: "cm-btn cm-back", title: "Back to the previous view (the browser's Back)" }, "← Back");
  const zoomIn = el("button", { type: "button", class: "cm-btn", "aria-label": "Zoom in", title: "Zoom in (+)" }, "+");
  const zoomOut = el("button", { type: "button", class: "cm-btn", "aria-label": "Zoom out", title: "Zoom out (−)" }, "−");
  const fit = el("button", { type: "button", class: "cm-btn", title: "Fit the whole view (0)" }, "Fit");
  const find = el("div", { class: "cm-find" });
  const findLabel = el("label", { for: `${id}-find`, class: "cm-sr" }, "Find an entity in this view");
  const input = el("input", {
    id: `${id}-find`, type: "text", class: "cm-find-input", role: "combobox",
    "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": `${id}-list`,
    autocomplete: "off", spellcheck: "false", placeholder: "Find in this view…",
  });
  const list = el("ul", { id: `${id}-list`, class: "cm-list", role: "listbox", "aria-label": "Entities in this view" });
  list.hidden = true;
  find.append(findLabel, input, list);
  bar.append(back, zoomIn, zoomOut, fit, find);

  const container = el("div", { class: "cm-network", tabindex: "0", role: "application",
                                 "aria-roledescription": "network diagram",
                                 "aria-describedby": `${id}-help` });
  const tip = el("div", { class: "cm-tip", role: "tooltip" });
  tip.hidden = true;
  const help = el("p", { id: `${id}-help`, class: "cm-help" },
    "Keys: arrows pan, + and − zoom, 0 fits, Enter lists the entities. Click an entity, or pick it " +
    "from the list, to select it.");
  const live = el("div", { class: "cm-sr", "aria-live": "polite", role: "status" });
  const empty = el("p", { class: "cm-empty" }, "Nothing to draw: no entities in this view.");
  wrap.append(bar, container, help, live, empty);
  root.appendChild(wrap);

  const nodes = new vis.DataSet();
  const edges = new vis.DataSet();
  const network = new vis.Network(container, { nodes, edges }, {});
  container.appendChild(tip);  // after vis-network's own canvas, so that it is drawn above it
  const view = {
    root, wrap, bar, back, input, list, container, tip, live, empty, nodes, edges, network,
    started: 0, setTriggerValue: null, byId: new Map(), minorShown: false, items: [], edgeItems: [], full: new Map(), shown: new Set(),
    boxes: {}, placed: false, focusId: null, selectedId: null, pulse: null, active: -1,
    matches: [], hovered: null, lastAnnounce: null, lastCentre: null, size: [0, 0],
  };

  network.on("click", (params) => {
    if (params.nodes.length > 0) select(view, String(params.nodes[0]), false);
  });
  network.on("hoverNode", (p) => { container.style.cursor = "pointer"; hover(view, p.node); });
  network.on("blurNode", () => { container.style.cursor = ""; hover(view, null); });
  network.on("hoverEdge", (p) => hoverEdge(view, p.edge));
  network.on("blurEdge", () => hoverEdge(view, null));
  network.on("dragStart", () => hideTip(view));
  network.on("zoom", () => { hideTip(view); levelOfDetail(view); });
  network.on("afterDrawing", (ctx) => decorate(view, ctx));
  // Zooms by the buttons, the keys and "find" are animations, which fire no "zoom" event.
  network.on("animationFinished", () => levelOfDetail(view));
  container.addEventListener("mouseleave", () => { view.hovered = null; hideTip(view); applyEdgeLabels(view, null); });

  back.addEventListener("click", () => window.history.back());
  zoomIn.addEventListener("click", () => zoom(view, ZOOM_STEP));
  zoomOut.addEventListener("click", () => zoom(view, 1 / ZOOM_STEP));
  fit.addEventListener("click", () => fitAll(view, true));
  container.addEventListener("keydown", (e) => canvasKey(view, e));
  input.addEventListener("input", () => openList(view, true));
  input.addEventListener("keydown", (e) => findKey(view, e));
  input.addEventListener("focus", () => openList(view, false));
  find.addEventListener("focusout", (e) => {
    if (!find.contains(e.relatedTarget)) closeList(view);
  });
  list.addEventListener("mousedown", (e) => e.preventDefault());  // keep the input focused
  list.addEventListener("click", (e) => {
    const li = e.target.closest("li[data-id]");
    if (li) pick(view, li.dataset.id);
  });
  if (typeof ResizeObserver !== "undefined") {
    view.resize = new ResizeObserver(() => resized(view));
    view.resize.observe(container);
  }
  container.causemapNetwork = network;  // JS properties (not markup), for tests and debugging
  container.causemapLabels = () => labelReport(view);
  return view;
}

// -- layout: a readable first view ----------------------------------------------------------------

function canvasSize(view) {
  return [view.container.clientWidth, view.container.clientHeight];
}

function relativeBoxes(view) {
  // Each node's box (shape and, for most, the label below it) relative to its centre. Minor
  // (level-of-detail) nodes count only their shape: their label is hidden at this scale.
  const body = view.network.body;
  const positions = view.network.getPositions();
  const boxes = {};
  for (const item of view.items) {
    const node = body.nodes[item.id];
    const p = positions[item.id];
    if (!node || !p) continue;
    let b = node.shape.boundingBox;
    const inside = LABEL_INSIDE.has(node.options.shape);
    if ((item.minor && !inside) || !b || !isFinite(b.left)) {
      const s = (node.options.size || 10) + 2;
      b = { left: p.x - s, right: p.x + s, top: p.y - s, bottom: p.y + s };
    }
    boxes[item.id] = { l: b.left - p.x - PAD, r: b.right - p.x + PAD,
                       t: b.top - p.y - PAD, b: b.bottom - p.y + PAD };
  }
  return boxes;
}

function spread(ids, pos, rel, half) {
  // Push apart nodes whose boxes overlap, along the axis where they overlap least, keeping every
  // box inside [-half.w, half.w] x [-half.h, half.h]. A few dozen sweeps settle small views.
  const n = ids.length;
  const clamp = (id) => {
    const r = rel[id], p = pos[id];
    p.x = Math.min(Math.max(p.x, -half.w - r.l), half.w - r.r);
    p.y = Math.min(Math.max(p.y, -half.h - r.t), half.h - r.b);
  };
  let overlaps = 0;
  const sweeps = n <= 120 ? 200 : 60;
  for (let sweep = 0; sweep < sweeps; sweep++) {
    overlaps = 0;
    for (let i = 0; i < n; i++) {
      const a = ids[i], pa = pos[a], ra = rel[a];
      for (let j = i + 1; j < n; j++) {
        const b = ids[j], pb = pos[b], rb = rel[b];
        const dx = Math.min(pa.x + ra.r, pb.x + rb.r) - Math.max(pa.x + ra.l, pb.x + rb.l);
        if (dx <= 0) continue;
        const dy = Math.min(pa.y + ra.b, pb.y + rb.b) - Math.max(pa.y + ra.t, pb.y + rb.t);
        if (dy <= 0) continue;
        overlaps++;
        if (dx < dy) {
          const s = (pa.x < pb.x || (pa.x === pb.x && i < j) ? -1 : 1) * (dx / 2 + 0.5);
          pa.x += s; pb.x -= s;
        } else {
          const s = (pa.y < pb.y || (pa.y === pb.y && i < j) ? -1 : 1) * (dy / 2 + 0.5);
          pa.y += s; pb.y -= s;
        }
      }
    }
    for (const id of ids) clamp(id);
    if (overlaps === 0) break;
  }
  return overlaps;
}

// A redraw that may come after the network was destroyed (a pulse's next frame, a late timer,
// when Streamlit has replaced the view): vis-network's destroy() removes its renderer, and a
// redraw then would throw "Cannot read properties of undefined (reading 'redraw')".
function redraw(net) {
  if (net && net.renderer) net.redraw();
}

function place(view) {
  if (!view.network || !view.network.renderer) return false;  // destroyed meanwhile
  const [W, H] = canvasSize(view);
  if (!W || !H || view.items.length === 0) return false;
  const net = view.network;
  net.fit();     // everything in view, so that every label is measured by the redraw
  redraw(net);
  const rel = relativeBoxes(view);
  const ids = view.items.map((n) => n.id).filter((id) => rel[id]);
  const raw = net.getPositions(ids);
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  let boxW = 0, boxH = 0;
  for (const id of ids) {
    minX = Math.min(minX, raw[id].x); maxX = Math.max(maxX, raw[id].x);
    minY = Math.min(minY, raw[id].y); maxY = Math.max(maxY, raw[id].y);
    boxW += rel[id].r - rel[id].l; boxH += rel[id].b - rel[id].t;
  }
  boxW /= ids.length; boxH /= ids.length;
  const cx = (minX + maxX) / 2, cy = (minY + maxY) / 2;
  let scale = 1;
  let overlaps = 0, pos = null;
  // Try scale 1 first; lower it a step at a time while the labels cannot all be placed apart.
  for (const s of [1, 0.96, MIN_SCALE]) {
    const half = { w: (W / s) / 2 - 6, h: (H / s) / 2 - 6 };
    const availW = Math.max(40, 2 * half.w - boxW), availH = Math.max(40, 2 * half.h - boxH);
    let sx = availW / Math.max(1, maxX - minX), sy = availH / Math.max(1, maxY - minY);
    if (sx >= 1 && sy >= 1) { sx = sy = Math.min(sx, sy, 1.25); }
    else { sx = Math.min(sx, 1.6); sy = Math.min(sy, 1.6); }
    pos = {};
    for (const id of ids) pos[id] = { x: (raw[id].x - cx) * sx, y: (raw[id].y - cy) * sy };
    overlaps = spread(ids, pos, rel, half);
    scale = s;
    if (overlaps === 0) break;
  }
  view.nodes.update(ids.map((id) => ({ id, x: pos[id].x, y: pos[id].y })));
  redraw(net);  // vis-network moves the boxes (which fit() reads) only when it draws
  view.boxes = {};
  for (const id of ids) {
    const r = rel[id], p = pos[id];
    view.boxes[id] = { l: p.x + r.l, r: p.x + r.r, t: p.y + r.t, b: p.y + r.b };
  }
  chooseEdgeLabels(view);
  net.fit({ minZoomLevel: scale, maxZoomLevel: MAX_FIT_SCALE });
  levelOfDetail(view);
  view.placed = true;
  view.size = [W, H];
  const c = view.container;
  c.dataset.scale = net.getScale().toFixed(3);
  c.dataset.overlaps = String(overlaps);
  return true;
}

function resized(view) {
  const [W, H] = canvasSize(view);
  if (!W || !H) return;
  if (!view.placed && view.items.length) {
    if (view.container.dataset.stabilized === "true" || view.physicsDone) finish(view);
    return;
  }
  const [w0, h0] = view.size;
  if (w0 && (Math.abs(W - w0) / w0 > 0.15 || Math.abs(H - h0) / h0 > 0.15)) {
    view.size = [W, H];
    fitAll(view, false);
  }
}

// -- edge labels --------------------------------------------------------------------------------

let measureCtx = null;
function textWidth(text, px) {
  if (!measureCtx) measureCtx = document.createElement("canvas").getContext("2d");
  measureCtx.font = `${px}px system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif`;
  return measureCtx.measureText(text).width;
}

function intersects(a, b) {
  return a.l < b.r && b.l < a.r && a.t < b.b && b.t < a.b;
}

function chooseEdgeLabels(view) {
  // Greedy: the selected node's edges first, then the focus node's, then the rest, shortest
  // first; a label is shown when its box touches no label shown before it and no node but the
  // selected one. Hovering a node or an edge shows its labels whatever they cover.
  const positions = view.network.getPositions();
  const sel = view.selectedId, focus = view.focusId;
  const rank = (e) => (e.from === sel || e.to === sel ? 0 : e.from === focus || e.to === focus ? 1 : 2);
  const withLength = view.edgeItems.map((e) => {
    const a = positions[e.from], b = positions[e.to];
    const len = a && b ? Math.hypot(a.x - b.x, a.y - b.y) : Infinity;
    return { e, a, b, len };
  }).sort((x, y) => rank(x.e) - rank(y.e) || x.len - y.len);
  const taken = [];
  view.shown = new Set();
  for (const { e, a, b } of withLength) {
    const text = view.full.get(e.id);
    if (!text || !a || !b) continue;
    const w = textWidth(text, EDGE_FONT_PX) + 6, h = EDGE_FONT_PX + 4;
    const mx = (a.x + b.x) / 2, my = (a.y + b.y) / 2;
    const box = { l: mx - w / 2, r: mx + w / 2, t: my - h / 2, b: my + h / 2 };
    // Only the selected node's own box may lie under a label (its edges' labels sit around it).
    const free = !taken.some((t) => intersects(box, t)) &&
      !Object.entries(view.boxes).some(([id, nb]) => id !== sel && intersects(box, nb));
    if (free) {
      taken.push(box);
      view.shown.add(e.id);
    }
  }
  applyEdgeLabels(view, null);
}

function applyEdgeLabels(view, extra) {
  // `extra`: edge ids labelled while hovered, on top of those chosen.
  const updates = [];
  for (const e of view.edgeItems) {
    const want = view.shown.has(e.id) || (extra && extra.has(e.id)) ? view.full.get(e.id) || "" : "";
    if (e.label !== want) { e.label = want; updates.push({ id: e.id, label: want }); }
  }
  if (updates.length) view.edges.update(updates);
  view.container.dataset.edgeLabels = String(view.shown.size);
}

// -- level of detail ------------------------------------------------------------------------------

const MINOR_PX = 12;  // a minor node's label appears once it would be drawn this big

function dataItems(view, nodes) {
  // What vis-network gets: minor nodes (big views) without their label until zoomed in enough,
  // so that the first view shows the hubs' names, not a blur.
  return nodes.map((n) => (n.minor && !view.minorShown ? { ...n, label: "" } : n));
}

function levelOfDetail(view) {
  const minors = view.items.filter((n) => n.minor);
  if (!minors.length) return;
  const size = (minors[0].font && minors[0].font.size) || 11;
  const show = view.network.getScale() * size >= MINOR_PX;
  if (show === view.minorShown) return;
  view.minorShown = show;
  view.nodes.update(minors.map((n) => ({ id: n.id, label: show ? n.label : "" })));
  view.container.dataset.minorLabels = show ? "shown" : "hidden";
}

// -- hover and tooltips -------------------------------------------------------------------------

function hideTip(view) { view.tip.hidden = true; }

function showTip(view, text, box) {
  // Beside the box (right of it, or left when there is no room), never under the pointer.
  const tip = view.tip;
  tip.textContent = String(text);
  tip.hidden = false;
  const net = view.network;
  const [W, H] = canvasSize(view);
  const topLeft = net.canvasToDOM({ x: box.l, y: box.t });
  const bottomRight = net.canvasToDOM({ x: box.r, y: box.b });
  const tw = tip.offsetWidth, th = tip.offsetHeight;
  let x = bottomRight.x + 10;
  if (x + tw > W - 4) x = topLeft.x - tw - 10;
  if (x < 4) x = Math.max(4, Math.min(W - tw - 4, topLeft.x));
  let y = (topLeft.y + bottomRight.y) / 2 - th / 2;
  if (x === Math.max(4, Math.min(W - tw - 4, topLeft.x))) {
    y = bottomRight.y + 8;  // no room beside it: below it
    if (y + th > H - 4) y = topLeft.y - th - 8;
  }
  tip.style.left = `${Math.round(x)}px`;
  tip.style.top = `${Math.round(Math.max(4, Math.min(H - th - 4, y)))}px`;
}

function hover(view, id) {
  view.hovered = id;
  if (id === null) {
    hideTip(view);
    applyEdgeLabels(view, null);
    return;
  }
  const item = view.byId.get(id);
  const box = view.network.getBoundingBox(id);
  if (item && box) showTip(view, item.tip || item.label, { l: box.left, r: box.right, t: box.top, b: box.bottom });
  const mine = new Set(view.edgeItems.filter((e) => e.from === id || e.to === id).map((e) => e.id));
  applyEdgeLabels(view, mine);
}

function hoverEdge(view, id) {
  if (id === null) {
    if (!view.hovered) { hideTip(view); applyEdgeLabels(view, null); }
    return;
  }
  const edge = view.edgeItems.find((e) => e.id === id);
  if (!edge) return;
  applyEdgeLabels(view, new Set([id]));
  const p = view.network.getPositions([edge.from, edge.to]);
  const a = p[edge.from], b = p[edge.to];
  if (a && b && edge.tip) {
    const mx = (a.x + b.x) / 2, my = (a.y + b.y) / 2;
    showTip(view, edge.tip, { l: mx - 10, r: mx + 10, t: my - 10, b: my + 10 });
  }
}

// -- marks drawn on the canvas: focus ring, pulse -----------------------------------------------

function decorate(view, ctx) {
  const net = view.network;
  if (view.focusId && net.body.nodes[view.focusId]) {
    const node = net.body.nodes[view.focusId];
    const item = view.byId.get(view.focusId) || {};
    ctx.save();
    ctx.strokeStyle = INK;
    const inside = item.shape === "ellipse" || item.shape === "box";
    for (const [gap, width] of [[5, 2.5], [10, 1.5]]) {
      ctx.lineWidth = width;
      ctx.beginPath();
      if (inside) {
        const b = node.shape.boundingBox;
        ctx.rect(b.left - gap, b.top - gap, b.right - b.left + 2 * gap, b.bottom - b.top + 2 * gap);
      } else {
        ctx.arc(node.x, node.y, (node.options.size || 10) + gap, 0, 2 * Math.PI);
      }
      ctx.stroke();
    }
    ctx.restore();
  }
  const pulse = view.pulse;
  if (pulse && net.body.nodes[pulse.id]) {
    const t = (performance.now() - pulse.start) / 1800;
    if (t >= 1) {
      view.pulse = null;
      delete view.container.dataset.pulsing;
      return;
    }
    const node = net.body.nodes[pulse.id];
    const phase = (t * 3) % 1;
    ctx.save();
    ctx.strokeStyle = `rgba(204, 51, 17, ${1 - phase})`;  // Tol's vibrant red: not a class colour
    ctx.lineWidth = 4 / net.getScale();
    ctx.beginPath();
    ctx.arc(node.x, node.y, (node.options.size || 10) + 6 + 36 * phase, 0, 2 * Math.PI);
    ctx.stroke();
    ctx.restore();
    requestAnimationFrame(() => redraw(net));
  }
}

// -- navigation -----------------------------------------------------------------------------------

function zoom(view, factor) {
  const net = view.network;
  net.moveTo({ scale: net.getScale() * factor, animation: { duration: 180, easingFunction: "easeInOutQuad" } });
}

function fitAll(view, animate) {
  view.network.fit({ maxZoomLevel: MAX_FIT_SCALE, animation: animate ? { duration: 300 } : false });
}

function locate(view, id) {
  const net = view.network;
  if (!net.body.nodes[id]) return;
  net.focus(id, { scale: Math.max(net.getScale(), 1), animation: { duration: 400, easingFunction: "easeInOutQuad" } });
  view.pulse = { id, start: performance.now() };
  view.container.dataset.pulsing = id;
  view.container.dataset.located = id;
  redraw(net);
}

function select(view, id, fromList) {
  view.network.selectNodes([id]);
  const item = view.byId.get(id);
  if (fromList && item) {
    view.live.textContent = `${item.label}, ${item.clsLabel || "entity"}: centred and selected.`;
  }
  // An event, not a state: a state would be sent again with every rerun, and after the browser's
  // Back it would undo the step back by selecting the old node again.
  if (view.setTriggerValue) {
    view.setTriggerValue("click", { id, nonce: `${Date.now().toString(36)}-${++uid}` });
  }
}

function pick(view, id) {
  closeList(view);
  view.input.value = "";
  locate(view, id);
  select(view, id, true);
  view.container.focus({ preventScroll: true });
}

function canvasKey(view, e) {
  const net = view.network;
  const s = net.getScale();
  const p = net.getViewPosition();
  const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
  if (moves[e.key]) {
    const [dx, dy] = moves[e.key];
    net.moveTo({ position: { x: p.x + dx * PAN_STEP / s, y: p.y + dy * PAN_STEP / s } });
  } else if (e.key === "+" || e.key === "=") {
    zoom(view, ZOOM_STEP);
  } else if (e.key === "-" || e.key === "_") {
    zoom(view, 1 / ZOOM_STEP);
  } else if (e.key === "0") {
    fitAll(view, true);
  } else if (e.key === "Enter") {
    view.input.focus();
    openList(view, false);
  } else {
    return;
  }
  e.preventDefault();
}

// -- the list of entities in the view (find in view) --------------------------------------------

function ranked(view, query) {
  const q = normalise(query);
  const order = (n) => (n.id === view.focusId ? 0 : n.id === view.selectedId ? 1 : 2);
  const all = view.items.slice().sort((a, b) => order(a) - order(b) ||
    a.label.localeCompare(b.label, undefined, { sensitivity: "base" }));
  if (!q) return all;
  const scored = [];
  for (const n of all) {
    const name = normalise(n.label);
    let score = -1;
    if (name === q) score = 3;
    else if (name.startsWith(q)) score = 2;
    else if ((" " + name).includes(" " + q)) score = 1;
    else if (name.includes(q)) score = 0.5;
    if (score >= 0) scored.push([score, n]);
  }
  return scored.sort((a, b) => b[0] - a[0]).map((x) => x[1]);
}

function openList(view, typed) {
  const list = view.list;
  view.matches = ranked(view, view.input.value);
  list.replaceChildren();
  view.matches.forEach((n, i) => {
    const li = el("li", { role: "option", id: `${list.id}-${i}`, "data-id": n.id, "aria-selected": "false" });
    li.append(el("span", { class: "cm-opt-label" }, n.label));
    const notes = [n.clsLabel || ""];
    if (n.id === view.focusId) notes.push("focus");
    if (n.id === view.selectedId) notes.push("selected");
    li.append(el("span", { class: "cm-opt-note" }, notes.filter(Boolean).join(" · ")));
    list.appendChild(li);
  });
  if (!view.matches.length) list.appendChild(el("li", { class: "cm-opt-none", role: "presentation" }, "No entity of this view matches."));
  list.hidden = false;
  view.input.setAttribute("aria-expanded", "true");
  setActive(view, typed && view.matches.length ? 0 : -1);
  view.live.textContent = typed ? `${view.matches.length} in this view match.` : "";
}

function closeList(view) {
  view.list.hidden = true;
  view.input.setAttribute("aria-expanded", "false");
  view.input.removeAttribute("aria-activedescendant");
  view.active = -1;
}

function setActive(view, index) {
  const items = view.list.querySelectorAll("li[role=option]");
  items.forEach((li, i) => li.setAttribute("aria-selected", i === index ? "true" : "false"));
  view.active = index;
  if (index >= 0 && items[index]) {
    view.input.setAttribute("aria-activedescendant", items[index].id);
    items[index].scrollIntoView({ block: "nearest" });
  } else {
    view.input.removeAttribute("aria-activedescendant");
  }
}

function findKey(view, e) {
  const n = view.matches.length;
  if (e.key === "ArrowDown") {
    if (view.list.hidden) openList(view, false);
    setActive(view, n ? (view.active + 1) % n : -1);
  } else if (e.key === "ArrowUp") {
    if (view.list.hidden) openList(view, false);
    setActive(view, n ? (view.active - 1 + n) % n : -1);
  } else if (e.key === "Home" && !view.list.hidden && n) {
    setActive(view, 0);
  } else if (e.key === "End" && !view.list.hidden && n) {
    setActive(view, n - 1);
  } else if (e.key === "Enter") {
    if (view.list.hidden) openList(view, true);
    const chosen = view.matches[view.active >= 0 ? view.active : 0];
    if (chosen) pick(view, chosen.id);
  } else if (e.key === "Escape") {
    if (!view.list.hidden) closeList(view); else view.input.value = "";
  } else {
    return;
  }
  e.preventDefault();
}

// -- what tests read ------------------------------------------------------------------------------

function labelReport(view) {
  // Every node label as drawn now: its size on screen (vis-network's own font size times the
  // view's scale, capped as vis-network caps it), whether it is drawn at all, its ink and what is
  // behind it, and whether its centre is inside the canvas.
  const net = view.network;
  const scale = net.getScale();
  const [W, H] = canvasSize(view);
  return view.items.map((item) => {
    const node = net.body.nodes[item.id];
    const label = node.labelModule;
    const at = net.canvasToDOM({ x: node.x, y: node.y });
    const inside = LABEL_INSIDE.has(node.options.shape);
    const px = Math.min(label.fontOptions.size * scale, node.options.scaling.label.maxVisible);
    const drawn = label.visible() && !!node.options.label;
    return {
      id: item.id, label: item.label, px, visible: drawn, minor: !!item.minor,
      ink: label.fontOptions.color, behind: inside ? node.options.color.background : "#ffffff",
      onScreen: at.x >= 0 && at.x <= W && at.y >= 0 && at.y <= H,
    };
  });
}

// -- updates from Python --------------------------------------------------------------------------

function settle(view) {
  view.network.setOptions({ physics: { enabled: false } });
  view.physicsDone = true;
  finish(view);
}

function finish(view) {
  // The layout is done: make it readable, then say so (tests wait for data-stabilized).
  if (!place(view)) return;  // not visible yet: the ResizeObserver calls back
  const c = view.container;
  c.dataset.stabilized = "true";
  c.dataset.layoutMs = String(Math.round(performance.now() - view.started));
  if (view.pendingCentre) { locate(view, view.pendingCentre); view.pendingCentre = null; }
}

function layout(view, nodes, edges, options) {
  view.container.dataset.stabilized = "false";
  view.placed = false;
  view.physicsDone = false;
  view.started = performance.now();
  const physics = !options.physics || options.physics.enabled !== false;
  view.network.setOptions({ ...options, physics: { ...(options.physics || {}), enabled: physics } });
  view.nodes = new vis.DataSet(dataItems(view, nodes));
  view.edges = new vis.DataSet(edges);
  if (physics) view.network.once("stabilizationIterationsDone", () => settle(view));
  // setData (not DataSet.add) so that vis-network seeds the layout and runs its stabilisation.
  view.network.setData({ nodes: view.nodes, edges: view.edges });
  if (!physics) settle(view);
}

function prepare(view, data) {
  // Tooltips and edge labels are drawn by this module, not by vis-network: move them aside.
  const nodes = (data.nodes || []).map((n) => {
    const { title, ...rest } = n;
    return { ...rest, tip: title === undefined || title === null ? "" : String(title) };
  });
  view.full = new Map();
  const edges = (data.edges || []).map((e) => {
    const { title, label, ...rest } = e;
    view.full.set(e.id, label === undefined || label === null ? "" : String(label));
    return { ...rest, label: "", tip: title === undefined || title === null ? "" : String(title) };
  });
  return { nodes, edges };
}

function announce(view, ui) {
  const a = ui.announce;
  if (!a || !a.id || a.id === view.lastAnnounce) return;
  view.lastAnnounce = a.id;
  view.live.textContent = String(a.text || "");
  if (a.focus) view.container.focus({ preventScroll: false });
}

function update(view, data) {
  const ui = data.ui || {};
  const { nodes, edges } = prepare(view, data);
  const narrowNow = view.wrap.clientWidth > 0 && view.wrap.clientWidth < NARROW;
  const options = narrowNow && data.options && data.options.nodes ? {
    ...data.options, nodes: { ...data.options.nodes, widthConstraint: { maximum: 110 } } }
    : (data.options || {});
  const c = view.container;
  const height = data.height || 600;
  const narrow = view.wrap.clientWidth > 0 && view.wrap.clientWidth < NARROW;
  // A phone is narrow and scrolls: a taller canvas and narrower (wrapped) labels fit more.
  c.style.height = `${narrow ? Math.round(height * 1.5) : height}px`;
  c.dataset.nodeCount = String(nodes.length);
  c.dataset.edgeCount = String(edges.length);
  c.setAttribute("aria-label", String(ui.label ||
    `Network of ${nodes.length} entities and ${edges.length} relations`));
  view.empty.hidden = nodes.length > 0;
  view.back.hidden = !ui.back;
  view.back.disabled = !(ui.back && ui.back.enabled);
  view.bar.hidden = ui.toolbar === false;
  view.items = nodes;
  view.byId = new Map(nodes.map((n) => [n.id, n]));
  view.edgeItems = edges;
  const focusItem = nodes.find((n) => n.isFocus);
  const selectedItem = nodes.find((n) => n.isSelected);
  view.focusId = focusItem ? focusItem.id : null;
  view.selectedId = selectedItem ? selectedItem.id : null;
  c.dataset.focus = view.focusId || "";
  c.dataset.selected = view.selectedId || "";
  const centre = ui.centre && ui.centre.id !== view.lastCentre ? ui.centre : null;
  if (centre) view.lastCentre = centre.id;

  const optionsKey = JSON.stringify(options);
  const before = new Set(view.nodes.getIds());
  const after = new Set(nodes.map((n) => n.id));
  const sameNodes = before.size === after.size && [...after].every((id) => before.has(id));
  if (sameNodes && optionsKey === view.optionsKey) {
    // Same entities (a new selection, say): restyle in place, positions untouched.
    view.nodes.update(dataItems(view, nodes).map(({ x, y, ...rest }) => rest));
    const keepEdges = new Set(edges.map((e) => e.id));
    view.edges.remove(view.edges.getIds().filter((id) => !keepEdges.has(id)));
    view.edges.update(edges);
    if (view.placed) chooseEdgeLabels(view);
    if (centre && centre.node) locate(view, centre.node);
    announce(view, ui);
    return;
  }
  // New entities: those already drawn keep their place, new ones start next to a drawn neighbour.
  const positions = view.network.getPositions([...before].filter((id) => after.has(id)));
  const anchor = {};
  for (const e of edges) {
    if (positions[e.from] && !positions[e.to]) anchor[e.to] = positions[e.from];
    if (positions[e.to] && !positions[e.from]) anchor[e.from] = positions[e.to];
  }
  const placed = nodes.map((n, i) => {
    const at = positions[n.id] || anchor[n.id];
    if (!at) return n;
    const jitter = positions[n.id] ? 0 : 40;
    return { ...n, x: at.x + jitter * Math.cos(i), y: at.y + jitter * Math.sin(i) };
  });
  view.optionsKey = optionsKey;
  view.pendingCentre = centre && centre.node ? centre.node : null;
  layout(view, placed, edges, options);
  announce(view, ui);
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let view = views.get(parentElement);
  if (!view) {
    view = createView(parentElement);
    views.set(parentElement, view);
  }
  view.setTriggerValue = setTriggerValue;
  update(view, data || {});
  return () => {
    if (view.resize) view.resize.disconnect();
    view.network.destroy();
    view.wrap.remove();
    views.delete(parentElement);
  };
}
