// The review queue for hundreds of submissions: a count, filters (type, partner, date),
// order, pages of 20, collapsed entries that show what changed against the published
// version, and publishing several at once. Everything is asked from the items API (its
// filters, sortby, paging links and numberMatched): the queue holds no rule of its own.

import { query, request, textLimits } from "./api.js";
import { changesSincePublished, changesText } from "./changes.js";
import { message, t, typeLabel } from "./i18n.js";

const el = (id) => document.getElementById(id);
const PAGE_SIZE = 20;

export class ReviewQueue {
  /**
   * @param context {municipalityNames, types, show(id), review(id, state, note, options) -> bool, done()}
   */
  constructor(context) {
    this.context = context;
    this.items = [];
    this.visible = false;
    this.cursor = null; // the paging link's cursor of the page shown (null: first page)
    this.links = {};
    // One element per measure, kept across reloads: a note being typed survives them.
    this.nodes = new Map();
    // The text of the queue's search field (review_search.js); "" shows every one.
    this.q = "";
    this.bind();
  }

  bind() {
    const reload = () => {
      this.cursor = null;
      this.load(this.me);
    };
    for (const id of ["kw-queue-type", "kw-queue-since", "kw-queue-sort"]) el(id).addEventListener("change", reload);
    el("kw-queue-partner").addEventListener("change", reload);
    el("kw-queue-filters").addEventListener("submit", (event) => {
      event.preventDefault();
      reload();
    });
    el("kw-queue-prev").addEventListener("click", () => this.page("prev"));
    el("kw-queue-next").addEventListener("click", () => this.page("next"));
    el("kw-queue-all").addEventListener("change", (event) => {
      for (const box of el("kw-review-list").querySelectorAll(".kw-queue-pick")) box.checked = event.target.checked;
      this.updateBulk();
    });
    el("kw-queue-publish").addEventListener("click", () => this.publishSelected());
  }

  /** The items parameters of the queue's filters (the API's own names). */
  params() {
    const reviewIn = this.me?.capabilities?.review_in ?? [];
    const conditions = [];
    const partner = el("kw-queue-partner").value.trim();
    if (partner) conditions.push(`partner = '${partner.replaceAll("'", "''")}'`);
    const since = el("kw-queue-since").value;
    if (/^\d{4}-\d{2}-\d{2}$/.test(since)) conditions.push(`created_at >= TIMESTAMP('${since}T00:00:00Z')`);
    return {
      q: this.q,
      review_state: "submitted",
      municipality: reviewIn.join(","),
      type: el("kw-queue-type").value,
      filter: conditions.join(" AND "),
      "filter-lang": conditions.length ? "cql2-text" : "",
      sortby: el("kw-queue-sort").value,
      limit: PAGE_SIZE,
      cursor: this.cursor ?? "",
    };
  }

  /** Loads the queue for the caller; hidden unless /me grants review somewhere. */
  async load(me) {
    this.me = me;
    this.visible = Boolean(me?.capabilities?.review);
    el("kw-review-section").hidden = !this.visible;
    if (!this.visible) return;
    this.fillTypes();
    try {
      const { data } = await request(`/collections/measures/items${query(this.params())}`);
      this.items = data.features;
      this.matched = data.numberMatched ?? data.features.length;
      this.links = Object.fromEntries((data.links ?? []).map((link) => [link.rel, link.href]));
      el("kw-review-empty").textContent = t("reviewQueueEmpty");
    } catch (error) {
      this.items = [];
      this.matched = 0;
      this.links = {};
      el("kw-review-empty").textContent = error.message;
    }
    this.render();
  }

  /** Follows the API's paging link (its cursor), keeping the filters. */
  page(rel) {
    const href = this.links[rel];
    if (!href) return;
    this.cursor = new URL(href, window.location.href).searchParams.get("cursor");
    this.load(this.me);
  }

  fillTypes() {
    const select = el("kw-queue-type");
    if (select.options.length > 1 && !this.relabelTypes) return;
    const chosen = select.value;
    select.replaceChildren(
      new Option(t("queueAllTypes"), ""),
      ...[...this.context.types.values()].map((type) => new Option(typeLabel(type), type.id)),
    );
    select.value = chosen;
    this.relabelTypes = false;
  }

  render({ relabel = false } = {}) {
    if (!this.visible) return;
    if (relabel) {
      this.nodes.clear();
      this.relabelTypes = true;
      this.fillTypes();
    }
    el("kw-queue-count").textContent = message("map.queueCount", { count: this.matched ?? 0 });
    el("kw-queue-prev").disabled = !this.links.prev;
    el("kw-queue-next").disabled = !this.links.next;
    el("kw-queue-all").checked = false;
    const list = el("kw-review-list");
    el("kw-review-empty").hidden = this.items.length > 0;
    const ids = new Set(this.items.map((feature) => feature.id));
    for (const id of this.nodes.keys()) if (!ids.has(id)) this.nodes.delete(id);
    list.replaceChildren(
      ...this.items.map((feature) => {
        if (!this.nodes.has(feature.id)) this.nodes.set(feature.id, this.entry(feature));
        return this.nodes.get(feature.id);
      }),
    );
    this.updateBulk();
  }

  selected() {
    return [...el("kw-review-list").querySelectorAll(".kw-queue-pick:checked")].map((box) => box.value);
  }

  updateBulk() {
    const count = this.selected().length;
    const button = el("kw-queue-publish");
    button.textContent = message("map.queuePublishSelected", { count });
    button.disabled = count === 0;
  }

  /** Publishes the chosen submissions, one PATCH each (If-Match), then reloads once. */
  async publishSelected() {
    const ids = this.selected();
    el("kw-queue-publish").disabled = true;
    let done = 0;
    for (const id of ids) {
      if (await this.context.review(id, "published", "", { quiet: true })) done += 1;
    }
    this.context.done(message("map.queuePublishedMany", { count: done }));
  }

  entry(feature) {
    const { municipalityNames, types, show, review } = this.context;
    const p = feature.properties;
    const item = document.createElement("li");
    item.className = "kw-review-item";
    item.dataset.id = feature.id;
    // Collapsed: a line per submission; the details open on demand.
    const details = document.createElement("details");
    const summary = document.createElement("summary");
    const pick = document.createElement("input");
    pick.type = "checkbox";
    pick.className = "kw-queue-pick";
    pick.value = feature.id;
    pick.setAttribute("aria-label", message("map.queueSelect", { title: p.title }));
    pick.addEventListener("change", () => this.updateBulk());
    pick.addEventListener("click", (event) => event.stopPropagation());
    const heading = document.createElement("span");
    heading.className = "kw-queue-title";
    heading.textContent = p.title;
    summary.append(pick, " ", heading);
    const facts = document.createElement("p");
    facts.className = "kw-hint";
    const submitted = new Date(p.updated_at ?? p.created_at).toLocaleDateString(
      document.documentElement.lang === "en" ? "en-GB" : "de-DE",
    );
    facts.textContent = [
      typeLabel(types.get(p.type)) || p.type,
      municipalityNames.get(p.municipality) ?? p.municipality,
      p.partner,
      `${t("submittedOn")} ${submitted}`,
    ]
      .filter(Boolean)
      .join(" · ");
    const title = document.createElement("button");
    title.type = "button";
    title.className = "kw-link kw-review-show";
    title.textContent = t("showOnMap");
    title.addEventListener("click", () => show(feature.id));
    const changes = document.createElement("p");
    changes.className = "kw-hint kw-queue-changes";
    details.addEventListener("toggle", () => {
      if (details.open && !changes.dataset.loaded) this.showChanges(feature.id, changes);
    });
    const noteId = `kw-queue-note-${feature.id}`;
    const label = document.createElement("label");
    label.htmlFor = noteId;
    label.className = "kw-hint";
    label.textContent = t("reviewNote");
    const note = document.createElement("input");
    note.id = noteId;
    note.maxLength = textLimits.review_note;
    const error = document.createElement("p");
    error.className = "kw-field-error";
    error.setAttribute("role", "alert");
    const row = document.createElement("p");
    row.className = "kw-row";
    for (const [text, reviewState] of [
      [t("publish"), "published"],
      [t("reject"), "rejected"],
    ]) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = text;
      button.className = reviewState === "rejected" ? "kw-secondary" : "";
      button.addEventListener("click", async () => {
        const reason = note.value.trim();
        if (reviewState === "rejected" && !reason) {
          error.textContent = t("reasonRequired");
          note.setAttribute("aria-invalid", "true");
          note.focus();
          return;
        }
        if (await review(feature.id, reviewState, reason)) {
          this.items = this.items.filter((f) => f.id !== feature.id);
          this.render();
        }
      });
      row.append(button);
    }
    details.append(summary, facts, title, changes, label, note, error, row);
    item.append(details);
    return item;
  }

  /** What the submission changed against the published version: a pending revision of a
   * published measure says so itself (`revision.changes`); otherwise its history does. */
  async showChanges(id, box) {
    box.dataset.loaded = "true";
    try {
      const url = `/collections/measures/items/${encodeURIComponent(id)}`;
      const { data: item } = await request(url);
      const since = item.revision
        ? item.revision.changes
        : changesSincePublished((await request(`${url}/history`)).data.versions);
      const known = {
        types: [...this.context.types.values()],
        cities: [...this.context.municipalityNames].map(([ags, name]) => ({ properties: { ags, name } })),
      };
      box.textContent = since === null
        ? t("queueNew")
        : `${t("queueChanges")}: ${changesText(since, known) || "–"}`;
    } catch (error) {
      box.textContent = error.message;
    }
  }
}
