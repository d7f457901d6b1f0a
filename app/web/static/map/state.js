// The map's state (view, filters, language, the open measure) lives in the URL, so a link
// reproduces what the sender saw: filters in the query string, the view in the hash as
// #zoom/lat/lon (as OpenStreetMap).

// The language the browser asks for (Accept-Language, else German; the server names it):
// a link carries `lang` only when the reader chose another one.
const BROWSER_LANG = document.documentElement.dataset.browserLang === "en" ? "en" : "de";

export const REGION_VIEW = { z: 10, lat: 51.56, lon: 7.15 };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function yearOf(raw) {
  const year = Number.parseInt(raw || "", 10);
  return Number.isFinite(year) && year >= 1900 && year <= 2100 ? year : null;
}

/** Reads the state from a URL. Unknown or malformed values fall back to defaults. */
export function readState(url = new URL(window.location.href)) {
  const p = url.searchParams;
  const [z, lat, lon] = url.hash.replace(/^#/, "").split("/").map(Number);
  const hasView = Number.isFinite(z) && Number.isFinite(lat) && Number.isFinite(lon) && url.hash;
  // `year` (one year) is what older links carry; it is the range year-year.
  const single = yearOf(p.get("year"));
  return {
    view: hasView ? { z: Math.round(z), lat, lon } : { ...REGION_VIEW },
    hasView: Boolean(hasView),
    // `lang` of the link, else the browser's language.
    lang: p.has("lang") ? (p.get("lang") === "en" ? "en" : "de") : BROWSER_LANG,
    municipality: /^\d{8}$/.test(p.get("municipality") || "") ? p.get("municipality") : "",
    // null: every type; an array (possibly empty) is an explicit choice.
    types: p.has("type") ? p.get("type").split(",").filter(Boolean) : null,
    status: p.get("status") || "",
    yearFrom: yearOf(p.get("from")) ?? single,
    yearTo: yearOf(p.get("to")) ?? single,
    measure: UUID.test(p.get("measure") || "") ? p.get("measure") : "",
    // The text of the search box (what matches is the server's rule).
    q: (p.get("q") || "").slice(0, 200),
    // How the overview shades municipalities: progress to the target, or counts.
    shade: p.get("shade") === "count" ? "count" : "progress",
  };
}

/** The URL of a state (path, query and view). */
export function stateUrl(state, pathname = window.location.pathname) {
  const p = new URLSearchParams();
  if (state.municipality) p.set("municipality", state.municipality);
  if (state.types !== null) p.set("type", state.types.join(","));
  if (state.status) p.set("status", state.status);
  if (state.yearFrom) p.set("from", String(state.yearFrom));
  if (state.yearTo) p.set("to", String(state.yearTo));
  if (state.measure) p.set("measure", state.measure);
  if (state.q) p.set("q", state.q);
  if (state.shade === "count") p.set("shade", "count");
  // A link keeps a language the reader chose against the server's choice.
  if (state.lang !== BROWSER_LANG) p.set("lang", state.lang);
  const { z, lat, lon } = state.view;
  const search = p.toString();
  return `${pathname}${search ? `?${search}` : ""}#${z}/${lat.toFixed(5)}/${lon.toFixed(5)}`;
}

/** Writes the state into the address bar without adding a history entry per pan. */
export function writeState(state) {
  history.replaceState(null, "", stateUrl(state));
}

/** The completion-date interval of the year range (open ends as `..`), or "". */
export function completionInterval(state) {
  if (!state.yearFrom && !state.yearTo) return "";
  const start = state.yearFrom ? `${state.yearFrom}-01-01` : "..";
  const end = state.yearTo ? `${state.yearTo}-12-31` : "..";
  return `${start}/${end}`;
}

/** The items/tiles filter parameters of the state (the API's names). */
export function featureFilter(state) {
  return {
    municipality: state.municipality,
    type: state.types === null ? "" : state.types.join(","),
    status: state.status,
    datetime: completionInterval(state),
  };
}

/** The /statistics parameters of the state: one year as `year`, a range as a CQL2 filter. */
export function statisticsFilter(state) {
  const params = {
    municipality: state.municipality,
    type: state.types === null ? "" : state.types.join(","),
    status: state.status,
  };
  if (state.yearFrom && state.yearFrom === state.yearTo) {
    params.year = state.yearFrom;
  } else if (state.yearFrom || state.yearTo) {
    const parts = [];
    if (state.yearFrom) parts.push(`completed_on >= DATE('${state.yearFrom}-01-01')`);
    if (state.yearTo) parts.push(`completed_on <= DATE('${state.yearTo}-12-31')`);
    params.filter = parts.join(" AND ");
    params["filter-lang"] = "cql2-text";
  }
  return params;
}

/** True when the chosen types exclude everything (nothing to ask the API for). */
export function selectsNothing(state) {
  return state.types !== null && state.types.length === 0;
}
