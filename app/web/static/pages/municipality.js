// A municipality's report: the server writes the figures and the tables behind every
// chart; this script draws the charts from the same document (`?f=json`), lists the
// latest measures and shows the city's map. It computes no rule of its own.
/* global L, Chart */

import { query, request } from "../map/api.js";
import { formatNumber, setLang, t, term, typeLabel } from "../map/i18n.js";
import { measureLayer, tileZooms } from "../map/layers.js";

const root = document.getElementById("kw-city");
const { ags, lang } = root.dataset;
const el = (id) => document.getElementById(id);
const GREEN = "#2e7d32";
const TARGET = "#c62828";
const english = lang === "en";

function text(tag, content) {
  const node = document.createElement(tag);
  node.textContent = content;
  return node;
}

/** A line chart of a cumulative series with its target as a dashed line. */
function pathChart(id, labels, values, target, label, targetLabel, unit) {
  const canvas = el(id);
  if (!canvas) return;
  canvas.setAttribute("aria-label", `${label}; ${targetLabel}`);
  new Chart(canvas, {
    type: "line",
    data: {
      labels,
      datasets: [
        { label, data: values, borderColor: GREEN, backgroundColor: GREEN, fill: false, tension: 0 },
        {
          label: targetLabel,
          data: labels.map(() => target),
          borderColor: TARGET,
          borderDash: [6, 4],
          pointRadius: 0,
          fill: false,
        },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      locale: english ? "en-GB" : "de-DE",
      scales: { y: { beginAtZero: true, title: { display: true, text: unit } } },
      plugins: { legend: { position: "bottom" } },
    },
  });
}

function typesChart(doc, types) {
  const canvas = el("kw-chart-types");
  if (!canvas) return;
  const rows = doc.by_type.filter((row) => row.completed_ha > 0);
  canvas.setAttribute(
    "aria-label",
    english ? "Achieved disconnected area by type (table below)" : "Umgesetzte abgekoppelte Fläche nach Art (Tabelle darunter)",
  );
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: rows.map((row) => typeLabel(types.get(row.type)) || row.label_de),
      datasets: [
        {
          label: english ? "Achieved (ha disconnected)" : "Umgesetzt (ha abgekoppelt)",
          data: rows.map((row) => row.completed_ha),
          backgroundColor: rows.map((row) => types.get(row.type)?.color ?? GREEN),
        },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      indexAxis: "y",
      locale: english ? "en-GB" : "de-DE",
      plugins: { legend: { display: false } },
      scales: { x: { title: { display: true, text: "ha" } } },
    },
  });
}

function charts(doc, types) {
  if (!doc?.targets) return;
  const labels = doc.path.map((row) => (row.year ? String(row.year) : english ? "no date" : "ohne Datum"));
  const d = doc.targets.disconnection;
  pathChart(
    "kw-chart-path",
    labels,
    doc.path.map((row) => row.cumulative_ha),
    d.target_ha,
    english ? "Disconnected, cumulative (ha)" : "Abgekoppelt, aufsummiert (ha)",
    `${english ? "Target" : "Ziel"} 25 % = ${formatNumber(d.target_ha)} ha`,
    "ha",
  );
  pathChart(
    "kw-chart-evaporation",
    labels,
    doc.path.map((row) => row.change_pp),
    doc.targets.evaporation.target_pp,
    english ? "Extra evaporation, cumulative (pp)" : "Mehr Verdunstung, aufsummiert (Prozentpunkte)",
    english ? "Target +10 pp" : "Ziel +10 Prozentpunkte",
    english ? "percentage points" : "Prozentpunkte",
  );
  typesChart(doc, types);
}

async function main() {
  setLang(lang);
  const [{ data: doc }, { data: catalogue }, { data: latest }] = await Promise.all([
    request(`/kommunen/${ags}${query({ f: "json" })}`),
    request("/measure-types"),
    request(`/collections/measures/items${query({ municipality: ags, sortby: "-updated_at", limit: 10 })}`),
  ]);
  const types = new Map(catalogue.types.map((type) => [type.id, type]));
  charts(doc, types);

  el("kw-latest").replaceChildren(
    ...latest.features.map((feature) => {
      const item = document.createElement("li");
      const link = text("a", feature.properties.title);
      link.href = `/collections/measures/items/${encodeURIComponent(feature.id)}?f=html${english ? "&lang=en" : ""}`;
      item.append(link, ` – ${typeLabel(types.get(feature.properties.type))}, ${term("statuses", feature.properties.status)}`);
      return item;
    }),
  );

  const { data: boundary } = await request(`/collections/municipalities/items/${ags}`);
  const map = L.map("kw-city-map", { scrollWheelZoom: false });
  map.attributionControl.setPrefix(false);
  map.createPane("measures").style.zIndex = 420; // the pane the measure layer draws in
  const outline = L.geoJSON(boundary, { style: { color: "#1b5e20", weight: 3, fill: false } }).addTo(map);
  map.fitBounds(outline.getBounds(), { animate: false });
  const filters = { municipality: ags, types: null, status: "", yearFrom: null, yearTo: null };
  measureLayer(types, filters, await tileZooms()).addTo(map);
  root.dataset.ready = "true";
}

main().catch((error) => {
  root.prepend(text("p", `${t("requestFailed")}: ${error.message}`));
  throw error;
});
