// What a version of a measure changed, in words ("Titel: „A“ → „B“; Status: geplant →
// fertiggestellt"), for item pages and the review queue: labels for codes, city names,
// dates and numbers as the language writes them.

import { formatDay, formatNumber, message, t, term, typeLabel } from "./i18n.js";

/** A stored value in words: labels for codes, city names, German numbers and dates. */
function valueText(name, value, { types, cities }) {
  if (value === null || value === undefined || value === "") return message("history.empty");
  if (name === "type") return typeLabel(types.find((c) => c.id === value)) || value;
  if (name === "status") return term("statuses", value);
  if (name === "review_state") return term("reviewStates", value);
  if (name === "municipality") return cities.find((f) => f.properties.ags === value)?.properties.name ?? value;
  if (name === "completed_on") return formatDay(value);
  if (typeof value === "number") return formatNumber(value, Number.isInteger(value) ? 0 : 2);
  if (typeof value === "object") return message("history.changed");
  return `„${value}“`;
}

/** What a version changed, in words: "Titel: „A“ → „B“; Status: geplant → fertiggestellt". */
export function changesText(changes, known) {
  if (changes?.created) return t("historyCreated");
  if (changes?.published) return message("history.published");
  return Object.entries(changes ?? {})
    .map(([name, change]) =>
      name === "geometry" || !change || typeof change !== "object" || !("to" in change)
        ? `${message(`field.${name}`)}: ${message("history.changed")}`
        : `${message(`field.${name}`)}: ${valueText(name, change.from, known)} → ${valueText(name, change.to, known)}`,
    )
    .join("; ");
}


/**
 * What the newest versions changed since the last published one (history entries, newest
 * first, as /history gives them to a reviewer), or null when none was ever published.
 */
export function changesSincePublished(versions) {
  const merged = {};
  for (const version of versions) {
    const changes = version.changes ?? {};
    if (changes.review_state?.to === "published" || changes.published) return merged;
    if (changes.created) return null;
    for (const [name, change] of Object.entries(changes)) {
      if (name === "review_state" || name === "review_note") continue;
      merged[name] = name in merged && typeof change === "object" ? { ...change, to: merged[name].to } : change;
    }
  }
  return null;
}
