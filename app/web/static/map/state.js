// The map's state (view, filters, language) lives in the URL, so a link reproduces it:
// filters in the query string, the view in the hash as #zoom/lat/lon (as OpenStreetMap).

export const REGION_VIEW = { z: 10, lat: 51.56, lon: 7.15 };

/** Reads the state from a URL. Unknown or malformed values fall back to defaults. */
export function readState(url = new URL(window.location.href)) {
  const p = url.searchParams;
  const [z, lat, lon] = url.hash.replace(/^#/, "").split("/").map(Number);
  const view =
    Number.isFinite(z) && Number.isFinite(lat) && Number.isFinite(lon) && url.hash
      ? { z: Math.round(z), lat, lon }
      : { ...REGION_VIEW };
  const year = Number.parseInt(p.get("year") || "", 10);
  return {
    view,
    lang: p.get("lang") === "en" ? "en" : "de",
    municipality: /^\d{8}$/.test(p.get("municipality") || "") ? p.get("municipality") : "",
    // null: every type; an array (possibly empty) is an explicit choice.
    types: p.has("type") ? p.get("type").split(",").filter(Boolean) : null,
    status: p.get("status") || "",
    year: Number.isFinite(year) ? year : null,
  };
}

/** Writes the state into the address bar without adding a history entry per pan. */
export function writeState(state) {
  const p = new URLSearchParams();
  if (state.municipality) p.set("municipality", state.municipality);
  if (state.types !== null) p.set("type", state.types.join(","));
  if (state.status) p.set("status", state.status);
  if (state.year) p.set("year", String(state.year));
  if (state.lang === "en") p.set("lang", "en");
  const { z, lat, lon } = state.view;
  const search = p.toString();
  const hash = `#${z}/${lat.toFixed(5)}/${lon.toFixed(5)}`;
  history.replaceState(null, "", `${window.location.pathname}${search ? `?${search}` : ""}${hash}`);
}

/** The items/tiles filter parameters of the state (the API's names). */
export function featureFilter(state) {
  return {
    municipality: state.municipality,
    type: state.types === null ? "" : state.types.join(","),
    status: state.status,
    datetime: state.year ? `${state.year}-01-01/${state.year}-12-31` : "",
  };
}

/** The /statistics parameters of the state. */
export function statisticsFilter(state) {
  return {
    municipality: state.municipality,
    type: state.types === null ? "" : state.types.join(","),
    status: state.status,
    year: state.year || "",
  };
}

/** True when the chosen types exclude everything (nothing to ask the API for). */
export function selectsNothing(state) {
  return state.types !== null && state.types.length === 0;
}
