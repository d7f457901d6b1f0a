// The download control: the current selection (filters, optionally the visible extent)
// as CSV (standard, or for German Excel), GeoPackage or GeoJSON in CRS84 or EPSG:25832,
// with the count shown first.

import { query } from "./api.js";
import { formatNumber, t } from "./i18n.js";
import { featureFilter, selectsNothing } from "./state.js";

const ITEMS = "/collections/measures/items";
const el = (id) => document.getElementById(id);

/** The items parameters of the download (filters, extent, format, CRS). */
export function downloadParameters(map, state) {
  const params = { ...featureFilter(state), f: el("kw-d-format").value, crs: el("kw-d-crs").value };
  if (el("kw-d-extent").checked) {
    const b = map.getBounds();
    params.bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(6)).join(",");
  }
  return params;
}

/** Wires the form; `update()` refreshes the link and the count after any change. */
export function setUpDownload(map, state) {
  const link = el("kw-d-link");
  const count = el("kw-d-count");
  let asked = 0;
  const update = async () => {
    const params = downloadParameters(map, state);
    link.href = `${ITEMS}${query(params)}`;
    // The server names the file after the selection (city, date, CRS).
    link.setAttribute("download", "");
    if (selectsNothing(state)) {
      count.textContent = `0 ${t("downloadCount")}`;
      return;
    }
    // numberMatched of the same filters and the same (anonymous) caller as the link:
    // what the file will hold.
    const ticket = ++asked;
    const { f: _format, crs: _crs, ...filters } = params;
    try {
      const answer = await fetch(`${ITEMS}${query({ ...filters, limit: 1 })}`, {
        headers: { Accept: "application/geo+json" },
      });
      const data = await answer.json();
      if (!answer.ok) throw new Error(data.detail || `HTTP ${answer.status}`);
      if (ticket === asked) {
        count.textContent = `${formatNumber(data.numberMatched)} ${t("downloadCount")}`;
        count.dataset.matched = String(data.numberMatched);
      }
    } catch (error) {
      if (ticket === asked) count.textContent = error.message;
    }
  };
  el("kw-download").addEventListener("change", update);
  el("kw-download").addEventListener("submit", (event) => event.preventDefault());
  return { update };
}
