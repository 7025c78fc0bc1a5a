// Causemap's entity search box: one combobox for every entity picker of the app.
//
// The browser never holds the list of entities. What the student types is sent to Python
// (debounced, as the state value "query"); Python runs graph.learn.entities.search over its index
// and sends back the best few matches for that text ("options", with "for" = the text they
// answer). Picking sends the trigger "pick" = {id, text, nonce}: an option's id, or only the text
// when Enter is pressed before the matches arrived, and Python then takes the top match itself.
// Chosen entities show as chips with a remove button ("remove" trigger).
//
// The ARIA 1.2 combobox pattern: the input has role=combobox, aria-expanded, aria-controls and
// aria-activedescendant; the options are a listbox; a polite live region says how many match and
// what was chosen. Every text from the data is set with textContent.

const DEBOUNCE_MS = 140;
const boxes = new WeakMap();
let uid = 0;

function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = String(text);
  return node;
}

function create(root) {
  const id = `cmsearch${++uid}`;
  const wrap = el("div", { class: "cms" });
  const label = el("label", { class: "cms-label", for: `${id}-input`, id: `${id}-label` });
  const field = el("div", { class: "cms-field" });
  const chips = el("ul", { class: "cms-chips", "aria-label": "Chosen" });
  const input = el("input", {
    id: `${id}-input`, type: "text", role: "combobox", class: "cms-input",
    "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": `${id}-list`,
    autocomplete: "off", spellcheck: "false",
  });
  const list = el("ul", { id: `${id}-list`, role: "listbox", class: "cms-list", "aria-labelledby": `${id}-label` });
  list.hidden = true;
  const help = el("p", { class: "cms-help", id: `${id}-help` });
  const live = el("div", { class: "cms-sr", role: "status", "aria-live": "polite" });
  field.append(chips, input);
  wrap.append(label, field, list, help, live);
  root.appendChild(wrap);
  const box = { id, wrap, label, field, chips, input, list, help, live, data: {}, timer: null,
                active: -1, options: [], sentQuery: null, pending: null, selectedKey: "",
                setStateValue: null, setTriggerValue: null };

  input.addEventListener("input", () => typed(box));
  input.addEventListener("keydown", (e) => keydown(box, e));
  input.addEventListener("focus", () => { if (input.value.trim()) render(box); });
  wrap.addEventListener("focusout", (e) => { if (!wrap.contains(e.relatedTarget)) close(box); });
  field.addEventListener("click", (e) => { if (e.target === field) input.focus(); });
  list.addEventListener("mousedown", (e) => e.preventDefault());
  list.addEventListener("click", (e) => {
    const li = e.target.closest("li[data-index]");
    if (li) choose(box, Number(li.dataset.index));
  });
  chips.addEventListener("click", (e) => {
    const button = e.target.closest("button[data-id]");
    if (button && box.setTriggerValue) {
      box.live.textContent = `${button.dataset.label} removed.`;
      box.setTriggerValue("remove", { id: button.dataset.id, nonce: nonce() });
      input.focus();
    }
  });
  return box;
}

function nonce() { return Math.random().toString(36).slice(2) + Date.now().toString(36); }

function typed(box) {
  const text = box.input.value;
  clearTimeout(box.timer);
  if (!text.trim()) { close(box); return; }
  if (box.data.for === text) { render(box); return; }
  showStatus(box, "Searching…");
  box.timer = setTimeout(() => send(box, text), DEBOUNCE_MS);
}

function send(box, text) {
  box.sentQuery = text;
  if (box.setStateValue) box.setStateValue("query", text);
}

function showStatus(box, text) {
  box.list.replaceChildren(el("li", { class: "cms-status", role: "presentation" }, text));
  open(box);
  box.active = -1;
  box.input.removeAttribute("aria-activedescendant");
}

function open(box) {
  box.list.hidden = false;
  box.input.setAttribute("aria-expanded", "true");
}

function close(box) {
  box.list.hidden = true;
  box.input.setAttribute("aria-expanded", "false");
  box.input.removeAttribute("aria-activedescendant");
  box.active = -1;
}

function render(box) {
  // Show the options if they answer what is in the input now; otherwise wait for them.
  const text = box.input.value;
  if (!text.trim()) { close(box); return; }
  if (box.data.for !== text) { showStatus(box, "Searching…"); return; }
  const options = box.data.options || [];
  box.options = options;
  box.list.replaceChildren();
  if (!options.length) {
    showStatus(box, box.data.empty || "Nothing matches.");
    box.live.textContent = box.data.empty || "Nothing matches.";
    return;
  }
  options.forEach((o, i) => {
    const li = el("li", { role: "option", id: `${box.id}-opt${i}`, "data-index": String(i),
                          "aria-selected": "false", class: "cms-option" });
    const swatch = el("span", { class: "cms-swatch", "aria-hidden": "true" });
    swatch.style.background = o.colour || "#ffffff";
    const main = el("span", { class: "cms-main" });
    main.append(el("span", { class: "cms-name" }, o.label));
    if (o.matched) main.append(el("span", { class: "cms-matched" }, `matches “${o.matched}”`));
    if (o.via) main.append(el("span", { class: "cms-matched" }, `linked to ${o.via}`));
    li.append(swatch, main, el("span", { class: "cms-class" }, o.cls));
    box.list.appendChild(li);
  });
  open(box);
  setActive(box, 0);
  box.live.textContent = `${options.length} ${options.length === 1 ? "match" : "matches"}; ` +
    "Enter takes the first, arrow keys move.";
}

function setActive(box, index) {
  const items = box.list.querySelectorAll("li[role=option]");
  items.forEach((li, i) => li.setAttribute("aria-selected", i === index ? "true" : "false"));
  box.active = index;
  if (index >= 0 && items[index]) {
    box.input.setAttribute("aria-activedescendant", items[index].id);
    items[index].scrollIntoView({ block: "nearest" });
  } else {
    box.input.removeAttribute("aria-activedescendant");
  }
}

function choose(box, index) {
  const o = box.options[index];
  if (!o) return;
  submit(box, { id: o.id, text: box.input.value }, `${o.label}, ${o.cls}, chosen.`);
}

function submit(box, pick, said) {
  clearTimeout(box.timer);
  close(box);
  box.input.value = "";
  box.live.textContent = said || "";
  box.pending = said ? null : pick.text;
  if (box.setTriggerValue) box.setTriggerValue("pick", { ...pick, nonce: nonce() });
}

function keydown(box, e) {
  const n = box.list.hidden ? 0 : box.list.querySelectorAll("li[role=option]").length;
  if (e.key === "ArrowDown") {
    if (box.list.hidden) render(box); else if (n) setActive(box, (box.active + 1) % n);
  } else if (e.key === "ArrowUp") {
    if (n) setActive(box, (box.active - 1 + n) % n);
  } else if (e.key === "Enter") {
    const text = box.input.value;
    if (!text.trim()) return;
    if (box.data.for === text && box.options.length && n) {
      choose(box, box.active >= 0 ? box.active : 0);
    } else {
      // The matches for this text have not arrived yet: Python takes the top one itself.
      submit(box, { id: null, text }, null);
    }
  } else if (e.key === "Escape") {
    if (!box.list.hidden) close(box); else box.input.value = "";
  } else if (e.key === "Backspace" && !box.input.value && box.data.multi) {
    const last = (box.data.selected || []).slice(-1)[0];
    if (last && box.setTriggerValue) {
      box.live.textContent = `${last.label} removed.`;
      box.setTriggerValue("remove", { id: last.id, nonce: nonce() });
    }
    return;
  } else {
    return;
  }
  e.preventDefault();
}

function renderChips(box) {
  const selected = box.data.selected || [];
  box.chips.replaceChildren();
  for (const s of selected) {
    const li = el("li", { class: "cms-chip" });
    const swatch = el("span", { class: "cms-swatch", "aria-hidden": "true" });
    swatch.style.background = s.colour || "#ffffff";
    li.append(swatch, el("span", { class: "cms-chip-label" }, s.label),
              el("span", { class: "cms-chip-class" }, s.cls));
    const remove = el("button", { type: "button", class: "cms-remove", "data-id": s.id,
                                  "data-label": s.label, "aria-label": `Remove ${s.label}` }, "×");
    li.append(remove);
    box.chips.appendChild(li);
  }
  box.chips.hidden = selected.length === 0;
  const key = selected.map((s) => s.id).join("|");
  if (box.pending !== null && key !== box.selectedKey) {
    const added = selected[selected.length - 1];
    if (added) box.live.textContent = `${added.label}, ${added.cls}, chosen.`;
    box.pending = null;
  }
  box.selectedKey = key;
}

function update(box, data) {
  box.data = data;
  box.label.textContent = data.label || "Search";
  box.input.placeholder = data.placeholder || "Type to search…";
  box.input.disabled = !!data.disabled;
  box.help.textContent = data.message || "";
  box.help.hidden = !data.message;
  if (data.message) box.input.setAttribute("aria-describedby", `${box.id}-help`);
  else box.input.removeAttribute("aria-describedby");
  box.wrap.classList.toggle("cms-hide-label", !!data.hideLabel);
  renderChips(box);
  // Reruns that answer the text in the input show its options at once, when it has the focus.
  const root = box.wrap.getRootNode();
  const focused = root && root.activeElement === box.input;
  if (focused && box.input.value.trim()) render(box);
  box.wrap.dataset.for = data.for || "";
  box.wrap.dataset.options = String((data.options || []).length);
}

export default function (component) {
  const { data, parentElement, setStateValue, setTriggerValue } = component;
  let box = boxes.get(parentElement);
  if (!box) {
    box = create(parentElement);
    boxes.set(parentElement, box);
  }
  box.setStateValue = setStateValue;
  box.setTriggerValue = setTriggerValue;
  update(box, data || {});
  return () => {
    clearTimeout(box.timer);
    box.wrap.remove();
    boxes.delete(parentElement);
  };
}
