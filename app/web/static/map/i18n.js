// German is the map's language (its users are German municipalities); English on request.
// Every text comes from the server's one message catalogue (`/messages`): the map's
// labels are its `map.*` entries, and the API's problems arrive already in the language
// asked for (`Accept-Language`, see api.js), so no message is written twice.

const TEXTS = await fetch("/messages", { headers: { Accept: "application/json" } })
  .then((response) => (response.ok ? response.json() : { de: {}, en: {} }))
  .catch(() => ({ de: {}, en: {} }));

let lang = "de";

/** The current language, "de" or "en". */
export function currentLang() {
  return lang;
}

/** Switches the language and relabels every element marked with data-i18n. */
export function setLang(next) {
  lang = next === "en" ? "en" : "de";
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll("[data-i18n]")) {
    el.textContent = t(el.dataset.i18n);
  }
}

/** The text of a key in the current language (the key itself when missing). */
export function t(key, values = {}) {
  const text = TEXTS[lang][`map.${key}`] ?? TEXTS.de[`map.${key}`] ?? key;
  // {name} takes a value the server states (the targets): texts never re-type a rule.
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

/** A catalogue message with its `{name}` parameters filled in (as the server does). */
export function message(code, params = {}) {
  const template = TEXTS[lang][code] ?? TEXTS.en[code] ?? code;
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/** The label of a vocabulary value (statuses, reviewStates, roles). */
export function term(vocabulary, value) {
  return TEXTS[lang][`map.${vocabulary}.${value}`] ?? value;
}

/** A measure type's label from the catalogue entry, in the current language. */
export function typeLabel(type) {
  return type ? (lang === "en" ? type.label_en : type.label_de) : "";
}

/** Why a type has no computed water-balance effect, and what it does instead, in the
 * current language (from the catalogue; null for types with an effect). */
export function noEffectReason(type) {
  const water = type?.water_balance;
  if (water?.model !== "none") return null;
  return lang === "en" ? water.reason : (water.reason_de ?? water.reason);
}

/** A number with German or English grouping, rounded to `digits`. */
export function formatNumber(value, digits = 0) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  return new Intl.NumberFormat(lang === "en" ? "en-GB" : "de-DE", {
    maximumFractionDigits: digits,
    minimumFractionDigits: 0,
  }).format(value);
}

/** An area in m², switching to ha above one hectare. */
export function formatArea(m2) {
  if (m2 === null || m2 === undefined) return "–";
  return m2 >= 10000 ? `${formatNumber(m2 / 10000, 1)} ha` : `${formatNumber(m2)} m²`;
}

/** A date YYYY-MM-DD as the language writes it (30.06.2025 in German). */
export function formatDay(value) {
  if (!value) return value;
  const [year, month, day] = String(value).split("-");
  return lang === "en" || !day ? value : `${day}.${month}.${year}`;
}
