// Causemap's SPARQL editor: CodeMirror 6 as a Streamlit components-v2 renderer.
//
// Streamlit imports this module and calls its default export on mount and again whenever the data
// sent from Python changes. The editor is created once per mount and kept in a WeakMap keyed by the
// component's root, so a rerun never throws away what the student typed. Python replaces the text
// only by sending a new `version` (an example was loaded, a question was built). Running the query
// (Ctrl/Cmd+Enter or the Run button) sends a trigger `run` = {text, nonce}; the nonce lets Python
// tell a new request from one it has already answered.
//
// Everything is bundled (build.sh): nothing is fetched at run time.

import { EditorState, Prec } from "@codemirror/state";
import {
  EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter,
  drawSelection, placeholder as placeholderExt,
} from "@codemirror/view";
import {
  StreamLanguage, syntaxHighlighting, HighlightStyle, bracketMatching, indentOnInput,
} from "@codemirror/language";
import { sparql } from "@codemirror/legacy-modes/mode/sparql";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import {
  autocompletion, completionKeymap, closeBrackets, closeBracketsKeymap,
} from "@codemirror/autocomplete";
import { setDiagnostics, lintKeymap } from "@codemirror/lint";
import { tags as t } from "@lezer/highlight";

const instances = new WeakMap();

const KEYWORDS = [
  "SELECT", "DISTINCT", "WHERE", "PREFIX", "ASK", "CONSTRUCT", "DESCRIBE", "OPTIONAL", "FILTER",
  "UNION", "MINUS", "GRAPH", "BIND", "VALUES", "AS", "ORDER BY", "GROUP BY", "HAVING", "LIMIT",
  "OFFSET", "ASC", "DESC", "NOT EXISTS", "EXISTS", "IN", "COUNT", "SUM", "MIN", "MAX", "AVG",
  "SAMPLE", "GROUP_CONCAT", "STR", "LANG", "LCASE", "UCASE", "CONTAINS", "STRSTARTS", "REGEX",
  "BOUND", "COALESCE", "IF", "CONCAT", "SUBSTR",
];

// Two palettes that keep at least 4.5:1 contrast on Streamlit's light and dark backgrounds, the
// active line's tint included (comments were #6e7781: 4.2:1 there).
const PALETTES = {
  light: { keyword: "#8250df", variable: "#0550ae", atom: "#116329", string: "#a40e26",
           comment: "#57606a", number: "#953800", builtin: "#8a4600", punct: "#57606a" },
  dark: { keyword: "#d2a8ff", variable: "#79c0ff", atom: "#7ee787", string: "#ffa198",
          comment: "#9ea7b3", number: "#ffa657", builtin: "#f2cc60", punct: "#b1bac4" },
};

function highlighting(p) {
  return HighlightStyle.define([
    { tag: t.keyword, color: p.keyword, fontWeight: "600" },
    { tag: [t.variableName, t.local(t.variableName)], color: p.variable },
    { tag: t.atom, color: p.atom },
    { tag: t.string, color: p.string },
    { tag: t.comment, color: p.comment, fontStyle: "italic" },
    { tag: t.number, color: p.number },
    { tag: [t.standard(t.variableName), t.function(t.variableName)], color: p.builtin },
    { tag: t.meta, color: p.builtin },
    { tag: [t.operator, t.bracket, t.punctuation], color: p.punct },
  ]);
}

function isDark(host) {
  const bg = getComputedStyle(host).getPropertyValue("--st-background-color").trim();
  const m = bg.match(/^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})/i);
  if (!m) return false;
  const [r, g, b] = m.slice(1).map((h) => parseInt(h, 16));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 128;
}

function baseTheme(dark) {
  return EditorView.theme({
    "&": {
      height: "100%", fontSize: "14px",
      backgroundColor: "var(--st-background-color, #fff)",
      color: "var(--st-text-color, #31333f)",
    },
    "&.cm-focused": { outline: "none" },
    ".cm-scroller": {
      fontFamily: "var(--st-code-font, 'Source Code Pro', ui-monospace, monospace)",
      lineHeight: "1.5", overflow: "auto",
    },
    ".cm-gutters": {
      backgroundColor: "var(--st-secondary-background-color, #f0f2f6)",
      color: dark ? "#9ea7b3" : "#57606a", border: "none",
    },
    ".cm-activeLine": { backgroundColor: dark ? "#ffffff0d" : "#0000000a" },
    ".cm-activeLineGutter": { backgroundColor: dark ? "#ffffff1a" : "#00000012" },
    ".cm-content": { caretColor: "var(--st-text-color, #31333f)" },
    ".cm-cursor": { borderLeftColor: "var(--st-text-color, #31333f)" },
    "&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection": {
      backgroundColor: dark ? "#3b5070" : "#cfe3ff",
    },
    ".cm-matchingBracket": { backgroundColor: dark ? "#3b5070" : "#d8f0d8", outline: "none" },
    ".cm-placeholder": { color: dark ? "#9ea7b3" : "#57606a" },
    ".cm-tooltip": {
      backgroundColor: "var(--st-secondary-background-color, #f0f2f6)",
      color: "var(--st-text-color, #31333f)", border: "1px solid #8884",
    },
    ".cm-tooltip-autocomplete ul li[aria-selected]": {
      backgroundColor: "var(--st-primary-color, #ff4b4b)", color: "#fff",
    },
    ".cm-completionDetail": { fontStyle: "normal", marginLeft: "0.8em" },
  }, { dark });
}

// Completion: keywords, the declared prefixes, ontology terms and entities (with their labels),
// and the variables already used in the query.
function completionSource(getData) {
  return (context) => {
    const word = context.matchBefore(/[?$]?[A-Za-z_][\w.-]*:?[\w.-]*/);
    if (!word || (word.from === word.to && !context.explicit)) return null;
    const text = word.text;
    const data = getData();
    let options = [];
    if (text.startsWith("?") || text.startsWith("$")) {
      const seen = new Set();
      for (const m of context.state.doc.toString().matchAll(/[?$]([A-Za-z_]\w*)/g)) {
        if (!seen.has(m[1]) && `?${m[1]}` !== text) {
          seen.add(m[1]);
          options.push({ label: `?${m[1]}`, type: "variable" });
        }
      }
    } else if (text.includes(":")) {
      options = (data.terms || []).map((term) => ({
        label: term.label, detail: term.detail, type: term.type,
      }));
    } else {
      options = KEYWORDS.map((k) => ({ label: k, type: "keyword" }))
        .concat((data.prefixes || []).map((p) => ({ label: `${p}:`, type: "namespace" })));
    }
    return { from: word.from, options, validFor: /^[?$]?[\w.:-]*$/ };
  };
}

function diagnosticsFor(state, error) {
  if (!error || !error.line) return [];
  const line = state.doc.line(Math.min(Math.max(error.line, 1), state.doc.lines));
  const from = Math.min(line.from + Math.max((error.column || 1) - 1, 0), line.to);
  let to = from + (error.token ? error.token.length : 0);
  if (to <= from) {
    const rest = state.doc.sliceString(from, line.to).match(/^\S+/);
    to = from + (rest ? rest[0].length : 0);
  }
  // An error at the very end of a line still needs one character to underline.
  if (to <= from) to = Math.min(from + 1, state.doc.length);
  return [{ from: Math.min(from, to), to, severity: "error", message: error.message || "" }];
}

function runKeyLabel() {
  return /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent) ? "⌘+Enter"
    : "Ctrl+Enter";
}

export default function render(component) {
  const { data, parentElement } = component;
  const d = data || {};
  let inst = instances.get(parentElement);
  if (!inst) {
    const wrap = document.createElement("div");
    wrap.className = "cm-sparql";
    const bar = document.createElement("div");
    bar.className = "cm-sparql-bar";
    const hint = document.createElement("span");
    hint.className = "cm-sparql-hint";
    hint.textContent = `${runKeyLabel()} runs the query · Ctrl+Space suggests names`;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "cm-sparql-run";
    button.textContent = "▶ Run";
    button.title = `Run the query (${runKeyLabel()})`;
    bar.append(hint, button);
    const host = document.createElement("div");
    host.className = "cm-sparql-host";
    host.style.height = `${d.height || 300}px`;
    wrap.append(host, bar);
    parentElement.appendChild(wrap);

    inst = { component, version: d.version, error: null, data: d };
    const run = () => {
      const text = inst.view.state.doc.toString();
      const nonce = `${Date.now()}-${Math.random().toString(36).slice(2, 10)}`;
      inst.component.setTriggerValue("run", { text, nonce });
      return true;
    };
    button.addEventListener("click", run);
    const dark = isDark(wrap);
    const state = EditorState.create({
      doc: d.value || "",
      extensions: [
        Prec.highest(keymap.of([{ key: "Mod-Enter", run, preventDefault: true }])),
        lineNumbers(), highlightActiveLineGutter(), highlightActiveLine(), drawSelection(),
        history(), indentOnInput(), bracketMatching(), closeBrackets(),
        StreamLanguage.define(sparql),
        // Braces are not closed for the student: a query typed line by line ends each group with
        // its own "}", and an automatic one would be left over on the line below.
        EditorState.languageData.of(() => [{ closeBrackets: { brackets: ["(", "[", "\"", "'"] } }]),
        syntaxHighlighting(highlighting(dark ? PALETTES.dark : PALETTES.light)),
        autocompletion({ override: [completionSource(() => inst.data)] }),
        keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap,
          ...completionKeymap, ...lintKeymap, indentWithTab]),
        placeholderExt(d.placeholder || "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 10"),
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ "aria-label": d.label || "SPARQL query" }),
        baseTheme(dark),
      ],
    });
    inst.view = new EditorView({ state, parent: host, root: parentElement });
    instances.set(parentElement, inst);
  }
  inst.component = component;
  inst.data = d;
  if (d.version !== inst.version) {
    inst.version = d.version;
    const view = inst.view;
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: d.value || "" } });
  }
  const errorKey = JSON.stringify(d.error || null);
  if (errorKey !== inst.error) {
    inst.error = errorKey;
    inst.view.dispatch(setDiagnostics(inst.view.state, diagnosticsFor(inst.view.state, d.error)));
  }
  return () => {
    if (instances.get(parentElement) === inst) {
      inst.view.destroy();
      instances.delete(parentElement);
    }
  };
}
