// The map's layers: base map, municipality boundaries, measures as vector tiles, legend.
/* global L */

import { authHeaders, fetchRetrying, query, request } from "./api.js";
import { featureFilter } from "./state.js";
import { t, term, typeLabel } from "./i18n.js";

const TILE_PATH = "/collections/measures/tiles/WebMercatorQuad/{z}/{x}/{y}";
const TILEJSON = "/collections/measures/tiles/WebMercatorQuad/tilejson.json";
const FALLBACK_COLOUR = "#757575";
// VectorGrid 1.3's canvas renderer calls L.DomEvent.fakeStop, which Leaflet 1.8 removed;
// Leaflet's own canvas renderer no longer stops such clicks either, so a no-op matches it.
if (!L.DomEvent.fakeStop) L.DomEvent.fakeStop = () => {};

/** The configured base map, or null when none is set (the map works without it). */
export function basemapLayer(config) {
  if (!config.basemapUrl) return null;
  return L.tileLayer(config.basemapUrl, {
    maxZoom: 19,
    attribution: config.basemapAttribution,
    crossOrigin: true,
  });
}

/** The municipality containing a point (PostGIS decides), or null outside the region. */
export async function municipalityAt(latlng) {
  const bbox = [latlng.lng, latlng.lat, latlng.lng, latlng.lat].join(",");
  const { data } = await request(`/collections/municipalities/items?limit=1&bbox=${bbox}`);
  return data.features[0]?.properties.ags ?? null;
}

/** Loads the 17 municipality boundaries with permanent name labels. */
export async function boundaryLayer() {
  const { data } = await request("/collections/municipalities/items?limit=100");
  const layer = L.geoJSON(data, {
    pane: "boundaries",
    // Not interactive: the measure tiles lie above; a click on the map selects by asking
    // the API which municipality contains the point.
    interactive: false,
    style: () => ({ color: "#1b5e20", weight: 2, fill: false, className: "kw-boundary" }),
    onEachFeature: (feature, boundary) => {
      boundary.bindTooltip(feature.properties.name, {
        permanent: true,
        direction: "center",
        className: "kw-boundary-label",
      });
    },
  });
  return { layer, features: data.features };
}

/** The radius of a cluster circle: its count must fit, and it grows with the count. */
export function clusterRadius(count) {
  return Math.min(22, 10 + 3 * Math.log10(Math.max(count, 1)));
}

// The status in the symbol: the fill grows as a measure is built (planned: hollow,
// in progress: half, completed: full); cancelled ones are grey. The legend explains it.
export const STATUS_FILL = { planned: 0.08, in_progress: 0.4, completed: 0.8, cancelled: 0.15 };
const CANCELLED_GREY = "#9e9e9e";

function styleOf(types) {
  const colour = (type) => types.get(type)?.color ?? FALLBACK_COLOUR;
  return {
    // Areas keep a dark outline (visible on any fill); small ones come as points from the
    // tiles and get the same symbol size as point measures. Not yet published (only a
    // key's holder sees these): dashed; rejected: faint.
    measures: (props, zoom) => {
      const fill = props.status === "cancelled" ? CANCELLED_GREY : colour(props.type);
      const hollow = props.status === "planned";
      return {
        // A hollow symbol shows its type by a coloured outline.
        color: hollow ? fill : props.review_state === "published" ? "#263238" : fill,
        fillColor: fill,
        weight: hollow || props.review_state !== "published" ? 3 : 1.5,
        dashArray: props.review_state === "published" ? null : "5 4",
        opacity: props.review_state === "rejected" ? 0.4 : 0.9,
        fill: true,
        fillOpacity: props.review_state === "rejected" ? 0.15 : (STATUS_FILL[props.status] ?? 0.75),
        radius: zoom >= 16 ? 6 : zoom >= 14 ? 5 : 4,
      };
    },
    // Clusters below the measure zoom: one circle per occupied cell with its count on it.
    clusters: (props) => ({
      color: "#ffffff",
      weight: 1.5,
      fillColor: "#1b5e20",
      fill: true,
      fillOpacity: 0.85,
      radius: clusterRadius(props.count || 1),
    }),
  };
}

/** The UUID of a tile's compact id (22 characters of base64url of its 16 bytes). */
export function uuidOf(short) {
  if (!short || short.length !== 22) return short;
  const bytes = atob(short.replaceAll("-", "+").replaceAll("_", "/") + "==");
  const hex = [...bytes].map((c) => c.charCodeAt(0).toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Draws a cluster's count on its circle (VectorGrid draws circles only). */
function withCount(symbol) {
  const drawCircle = symbol._updatePath;
  symbol._updatePath = function () {
    drawCircle.call(this);
    const ctx = this._renderer?._ctx;
    if (!ctx || this._empty()) return;
    const count = this.properties.count;
    ctx.save();
    ctx.fillStyle = "#ffffff";
    ctx.font = `bold ${count >= 1000 ? 10 : 11}px system-ui, sans-serif`;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillText(count >= 10000 ? `${Math.round(count / 1000)}k` : String(count), this._point.x, this._point.y);
    ctx.restore();
  };
  symbol._updatePath();
}

/**
 * The zooms of the measure tiles as the API's TileJSON states them: `measures`, from
 * which tiles carry single measures (below it, clusters), and `max`, the deepest tile.
 */
export async function tileZooms() {
  const { data } = await request(TILEJSON);
  const measures = data.vector_layers.find((layer) => layer.id === "measures");
  return { measures: measures.minzoom, max: data.maxzoom };
}

/**
 * VectorGrid's protobuf layer, whose tiles wait and ask again when the server answers 429
 * or 503 (Retry-After), where VectorGrid would draw an empty tile. VectorGrid fetches with
 * the global fetch() inside `_getVectorTilePromise`, synchronously: for the span of that
 * call, fetch is the retrying one; nothing else runs in between.
 */
const RetryingProtobuf = L.VectorGrid.Protobuf.extend({
  _getVectorTilePromise(coords, tileBounds) {
    const plain = window.fetch;
    window.fetch = (url, init) => fetchRetrying(url, init, plain);
    try {
      return L.VectorGrid.Protobuf.prototype._getVectorTilePromise.call(this, coords, tileBounds);
    } finally {
      window.fetch = plain;
    }
  },
});

/**
 * Measures as Mapbox vector tiles from the API, filtered with the items filters.
 * `fresh()` makes later tile requests revalidate (after a write, or with a key, whose
 * private tiles share their URLs with the public ones).
 */
export function measureLayer(types, state, zooms) {
  const layer = new RetryingProtobuf(tileUrl(state), {
    pane: "measures",
    // Canvas, not SVG: a zoom-13 view can hold 25,000 measures, which as SVG elements
    // made panning stutter (frames of 280 ms against 67 ms on canvas, 200,000 measures).
    rendererFactory: L.canvas.tile,
    interactive: true,
    maxNativeZoom: zooms.max,
    maxZoom: zooms.max,
    // Also makes VectorGrid keep each tile's renderer, where locatePoints finds them.
    getFeatureId: (feature) => feature.properties.id,
    vectorTileLayerStyles: styleOf(types),
    fetchOptions: fetchOptions(false),
  });
  layer.on("tileload", ({ coords }) => locatePoints(layer, coords));
  layer.refresh = (nextState, fresh = false) => {
    layer.options.fetchOptions = fetchOptions(fresh);
    layer.setUrl(tileUrl(nextState), false);
  };
  return layer;
}

/**
 * Gives the point symbols of a loaded tile their position. VectorGrid knows a point only
 * in tile pixels; Leaflet treats a circle of radius <= 10 as a marker and asks it for its
 * latlng on a click, which failed ("reading 'lat'") and left point measures unopenable.
 */
function locatePoints(layer, coords) {
  const renderer = layer._vectorTiles[layer._tileCoordsToKey(coords)];
  if (!renderer || !layer._map) return;
  const origin = coords.scaleBy(layer.getTileSize());
  for (const symbol of Object.values(renderer._layers ?? {})) {
    if (symbol._point && !symbol._latlng) {
      symbol._latlng = layer._map.unproject(origin.add(symbol._point), coords.z);
    }
    if (symbol.properties?.count !== undefined) withCount(symbol);
    else if (symbol.properties?.id) symbol.properties.id = uuidOf(symbol.properties.id);
  }
}

function fetchOptions(fresh) {
  const headers = authHeaders();
  const revalidate = fresh || "Authorization" in headers;
  return { headers, cache: revalidate ? "no-cache" : "default" };
}

function tileUrl(state) {
  return `${TILE_PATH}${query(featureFilter(state))}`;
}

/** A legend control: one swatch per type in the current language, and the cluster hint. */
export function legendControl(types) {
  const control = L.control({ position: "bottomright" });
  control.onAdd = () => {
    const box = L.DomUtil.create("details", "kw-legend leaflet-bar");
    // Open on a first visit at desktop width, to explain the symbols; closed on phones
    // (it would cover the map) and once the visitor has closed it.
    const seen = "klimawerk.legendSeen";
    box.open = window.matchMedia("(min-width: 800px)").matches && !localStorage.getItem(seen);
    box.addEventListener("toggle", () => {
      if (!box.open) localStorage.setItem(seen, "1");
    });
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    control.render = () => {
      box.replaceChildren();
      const summary = L.DomUtil.create("summary", "", box);
      summary.textContent = t("legend");
      const list = L.DomUtil.create("ul", "", box);
      for (const type of types.values()) {
        const item = L.DomUtil.create("li", "", list);
        const swatch = L.DomUtil.create("span", "kw-swatch", item);
        swatch.style.background = type.color;
        swatch.setAttribute("aria-hidden", "true");
        item.append(typeLabel(type));
      }
      const statusList = L.DomUtil.create("ul", "kw-legend-status", box);
      for (const [status, opacity] of Object.entries(STATUS_FILL)) {
        const item = L.DomUtil.create("li", "", statusList);
        const swatch = L.DomUtil.create("span", `kw-swatch kw-swatch-${status}`, item);
        swatch.setAttribute("aria-hidden", "true");
        swatch.dataset.opacity = String(opacity);
        item.append(term("statuses", status));
      }
      const unpublished = L.DomUtil.create("li", "", statusList);
      L.DomUtil.create("span", "kw-swatch kw-swatch-unpublished", unpublished).setAttribute("aria-hidden", "true");
      unpublished.append(t("legendUnpublished"));
      const hint = L.DomUtil.create("p", "kw-hint", box);
      hint.textContent = t("clusterHint");
    };
    control.render();
    return box;
  };
  return control;
}
