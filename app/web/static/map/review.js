// The review queue: the submitted measures of the municipalities a reviewer may review,
// oldest first, each jumping to the measure on the map, with publish and reject.

import { query, request, textLimits } from "./api.js";
import { t, typeLabel } from "./i18n.js";

const el = (id) => document.getElementById(id);

export class ReviewQueue {
  /**
   * @param context {municipalityNames, types, show(id), review(id, state, note) -> bool}
   */
  constructor(context) {
    this.context = context;
    this.items = [];
    this.visible = false;
    // One element per measure, kept across reloads: a note being typed survives them.
    this.nodes = new Map();
  }

  /** Loads the queue for the caller; hidden unless /me grants review somewhere. */
  async load(me) {
    const capabilities = me?.capabilities;
    this.visible = Boolean(capabilities?.review);
    el("kw-review-section").hidden = !this.visible;
    if (!this.visible) return;
    const reviewIn = capabilities.review_in ?? [];
    const params = {
      review_state: "submitted",
      municipality: reviewIn.join(","),
      sortby: "created_at",
      limit: 200,
    };
    try {
      const { data } = await request(`/collections/measures/items${query(params)}`);
      this.items = data.features;
    } catch (error) {
      this.items = [];
      el("kw-review-empty").textContent = error.message;
    }
    this.render();
  }

  render({ relabel = false } = {}) {
    if (!this.visible) return;
    if (relabel) this.nodes.clear();
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
  }

  entry(feature) {
    const { municipalityNames, types, show, review } = this.context;
    const p = feature.properties;
    const item = document.createElement("li");
    item.className = "kw-review-item";
    item.dataset.id = feature.id;
    const title = document.createElement("button");
    title.type = "button";
    title.className = "kw-link kw-review-show";
    title.textContent = p.title;
    title.title = t("showOnMap");
    title.addEventListener("click", () => show(feature.id));
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
    item.append(title, facts, label, note, error, row);
    return item;
  }
}
