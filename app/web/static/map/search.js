// Finding a measure by what people call it. `SearchBox` is the map's box: suggestions
// from /collections/measures/suggestions while typing (debounced, at most 10, cities
// first; arrows, Enter, Escape). `searchField` is the plain box of the table page and
// the review queue: it reports the text, and the page asks the API with `q`. What
// matches (word forms, umlauts, typos) is the server's rule alone.

import { request, query } from "./api.js";
import { currentLang } from "./i18n.js";

// The box's own words: it is built where the map, the table page and the queue need it.
const TEXTS = {
  de: {
    label: "Suche",
    placeholder: "z. B. Gründach, Rigole, Bottrop",
    suggestions: "Vorschläge",
    city: "Kommune",
    none: "Nichts gefunden.",
    failed: "Suche fehlgeschlagen",
    count: (n) => `${n} Vorschläge, mit Pfeiltasten wählen`,
  },
  en: {
    label: "Search",
    placeholder: "e.g. green roof, trench, Bottrop",
    suggestions: "Suggestions",
    city: "Municipality",
    none: "Nothing found.",
    failed: "Search failed",
    count: (n) => `${n} suggestions, choose with the arrow keys`,
  },
};
const say = (key) => TEXTS[currentLang()][key];

// One request after typing pauses this long: none per keystroke.
export const DEBOUNCE_MS = 250;
const MAX_LENGTH = 200;
let boxes = 0;

/** Calls `onText(text)` once typing in `input` pauses (and at once on Enter). */
function debounced(input, onText) {
  let timer = null;
  const fire = () => {
    clearTimeout(timer);
    onText(input.value.trim());
  };
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(fire, DEBOUNCE_MS);
  });
  return fire;
}

/** A labelled search input in `form` (its id made unique); returns the input. */
function labelledInput(form, id) {
  const label = document.createElement("label");
  label.htmlFor = id;
  label.className = "kw-search-label";
  const input = document.createElement("input");
  input.id = id;
  input.type = "search";
  input.name = "q";
  input.autocomplete = "off";
  input.spellcheck = false;
  input.maxLength = MAX_LENGTH;
  form.append(label, input);
  const relabel = () => {
    label.textContent = say("label");
    input.placeholder = say("placeholder");
  };
  relabel();
  return { input, relabel };
}

/**
 * The plain search box of lists (table page, review queue): `onSearch(text)` after
 * typing pauses or on Enter. Returns {input, relabel}.
 */
export function searchField(container, { value = "", onSearch }) {
  const form = document.createElement("form");
  form.className = "kw-search kw-search-plain";
  form.setAttribute("role", "search");
  const field = labelledInput(form, `kw-search-${++boxes}`);
  field.input.value = value;
  const fire = debounced(field.input, onSearch);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    fire();
  });
  container.append(form);
  return field;
}

/** The map's search box with suggestions (a WAI-ARIA combobox with a listbox). */
export class SearchBox {
  /**
   * @param container where the box goes
   * @param options.value the search to start with (from the link)
   * @param options.filters () => the map's other filters (items parameter names)
   * @param options.describe (measure) => the line under its title (type, city)
   * @param options.choose (suggestion) => go there; suggestion.kind is "measure" or "city"
   * @param options.changed (text) => the search text changed (for the link)
   */
  constructor(container, { value = "", filters, describe, choose, changed }) {
    Object.assign(this, { filters, describe, choose, changed });
    this.items = [];
    this.active = -1;
    this.pending = null;
    const n = ++boxes;
    this.form = document.createElement("form");
    this.form.className = "kw-search";
    this.form.setAttribute("role", "search");
    const { input, relabel } = labelledInput(this.form, `kw-search-${n}`);
    this.input = input;
    this.relabelInput = relabel;
    this.list = document.createElement("ul");
    this.list.id = `kw-search-list-${n}`;
    this.list.className = "kw-search-list";
    this.list.setAttribute("role", "listbox");
    this.list.hidden = true;
    this.status = document.createElement("p");
    this.status.className = "kw-search-status kw-sr";
    this.status.setAttribute("role", "status");
    this.status.setAttribute("aria-live", "polite");
    input.value = value;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", this.list.id);
    input.setAttribute("aria-expanded", "false");
    this.form.append(this.list, this.status);
    container.append(this.form);
    this.relabel();

    const fire = debounced(input, (text) => this.suggest(text));
    input.addEventListener("input", () => this.changed(input.value.trim()));
    input.addEventListener("keydown", (event) => this.key(event, fire));
    input.addEventListener("blur", () => this.close());
    this.form.addEventListener("submit", (event) => event.preventDefault());
    // mousedown, not click: the input would lose focus (and close the list) first.
    this.list.addEventListener("mousedown", (event) => {
      const option = event.target.closest("[role=option]");
      if (!option) return;
      event.preventDefault();
      this.pick(Number(option.dataset.index));
    });
  }

  relabel() {
    this.relabelInput();
    this.list.setAttribute("aria-label", say("suggestions"));
    if (this.items.length) this.render();
  }

  /** Asks the server for suggestions of `text` under the map's filters. */
  async suggest(text) {
    this.pending?.abort();
    if (text.length < 2) {
      this.show([]);
      return;
    }
    const pending = new AbortController();
    this.pending = pending;
    try {
      const path = `/collections/measures/suggestions${query({ ...this.filters(), q: text, limit: 10 })}`;
      const { data } = await request(path, { signal: pending.signal });
      if (pending.signal.aborted) return;
      this.show([
        ...data.municipalities.map((city) => ({ kind: "city", ...city })),
        ...data.measures.map((measure) => ({ kind: "measure", ...measure })),
      ]);
      if (!this.items.length) this.status.textContent = say("none");
    } catch (error) {
      if (error.name === "AbortError") return;
      this.show([]);
      // The server says what is wrong with the text (e.g. no letters at all).
      this.status.textContent = `${say("failed")}: ${error.message}`;
    }
  }

  show(items) {
    this.items = items;
    this.active = -1;
    this.render();
  }

  render() {
    this.list.replaceChildren(
      ...this.items.map((item, i) => {
        const option = document.createElement("li");
        option.id = `${this.list.id}-${i}`;
        option.dataset.index = String(i);
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", String(i === this.active));
        option.className = `kw-search-option kw-search-${item.kind}`;
        const title = document.createElement("span");
        title.className = "kw-search-title";
        title.textContent = item.kind === "city" ? item.name : item.title;
        const meta = document.createElement("span");
        meta.className = "kw-search-meta";
        meta.textContent = item.kind === "city" ? say("city") : this.describe(item);
        option.append(title, meta);
        return option;
      }),
    );
    const open = this.items.length > 0 && document.activeElement === this.input;
    this.list.hidden = !open;
    this.input.setAttribute("aria-expanded", String(open));
    if (this.active >= 0) this.input.setAttribute("aria-activedescendant", `${this.list.id}-${this.active}`);
    else this.input.removeAttribute("aria-activedescendant");
    this.status.textContent = open ? say("count")(this.items.length) : "";
  }

  close() {
    this.list.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  }

  key(event, fire) {
    const count = this.items.length;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!count) return;
      const step = event.key === "ArrowDown" ? 1 : -1;
      this.active = this.list.hidden ? (step > 0 ? 0 : count - 1) : (this.active + step + count) % count;
      this.render();
      this.list.children[this.active]?.scrollIntoView({ block: "nearest" });
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (!this.list.hidden && this.active >= 0) this.pick(this.active);
      else fire();
    } else if (event.key === "Escape") {
      if (!this.list.hidden) {
        event.preventDefault();
        this.close();
      } else if (this.input.value) {
        event.preventDefault();
        this.input.value = "";
        this.changed("");
        this.show([]);
      }
    }
  }

  pick(index) {
    const item = this.items[index];
    if (!item) return;
    this.close();
    this.choose(item);
  }
}
