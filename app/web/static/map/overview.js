// The overview below the measure zoom: municipalities shaded by progress towards the
// disconnection target or by the number of measures (the panel switches), boundaries and
// names on top, names that would overlap left out.
/* global L */

import { query, request } from "./api.js";
import { formatNumber, t } from "./i18n.js";
import { selectsNothing, statisticsFilter } from "./state.js";

// Five classes, light to dark (ColorBrewer Greens), readable under the boundary lines.
const RAMP = ["#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c"];
const NO_DATA = "#f0f0f0";

/** Upper class bounds for the values (progress: fixed steps; counts: quantiles). */
function classBreaks(values, mode) {
  if (mode === "progress") return [0.2, 0.4, 0.6, 0.8, Infinity];
  const sorted = values.filter((v) => v > 0).sort((a, b) => a - b);
  if (!sorted.length) return [Infinity];
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return [at(0.2), at(0.4), at(0.6), at(0.8), Infinity];
}

export class Overview {
  constructor(map, features, boundaries, fromZoom) {
    this.map = map;
    this.boundaries = boundaries;
    this.fromZoom = fromZoom;
    this.values = new Map();
    this.breaks = [Infinity];
    this.mode = "progress";
    map.createPane("choropleth").style.zIndex = 300;
    this.layer = L.geoJSON({ type: "FeatureCollection", features }, {
      pane: "choropleth",
      interactive: false,
      style: (feature) => this.styleOf(feature),
    }).addTo(map);
    map.on("zoomend", () => this.show());
    map.on("zoomend moveend", () => this.declutter());
    this.show();
  }

  styleOf(feature) {
    const value = this.values.get(feature.properties.ags);
    const below = this.map.getZoom() < this.fromZoom;
    const index = this.breaks.findIndex((limit) => value <= limit);
    return {
      stroke: false,
      fill: below,
      fillColor: value == null ? NO_DATA : RAMP[Math.max(0, index)],
      fillOpacity: below ? 0.7 : 0,
    };
  }

  show() {
    this.layer.setStyle((feature) => this.styleOf(feature));
  }

  /** Fetches the values of the mode for the state's filters (every municipality). */
  async refresh(state, mode) {
    this.mode = mode;
    this.values = new Map();
    if (!selectsNothing(state)) {
      const params = statisticsFilter({ ...state, municipality: "" });
      try {
        const { data } = await request(`/statistics${query(params)}`);
        if (mode === "count") {
          for (const row of data.by_municipality ?? []) this.values.set(row.municipality ?? row.ags, row.count);
        } else {
          // Progress per municipality as /statistics states it (only where a baseline is set).
          for (const row of data.targets?.by_municipality ?? []) {
            const reached = row.disconnection?.target_reached;
            if (reached != null) this.values.set(row.ags, reached);
          }
        }
      } catch {
        this.values = new Map();
      }
    }
    this.breaks = classBreaks([...this.values.values()], mode);
    this.show();
    this.renderLegend();
  }

  /** The key of the shading, in the legend box given by the legend control. */
  renderLegend(box = this.legendBox) {
    if (!box) return;
    this.legendBox = box;
    box.querySelector(".kw-shading")?.remove();
    const part = L.DomUtil.create("div", "kw-shading", box);
    const title = L.DomUtil.create("p", "kw-hint", part);
    title.textContent = `${t("choropleth")}: ${t(this.mode === "count" ? "choroplethCount" : "choroplethProgress")}`;
    const list = L.DomUtil.create("ul", "", part);
    let lower = 0;
    for (const [i, limit] of this.breaks.entries()) {
      const item = L.DomUtil.create("li", "", list);
      const swatch = L.DomUtil.create("span", "kw-swatch", item);
      swatch.style.background = RAMP[i + (RAMP.length - this.breaks.length)];
      swatch.setAttribute("aria-hidden", "true");
      const show = (v) => (this.mode === "progress" ? `${formatNumber(v * 100)} %` : formatNumber(v));
      item.append(limit === Infinity ? `≥ ${show(lower)}` : `${show(lower)} – ${show(limit)}`);
      lower = limit;
    }
    const none = L.DomUtil.create("li", "", list);
    const swatch = L.DomUtil.create("span", "kw-swatch", none);
    swatch.style.background = NO_DATA;
    swatch.setAttribute("aria-hidden", "true");
    none.append(t(this.mode === "count" ? "choroplethNone" : "noBaselineShort"));
  }

  /** Hides names that would overlap one shown before (the selected city first, then by area). */
  declutter(selected = this.selected) {
    this.selected = selected;
    const labels = this.boundaries
      .getLayers()
      .map((layer) => ({ ...layer.feature.properties, el: layer.getTooltip()?.getElement() }))
      .filter((label) => label.el);
    // The selected city first, then the larger ones (their names matter more at a glance).
    labels.sort((a, b) => (b.ags === selected) - (a.ags === selected) || (b.area_m2 ?? 0) - (a.area_m2 ?? 0));
    const shown = [];
    for (const label of labels) {
      label.el.style.visibility = "";
      const box = label.el.getBoundingClientRect();
      const overlaps = shown.some(
        (other) => box.left < other.right && box.right > other.left && box.top < other.bottom && box.bottom > other.top,
      );
      if (overlaps) label.el.style.visibility = "hidden";
      else shown.push(box);
    }
  }
}
