// A measure's page: facts with labels and city names, the water balance, a small map and
// the history, all from the API (with the browser's key, if any, so that a partner sees
// an own unpublished measure here too).
/* global L */

import { request } from "../map/api.js";
import { factList } from "../map/facts.js";
import { changesText } from "../map/changes.js";
import {
  currentLang,
  formatArea,
  formatDay,
  formatNumber,
  message,
  noEffectReason,
  setLang,
  t,
  term,
  typeLabel,
} from "../map/i18n.js";

const app = document.getElementById("kw-item-app");

function facts(rows) {
  return factList(rows, "facts");
}

function heading(level, text) {
  const h = document.createElement(`h${level}`);
  h.textContent = text;
  return h;
}

const volume = (value) => (value == null ? null : `${formatNumber(value, 1)} m³${t("perYear")}`);

async function main() {
  const id = app.dataset.measure;
  setLang(app.dataset.lang);
  let feature;
  try {
    feature = (await request(`/collections/measures/items/${encodeURIComponent(id)}`)).data;
  } catch {
    return; // not visible to this browser either: the page's "not found" text stays
  }
  const [catalogue, cities, history] = await Promise.all([
    request("/measure-types").then((r) => r.data),
    request("/collections/municipalities/items?limit=100").then((r) => r.data),
    request(`/collections/measures/items/${encodeURIComponent(id)}/history`)
      .then((r) => r.data.versions)
      .catch(() => []),
  ]);
  const p = feature.properties;
  const type = catalogue.types.find((candidate) => candidate.id === p.type);
  const city = cities.features.find((f) => f.properties.ags === p.municipality)?.properties.name;

  if (app.dataset.missing) {
    document.querySelector("main h1").textContent = p.title;
    document.getElementById("kw-not-found-detail")?.parentElement
      .querySelectorAll("p")
      .forEach((paragraph) => paragraph.remove());
    document.title = `${p.title} – Klima.Werk`;
  }

  // A region, not an image: the map holds zoom buttons (axe: nested-interactive).
  const mapBox = document.createElement("section");
  mapBox.className = "small-map";
  mapBox.setAttribute("aria-label", `${t("map")}: ${p.title}`);

  const water = type?.water_balance;
  app.replaceChildren(
    facts([
      [t("type"), typeLabel(type) || p.type],
      [t("status"), term("statuses", p.status)],
      [t("reviewState"), term("reviewStates", p.review_state)],
      [t("municipalityShort"), city ?? p.municipality],
      [t("area"), formatArea(p.area_m2)],
      [t("disconnectedArea"), p.disconnected_area_m2 != null ? formatNumber(p.disconnected_area_m2) : null],
      [t("retentionVolume"), p.retention_volume_m3 != null ? formatNumber(p.retention_volume_m3) : null],
      [t("completedOn"), formatDay(p.completed_on)],
      [t("cost"), p.cost_eur != null ? formatNumber(p.cost_eur) : null],
      [t("funding"), p.funding],
      [t("partner"), p.partner],
      [t("source"), p.source],
      [t("reviewNoteShort"), p.review_note],
    ]),
    ...(p.description ? [Object.assign(document.createElement("p"), { textContent: p.description })] : []),
    mapBox,
    heading(2, t("waterBalance")),
    facts([
      [t("runoffAvoided"), volume(p.runoff_avoided_m3)],
      [t("extraEvaporation"), volume(p.extra_evaporation_m3)],
      [t("extraInfiltration"), volume(p.extra_infiltration_m3)],
      [t("waterBalanceBasis"), noEffectReason(type) ?? basisText(water, catalogue)],
    ]),
    heading(2, t("history")),
    historyList(history, { types: catalogue.types, cities: cities.features }),
    mapLink(feature),
  );

  const map = L.map(mapBox, { scrollWheelZoom: false, attributionControl: true });
  map.attributionControl.setPrefix(false);
  const shape = L.geoJSON(feature, {
    style: { color: type?.color ?? "#1b5e20", weight: 3, fillOpacity: 0.35 },
    pointToLayer: (_, latlng) => L.circleMarker(latlng, { radius: 9, color: type?.color ?? "#1b5e20" }),
  }).addTo(map);
  map.fitBounds(shape.getBounds(), { maxZoom: 17, padding: [30, 30] });
}

/**
 * The basis of the water balance in the page's language: the M 102-4 element by its
 * label and its section (the catalogue's own note is English prose for developers).
 */
function basisText(water, catalogue) {
  const elements = [...(catalogue.elements?.surfaces ?? []), ...(catalogue.elements?.systems ?? [])];
  const element = elements.find((candidate) => candidate.id === water?.element);
  if (!element) return water?.source ?? water?.note ?? catalogue.notes;
  return `${currentLang() === "en" ? element.label_en : element.label_de} · ${element.source}`;
}

function historyList(versions, known) {
  const list = document.createElement("ol");
  const locale = currentLang() === "en" ? "en-GB" : "de-DE";
  for (const version of versions) {
    const item = document.createElement("li");
    const when = new Date(version.changed_at).toLocaleString(locale, { dateStyle: "medium", timeStyle: "short" });
    const parts = [`${t("version")} ${version.version}`, when, version.partner, changesText(version.changes, known)];
    if (version.deleted_at) parts.push(message("history.deleted"));
    item.textContent = parts.filter(Boolean).join(" · ");
    list.append(item);
  }
  return list;
}

function mapLink(feature) {
  const p = document.createElement("p");
  const a = document.createElement("a");
  a.href = `/map?measure=${encodeURIComponent(feature.id)}${currentLang() === "en" ? "&lang=en" : ""}`;
  a.textContent = t("showOnMap");
  p.append(a);
  return p;
}

main();
