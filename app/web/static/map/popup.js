// The popup of a measure: what the tile knows at once, then every fact from the API.

import { factList } from "./facts.js";
import { request, textLimits } from "./api.js";
import { formatArea, formatDay, formatNumber, noEffectReason, t, term, typeLabel } from "./i18n.js";

/**
 * Fills `popup` for the measure clicked on a tile (`props` from the tile), then replaces
 * it with the full feature. `actions` holds edit/remove callbacks and the signed-in caller.
 */
export async function showMeasure(popup, props, context) {
  popup.setContent(content(props, context, null));
  try {
    const { data } = await request(`/collections/measures/items/${encodeURIComponent(props.id)}`);
    popup.setContent(content({ id: data.id, ...data.properties }, context, data));
  } catch (error) {
    const box = content(props, context, null);
    const p = document.createElement("p");
    p.className = "kw-error";
    p.textContent = error.message;
    box.append(p);
    popup.setContent(box);
  }
}

function content(measure, { types, municipalityNames, actions }, full) {
  // What the caller may do now, as the API says (the item's `actions`); none until known.
  const allowed = new Set(full?.actions ?? []);
  const box = document.createElement("div");
  box.className = "kw-popup";
  const type = types.get(measure.type);
  const heading = document.createElement("h3");
  heading.className = "kw-popup-title";
  // Tiles carry no title: it comes with the full measure a moment later.
  heading.textContent = measure.title ?? t("loading");
  const kind = document.createElement("p");
  kind.className = "kw-popup-type";
  const swatch = document.createElement("span");
  swatch.className = "kw-swatch";
  swatch.style.background = type?.color ?? "#757575";
  kind.append(swatch, typeLabel(type) || measure.type);
  box.append(heading, kind);

  const facts = [
    [t("status"), term("statuses", measure.status)],
    [t("municipalityShort"), municipalityNames.get(measure.municipality) ?? measure.municipality],
    [t("area"), formatArea(measure.area_m2)],
    [t("completedOn"), formatDay(measure.completed_on)],
  ];
  if (full) {
    facts.push(
      [t("disconnectedArea"), measure.disconnected_area_m2 != null ? formatNumber(measure.disconnected_area_m2) : null],
      [t("retentionVolume"), measure.retention_volume_m3 != null ? formatNumber(measure.retention_volume_m3) : null],
      [
        t("runoffAvoided"),
        noEffectReason(type) ?? `${formatNumber(measure.runoff_avoided_m3)} m³${t("perYear")}`,
      ],
      [t("cost"), measure.cost_eur != null ? formatNumber(measure.cost_eur) : null],
      [t("funding"), measure.funding],
      [t("partner"), measure.partner],
      [t("source"), measure.source],
      [t("version"), measure.version],
    );
    if (measure.review_state !== "published") {
      facts.push([t("reviewState"), term("reviewStates", measure.review_state)]);
      facts.push([t("reviewNoteShort"), measure.review_note]);
    }
  }
  box.append(factList(facts, "kw-facts"));
  if (full?.properties.description) {
    const description = document.createElement("p");
    description.className = "kw-popup-description";
    description.textContent = full.properties.description;
    box.append(description);
  }
  const links = document.createElement("p");
  links.className = "kw-row";
  const details = document.createElement("a");
  details.href = `/collections/measures/items/${encodeURIComponent(measure.id)}?f=html`;
  details.textContent = t("details");
  links.append(details);
  if (full) {
    for (const [label, action] of [
      [t("edit"), allowed.has("update") && actions.edit],
      [t("delete"), allowed.has("delete") && actions.remove],
    ]) {
      if (!action) continue;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "kw-secondary";
      button.textContent = label;
      button.addEventListener("click", () => action(measure.id));
      links.append(button);
    }
  }
  box.append(links);
  if (allowed.has("publish") || allowed.has("reject")) {
    box.append(reviewControls(measure, actions, allowed));
  }
  return box;
}

function reviewControls(measure, actions, allowed) {
  const form = document.createElement("form");
  form.className = "kw-review";
  const id = `kw-review-note-${measure.id}`;
  const label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = t("reviewNote");
  const note = document.createElement("textarea");
  note.id = id;
  note.rows = 2;
  note.maxLength = textLimits.review_note;
  note.value = measure.review_note ?? "";
  const row = document.createElement("p");
  row.className = "kw-row";
  const error = document.createElement("p");
  error.className = "kw-field-error";
  error.setAttribute("role", "alert");
  for (const [text, state, action] of [
    [t("publish"), "published", "publish"],
    [t("reject"), "rejected", "reject"],
  ]) {
    if (!allowed.has(action)) continue;
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = text;
    button.className = state === "rejected" ? "kw-secondary" : "";
    button.addEventListener("click", () => {
      if (state === "rejected" && !note.value.trim()) {
        error.textContent = t("reasonRequired");
        note.setAttribute("aria-invalid", "true");
        note.focus();
        return;
      }
      actions.review(measure.id, state, note.value.trim());
    });
    row.append(button);
  }
  form.append(label, note, error, row);
  return form;
}
