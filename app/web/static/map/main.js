// The Klima.Werk map: wires state, layers, filters, statistics, popups and the editor.
/* global L */

import { query, request, textLimits } from "./api.js";
import { Editor } from "./editor.js";
import { currentLang, setLang, t, term, typeLabel } from "./i18n.js";
import { basemapLayer, boundaryLayer, legendControl, measureLayer, municipalityAt, tileZooms } from "./layers.js";
import { setUpDownload } from "./download.js";
import { setUpInView } from "./in_view.js";
import { Overview } from "./overview.js";
import { showMeasure } from "./popup.js";
import { ReviewQueue } from "./review.js";
import { mountQueueSearch } from "./review_search.js";
import { searchControl } from "./search_control.js";
import { featureFilter, readState, selectsNothing, writeState } from "./state.js";
import { showStatistics } from "./stats.js";

const config = JSON.parse(document.getElementById("kw-config").textContent);
const state = readState();
const el = (id) => document.getElementById(id);

async function main() {
  setLang(state.lang);
  const catalogue = (await request("/measure-types")).data;
  const types = new Map(catalogue.types.map((type) => [type.id, type]));
  Object.assign(textLimits, catalogue.text_limits);
  for (const [name, max] of Object.entries(textLimits)) {
    for (const field of document.querySelectorAll(`#kw-measure [name="${name}"]`)) field.maxLength = max;
  }

  const map = L.map("kw-map", {
    center: [state.view.lat, state.view.lon],
    zoom: state.view.z,
    minZoom: 8,
    maxZoom: 19,
    zoomControl: false,
    keyboard: true,
  });
  const zoom = L.control.zoom({ zoomInTitle: t("zoomIn"), zoomOutTitle: t("zoomOut") }).addTo(map);
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  map.attributionControl.addAttribution(config.dataAttribution);
  // Boundaries above the measures and the shading: lines stay visible over clusters.
  map.createPane("boundaries").style.zIndex = 450;
  map.createPane("measures").style.zIndex = 420;
  map.pm.setLang(state.lang);

  // Before the first view is fitted: on a phone the panel closes, and the fit must see
  // the map's full size.
  setUpPanelToggle(map);

  const basemap = basemapLayer(config);
  basemap?.addTo(map);

  const { layer: boundaries, features } = await boundaryLayer();
  boundaries.addTo(map);
  const municipalityNames = new Map(features.map((f) => [f.properties.ags, f.properties.name]));
  const zooms = await tileZooms();
  const overview = new Overview(map, features, boundaries, zooms.measures);

  const boundaryOf = (ags) => boundaries.getLayers().find((b) => b.feature.properties.ags === ags);
  const fitTo = (ags) => {
    map.fitBounds((boundaryOf(ags) ?? boundaries).getBounds(), { padding: [10, 10], animate: false });
    // The address says what the map shows from the first view on: a link of it
    // reproduces exactly this view, not the default the map started with.
    const centre = map.getCenter();
    state.view = { z: map.getZoom(), lat: centre.lat, lon: centre.lng };
  };
  if (!state.hasView) {
    // Without a view in the link: the chosen municipality, else the whole region. Set
    // before the measures come, so that no tiles of the default view are fetched.
    fitTo(state.municipality);
  }

  const measures = measureLayer(types, state, zooms);
  if (!selectsNothing(state)) measures.addTo(map);
  const legend = legendControl(types).addTo(map);
  overview.renderLegend(legend.getContainer());

  let layerControl = null;
  const addLayerControl = () => {
    layerControl?.remove();
    const overlays = { [t("boundaries")]: boundaries, [t("measures")]: measures };
    const bases = basemap ? { [t("basemap")]: basemap } : {};
    layerControl = L.control.layers(bases, overlays, { collapsed: true }).addTo(map);
    // Leaflet names its toggle "Layers" in English only.
    const toggle = layerControl.getContainer().querySelector(".leaflet-control-layers-toggle");
    toggle.title = t("layers");
    toggle.setAttribute("aria-label", t("layers"));
  };
  addLayerControl();
  L.control.scale({ imperial: false }).addTo(map);

  let editor;
  const popupContext = {
    types,
    municipalityNames,
    actions: {
      edit: (id) => editor.edit(id),
      remove: (id) => editor.remove(id),
      review: (id, reviewState, note) => editor.review(id, reviewState, note),
    },
  };
  let measureClick = null;
  const openMeasure = (latlng, props) => {
    const popup = L.popup({ maxWidth: 320, autoPanPadding: [20, 20] }).setLatLng(latlng).openOn(map);
    popup.measureId = props.id;
    state.measure = props.id;
    writeState(state);
    showMeasure(popup, props, popupContext);
  };
  measures.on("click", (event) => {
    measureClick = event.originalEvent;
    const props = event.layer.properties;
    if (props.count !== undefined) {
      // A cluster: zoom towards it until single measures show (the tiles' measure zoom).
      map.setView(event.latlng, Math.min(map.getZoom() + 2, overview.fromZoom));
      return;
    }
    openMeasure(event.latlng, props);
  });
  map.on("popupclose", (event) => {
    if (event.popup.measureId && state.measure === event.popup.measureId) {
      state.measure = "";
      writeState(state);
    }
  });
  /** Opens a measure by id (from the link, the review queue or a list), moving to it. */
  const goToMeasure = async (id, { move = true } = {}) => {
    const { data } = await request(`/collections/measures/items/${encodeURIComponent(id)}`);
    const shape = L.geoJSON(data);
    const bounds = shape.getBounds();
    if (move) map.fitBounds(bounds, { maxZoom: 17, padding: [60, 60], animate: false });
    openMeasure(bounds.getCenter(), { id: data.id, ...data.properties });
  };

  // The table shows the map's selection, its search included.
  const showTableLink = () => {
    const params = { ...featureFilter(state), q: state.q, f: "html" };
    el("kw-table-link").href = `/collections/measures/items${query(params)}`;
  };
  const search = searchControl(map, state, {
    describe: (m) => [typeLabel(types.get(m.type)), municipalityNames.get(m.municipality)].join(" · "),
    goToMeasure,
    changed: () => {
      writeState(state);
      showTableLink();
    },
  });

  // A click beside every measure selects the municipality there for the statistics.
  // Listened for on the DOM: Leaflet's map "click" does not fire over canvas tiles.
  const container = map.getContainer();
  let pressedAt = null;
  container.addEventListener("pointerdown", (event) => {
    pressedAt = [event.clientX, event.clientY];
  });
  container.addEventListener("click", async (event) => {
    const moved = !pressedAt || Math.hypot(event.clientX - pressedAt[0], event.clientY - pressedAt[1]) > 4;
    const onMap = event.target.closest(".leaflet-map-pane") && !event.target.closest(".leaflet-popup");
    if (moved || !onMap || event === measureClick || container.classList.contains("kw-drawing")) return;
    const ags = await municipalityAt(map.mouseEventToLatLng(event));
    if (ags) select(ags);
  });

  const statsBox = el("kw-stats");
  const refreshStatistics = () => showStatistics(statsBox, state, types, municipalityNames);
  const download = setUpDownload(map, state);
  // Declared before use by `apply`; `goToMeasure` is ready by the first move.
  const inView = setUpInView(map, state, types, (id) => goToMeasure(id));

  function apply({ fresh = false } = {}) {
    writeState(state);
    download.update();
    inView.update();
    showTableLink();
    el("kw-city-link").hidden = !state.municipality;
    el("kw-city-page").href = `/kommunen/${state.municipality}${state.lang === "en" ? "?lang=en" : ""}`;
    if (selectsNothing(state)) {
      measures.remove();
    } else {
      measures.refresh(state, fresh);
      if (!map.hasLayer(measures)) measures.addTo(map);
    }
    boundaries.setStyle((feature) => ({
      weight: feature.properties.ags === state.municipality ? 4 : 2,
      color: feature.properties.ags === state.municipality ? "#0d47a1" : "#1b5e20",
    }));
    refreshStatistics();
    overview.refresh(state, state.shade);
    overview.declutter(state.municipality);
  }

  function select(ags) {
    if (state.municipality === ags) return;
    state.municipality = ags;
    el("kw-f-municipality").value = state.municipality;
    apply();
  }

  const filters = setUpFilters(types, municipalityNames, catalogue.statuses, apply, (ags) => {
    // Choosing a municipality shows it (the whole region for "ganze Region").
    fitTo(ags);
  });
  const reviewQueue = new ReviewQueue({
    municipalityNames,
    types,
    show: (id) => goToMeasure(id),
    review: (id, reviewState, note, options) => editor.review(id, reviewState, note, options),
    // After publishing several at once: one reload of the map, the queue and the lists.
    done: (text) => editor.reviewed(text),
  });
  const queueSearch = mountQueueSearch(reviewQueue, el("kw-review-section"));
  editor = new Editor(map, { types, statuses: catalogue.statuses }, ({ stored }) => {
    apply({ fresh: true });
    if (stored) map.closePopup();
    reviewQueue.load(editor.me);
    editor.loadOwn();
  }, boundaries.getBounds());
  editor.show = (id) => goToMeasure(id);
  editor.municipalityNames = municipalityNames;

  // Back/forward and edited links change only the hash: follow them.
  window.addEventListener("hashchange", () => {
    const { view } = readState();
    map.setView([view.lat, view.lon], view.z);
  });

  map.on("moveend", () => {
    const centre = map.getCenter();
    state.view = { z: map.getZoom(), lat: centre.lat, lon: centre.lng };
    writeState(state);
    download.update();
  });

  el("kw-lang").addEventListener("click", () => {
    state.lang = currentLang() === "de" ? "en" : "de";
    setLang(state.lang);
    map.pm.setLang(state.lang);
    el("kw-lang").textContent = state.lang === "de" ? "EN" : "DE";
    filters.relabel();
    legend.render();
    overview.renderLegend(legend.getContainer());
    zoom.remove();
    map.addControl(L.control.zoom({ zoomInTitle: t("zoomIn"), zoomOutTitle: t("zoomOut") }));
    download.update();
    reviewQueue.render({ relabel: true });
    addLayerControl();
    editor.relabel();
    search.relabel();
    queueSearch.relabel();
    // The tiles carry no language: only the address and the statistics panel change.
    writeState(state);
    refreshStatistics();
  });
  el("kw-lang").textContent = state.lang === "de" ? "EN" : "DE";
  el("kw-data-attribution").innerHTML = config.dataAttribution;

  apply();
  await editor.resume();
  if (state.measure) {
    // A link with a measure opens it where the link's view shows it.
    await goToMeasure(state.measure, { move: !state.hasView }).catch(() => {
      state.measure = "";
      writeState(state);
    });
  }
  // Tests and scripts look at the map through this handle; it is not an API.
  window.klimawerk = {
    map,
    state,
    // The shape being drawn or edited, as it would be sent (GeoJSON), or null.
    editedGeometry: () => (editor.drawn ? editor.feature().geometry : null),
    // The measures on the loaded tiles (the canvas has no elements to look at).
    drawnMeasures: () =>
      Object.values(measures._vectorTiles).flatMap((tile) =>
        Object.values(tile._layers ?? {})
          .map((symbol) => symbol.properties)
          .filter((props) => props?.id),
      ),
    // Every shape on the loaded tiles, clusters included.
    drawnShapes: () =>
      Object.values(measures._vectorTiles).reduce(
        (n, tile) => n + Object.keys(tile._layers ?? {}).length,
        0,
      ),
  };
  document.body.dataset.ready = "true";
}

function setUpFilters(types, municipalityNames, statuses, apply, zoomTo) {
  const municipality = el("kw-f-municipality");
  const status = el("kw-f-status");
  const shade = el("kw-f-shade");
  shade.value = state.shade;
  shade.addEventListener("change", () => {
    state.shade = shade.value;
    apply();
  });
  const yearFrom = el("kw-f-year-from");
  const yearTo = el("kw-f-year-to");
  const typeBox = el("kw-f-types");

  const relabel = () => {
    municipality.replaceChildren(
      new Option(t("wholeRegion"), ""),
      ...[...municipalityNames]
        .sort((a, b) => a[1].localeCompare(b[1], "de"))
        .map(([ags, name]) => new Option(name, ags)),
    );
    municipality.value = state.municipality;
    // Several statuses at once (the API takes a list); none chosen is every status.
    const chosen = new Set(state.status.split(",").filter(Boolean));
    status.replaceChildren(
      ...statuses.map((s) => new Option(term("statuses", s), s, false, chosen.has(s))),
    );
    yearFrom.placeholder = t("yearFromPlaceholder");
    yearTo.placeholder = t("yearToPlaceholder");
    typeBox.replaceChildren(
      ...[...types.values()].map((type) => {
        const label = document.createElement("label");
        label.className = "kw-type";
        const box = document.createElement("input");
        box.type = "checkbox";
        box.value = type.id;
        box.checked = state.types === null || state.types.includes(type.id);
        const swatch = document.createElement("span");
        swatch.className = "kw-swatch";
        swatch.style.background = type.color;
        swatch.setAttribute("aria-hidden", "true");
        label.append(box, swatch, typeLabel(type));
        return label;
      }),
    );
  };
  relabel();
  yearFrom.value = state.yearFrom ?? "";
  yearTo.value = state.yearTo ?? "";
  // Enter in a field submits the form: the filters apply in place, the page never reloads.
  el("kw-filter").addEventListener("submit", (event) => {
    event.preventDefault();
    readYears();
    apply();
  });

  const readTypes = () => {
    const boxes = [...typeBox.querySelectorAll("input")];
    const chosen = boxes.filter((b) => b.checked).map((b) => b.value);
    state.types = chosen.length === boxes.length ? null : chosen;
  };
  municipality.addEventListener("change", () => {
    state.municipality = municipality.value;
    zoomTo(state.municipality);
    apply();
  });
  status.addEventListener("change", () => {
    state.status = [...status.selectedOptions].map((option) => option.value).join(",");
    apply();
  });
  function readYears() {
    const value = (input) => {
      const year = Number.parseInt(input.value, 10);
      return Number.isFinite(year) && year >= 1900 && year <= 2100 ? year : null;
    };
    state.yearFrom = value(yearFrom);
    state.yearTo = value(yearTo);
  }
  for (const input of [yearFrom, yearTo]) {
    input.addEventListener("change", () => {
      readYears();
      apply();
    });
  }
  typeBox.addEventListener("change", () => {
    readTypes();
    apply();
  });
  const setAll = (checked) => {
    typeBox.querySelectorAll("input").forEach((b) => (b.checked = checked));
    readTypes();
    apply();
  };
  el("kw-types-all").addEventListener("click", () => setAll(true));
  el("kw-types-none").addEventListener("click", () => setAll(false));
  el("kw-filter").addEventListener("reset", (event) => {
    event.preventDefault();
    Object.assign(state, { municipality: "", status: "", yearFrom: null, yearTo: null, types: null });
    relabel();
    yearFrom.value = "";
    yearTo.value = "";
    apply();
  });
  return { relabel };
}

function setUpPanelToggle(map) {
  const toggle = el("kw-panel-toggle");
  const panel = el("kw-panel");
  const narrow = window.matchMedia("(max-width: 799px)");
  const show = (open) => {
    panel.classList.toggle("kw-collapsed", !open);
    toggle.setAttribute("aria-expanded", String(open));
    map.invalidateSize();
  };
  show(!narrow.matches);
  toggle.addEventListener("click", () => show(toggle.getAttribute("aria-expanded") !== "true"));
}

main().catch((error) => {
  const box = document.createElement("p");
  box.className = "kw-fatal";
  box.setAttribute("role", "alert");
  box.textContent = `${t("requestFailed")}: ${error.message}`;
  document.body.prepend(box);
  throw error;
});
