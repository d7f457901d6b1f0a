// The search box as a control on the map (top left, visible with the panel closed too):
// a chosen measure opens where it lies, a chosen city fills the view.
/* global L */

import { SearchBox } from "./search.js";
import { featureFilter } from "./state.js";

/** Adds the search box to `map`; `state.q` holds its text for the link. */
export function searchControl(map, state, { describe, goToMeasure, changed }) {
  let box;
  const Control = L.Control.extend({
    options: { position: "topleft" },
    onAdd() {
      const div = L.DomUtil.create("div", "kw-search-control leaflet-bar");
      // Typing, clicking and scrolling in the box are not map gestures.
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      box = new SearchBox(div, {
        value: state.q,
        filters: () => featureFilter(state),
        describe,
        choose: (item) => {
          if (item.kind === "city") {
            const [minx, miny, maxx, maxy] = item.bbox;
            map.flyToBounds([[miny, minx], [maxy, maxx]], { padding: [10, 10], duration: 0.8 });
          } else {
            goToMeasure(item.id).catch(() => {});
          }
        },
        changed: (text) => {
          state.q = text;
          changed();
        },
      });
      return div;
    },
  });
  const control = new Control().addTo(map);
  // Above the zoom buttons: the first thing in the corner.
  const element = control.getContainer();
  element.parentNode.prepend(element);
  return box;
}
