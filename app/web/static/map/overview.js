// The overview below the measure zoom: municipalities shaded by progress towards the
// disconnection target or by measures per km² of sealed area (the panel switches), in
// classes the server draws from the data; boundaries and names on top, names that would
// overlap left out.
/* global L */

import { query, request } from "./api.js";
import { formatNumber, t } from "./i18n.js";
import { selectsNothing, statisticsFilter } from "./state.js";

// Up to five classes, light to dark (ColorBrewer Greens), readable under the boundaries.
// The class breaks come from the server (/statistics `shading`, from the data).
const RAMP = ["#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c"];
const NO_DATA = "#f0f0f0";

export class Overview {
  constructor(map, features, boundaries, fromZoom) {
    this.map = map;
    this.boundaries = boundaries;
    this.fromZoom = fromZoom;
    this.values = new Map();
    this.breaks = [];
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
    const found = this.breaks.findIndex((limit) => value <= limit);
    const index = found < 0 ? this.breaks.length : found;
    return {
      stroke: false,
      fill: below,
      fillColor: value == null ? NO_DATA : this.colour(index),
      fillOpacity: below ? 0.7 : 0,
    };
  }

  /** The colour of class `index` of the current classes (the darkest for the last). */
  colour(index) {
    return RAMP[RAMP.length - 1 - this.breaks.length + index];
  }

  show() {
    this.layer.setStyle((feature) => this.styleOf(feature));
  }

  /** Fetches the values of the mode for the state's filters (every municipality). */
  async refresh(state, mode) {
    this.mode = mode;
    this.values = new Map();
    this.breaks = [];
    if (!selectsNothing(state)) {
      const params = statisticsFilter({ ...state, municipality: "" });
      try {
        const { data } = await request(`/statistics${query(params)}`);
        if (mode === "count") {
          for (const row of data.by_municipality ?? []) {
            if (row.per_km2_sealed != null) this.values.set(row.municipality, row.per_km2_sealed);
          }
          this.breaks = data.shading?.per_km2_sealed ?? [];
        } else {
          this.breaks = data.shading?.progress ?? [];
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
    title.textContent = t(this.mode === "count" ? "legendCount" : "legendProgress");
    const list = L.DomUtil.create("ul", "", part);
    const show = (v) => (this.mode === "progress" ? `${formatNumber(v * 100, 1)} %` : formatNumber(v, 1));
    // Words, not ranges that share an end: "bis 9,8 %", "über 9,8 bis 12 %", "über 14,4 %".
    const labels = this.breaks.map((limit, i) =>
      i === 0 ? `${t("classUpTo")} ${show(limit)}` : `${t("classAbove")} ${show(this.breaks[i - 1])} ${t("classUpTo")} ${show(limit)}`,
    );
    if (this.breaks.length) labels.push(`${t("classAbove")} ${show(this.breaks.at(-1))}`);
    for (const [i, label] of labels.entries()) {
      const item = L.DomUtil.create("li", "", list);
      const swatch = L.DomUtil.create("span", "kw-swatch", item);
      swatch.style.background = this.colour(i);
      swatch.setAttribute("aria-hidden", "true");
      item.append(label);
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
