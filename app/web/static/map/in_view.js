// The measures in the map's view as a list of buttons: the keyboard's way to a measure
// (the map draws them on canvas, where nothing can take the focus). A button opens the
// measure's popup and centres it, as a click on the map would.

import { query, request } from "./api.js";
import { message, t, term, typeLabel } from "./i18n.js";
import { featureFilter, selectsNothing } from "./state.js";

// Below this zoom the view holds too many measures for a list worth reading.
const LIST_ZOOM = 13;
const LIST_LIMIT = 50;

/** Keeps `#kw-inview-list` filled with the measures in view; `open(id)` opens one. */
export function setUpInView(map, state, types, open) {
  const list = document.getElementById("kw-inview-list");
  const note = document.getElementById("kw-inview-note");
  let ticket = 0;

  async function update() {
    const mine = ++ticket;
    if (map.getZoom() < LIST_ZOOM || selectsNothing(state)) {
      list.replaceChildren();
      note.textContent = selectsNothing(state) ? "" : message("map.inViewZoom");
      return;
    }
    const b = map.getBounds();
    const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(6)).join(",");
    const params = { ...featureFilter(state), bbox, limit: LIST_LIMIT, properties: "title,type,status" };
    let data;
    try {
      ({ data } = await request(`/collections/measures/items${query(params)}`));
    } catch {
      return; // the map still works; the next move asks again
    }
    if (mine !== ticket) return;
    note.textContent = message("map.inViewCount", {
      shown: data.features.length,
      matched: data.numberMatched ?? data.features.length,
    });
    list.replaceChildren(
      ...data.features.map((feature) => {
        const item = document.createElement("li");
        const button = document.createElement("button");
        button.type = "button";
        button.className = "kw-link";
        const p = feature.properties;
        button.textContent = `${p.title} · ${typeLabel(types.get(p.type)) || p.type} · ${term("statuses", p.status)}`;
        button.addEventListener("click", () => open(feature.id));
        item.append(button);
        return item;
      }),
    );
  }

  map.on("moveend", update);
  document.getElementById("kw-inview-title").textContent = t("inViewTitle");
  return { update };
}
