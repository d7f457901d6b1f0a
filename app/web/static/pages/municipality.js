// A municipality's page: progress to both targets, the cumulative path, breakdowns by type
// and status (Chart.js, served by the app), the latest measures and the city's map.
// Every figure comes from /statistics and the items API; the page computes no rule.
/* global L, Chart */

import { query, request } from "../map/api.js";
import { formatArea, formatNumber, setLang, t, term, typeLabel } from "../map/i18n.js";
import { measureLayer, tileZooms } from "../map/layers.js";

const root = document.getElementById("kw-city");
const { ags, lang } = root.dataset;
const el = (id) => document.getElementById(id);
const GREEN = "#2e7d32";

function text(tag, content, className) {
  const node = document.createElement(tag);
  node.textContent = content;
  if (className) node.className = className;
  return node;
}

function progressRow(label, value, max, caption) {
  const row = document.createElement("div");
  row.className = "progress-row";
  const id = `kw-progress-${row.ownerDocument.querySelectorAll(".progress-row").length}`;
  const name = text("label", label);
  name.htmlFor = id;
  const bar = document.createElement("progress");
  bar.id = id;
  bar.max = max;
  bar.value = Math.min(value, max);
  row.append(name, bar, text("p", caption, "meta"));
  return row;
}

function showProgress(targets) {
  const box = el("kw-progress");
  if (!targets?.disconnection) {
    box.replaceChildren(text("p", t("noBaseline")));
    return;
  }
  const baseline = targets.baselines?.find((b) => b.ags === ags) ?? targets.by_municipality?.find((b) => b.ags === ags);
  const d = targets.disconnection;
  const e = targets.evaporation;
  const share = (d.share ?? 0) * 100;
  const sealed = targets.sealed_area_m2 ?? baseline?.sealed_area_m2;
  const rows = [
    progressRow(
      t("target25", { n: formatNumber(d.target_share * 100) }),
      share,
      d.target_share * 100,
      `${formatNumber(share, 1)} % ${t("ofSealed")} (${formatArea(d.achieved_m2 ?? d.disconnected_completed_m2)})` +
        (d.remaining_m2 != null ? ` · ${t("stillMissing")}: ${formatArea(d.remaining_m2)}` : ""),
    ),
  ];
  if (e) {
    rows.push(
      progressRow(
        t("target10", { n: formatNumber(e.target_pp) }),
        e.change_pp ?? 0,
        e.target_pp,
        `+${formatNumber(e.change_pp ?? 0, 2)} ${t("percentPoints")}` +
          (e.missing_m3 != null ? ` · ${t("stillMissing")}: ${formatNumber(e.missing_m3)} m³${t("perYear")}` : ""),
      ),
    );
  }
  const basis = [
    `${t("baseline")}: ${formatArea(sealed)} ${t("sealedArea")}`,
    baseline?.sealed_year ? `(${baseline.sealed_year})` : "",
    baseline?.sealed_source ? `– ${t("sourceLabel")}: ${baseline.sealed_source}` : "",
  ].join(" ");
  rows.push(text("p", basis, "meta"), text("p", t("completedOnly"), "meta"));
  if (baseline?.is_demo) rows.push(text("p", t("demoBaseline"), "meta"));
  box.replaceChildren(...rows);
}

function table(caption, header, rows) {
  const node = document.createElement("table");
  node.append(text("caption", caption));
  const head = node.createTHead().insertRow();
  for (const [i, name] of header.entries()) {
    const th = text("th", name, i ? "num" : "");
    th.scope = "col";
    head.append(th);
  }
  const body = node.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    for (const [i, value] of row.entries()) tr.append(text("td", value, i ? "num" : ""));
  }
  return node;
}

function chart(id, type, labels, values, label, options = {}) {
  const canvas = el(id);
  canvas.setAttribute("aria-label", `${label}: ${labels.map((l, i) => `${l} ${formatNumber(values[i])}`).join(", ")}`);
  el(`${id}-caption`).textContent = label;
  return new Chart(canvas, {
    type,
    data: { labels, datasets: [{ label, data: values, backgroundColor: options.colours ?? GREEN, borderColor: GREEN, fill: false }] },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      indexAxis: options.horizontal ? "y" : "x",
      plugins: { legend: { display: false } },
      locale: lang === "en" ? "en-GB" : "de-DE",
    },
  });
}

async function main() {
  setLang(lang);
  const [{ data: stats }, { data: catalogue }, { data: latest }] = await Promise.all([
    request(`/statistics${query({ municipality: ags })}`),
    request("/measure-types"),
    request(`/collections/measures/items${query({ municipality: ags, sortby: "-updated_at", limit: 10 })}`),
  ]);
  const types = new Map(catalogue.types.map((type) => [type.id, type]));
  showProgress(stats.targets);

  // The path by completion year: the statistics' cumulative path where it is given,
  // otherwise the completed measures' disconnected area by completion year, summed up.
  const path = stats.targets?.path ?? stats.targets?.by_municipality?.[0]?.path;
  let years;
  let cumulative;
  if (path?.length) {
    years = path.map((p) => String(p.year));
    cumulative = path.map((p) => p.cumulative_disconnected_m2);
  } else {
    let sum = 0;
    const byYear = [...(stats.by_year ?? [])].filter((y) => y.year).sort((a, b) => a.year - b.year);
    years = byYear.map((y) => String(y.year));
    cumulative = byYear.map((y) => (sum += y.disconnected_area_m2 ?? 0));
  }
  chart("kw-chart-path", "line", years, cumulative, t("pathChart"));
  const byType = [...stats.by_type].sort((a, b) => b.count - a.count);
  chart(
    "kw-chart-types",
    "bar",
    byType.map((row) => typeLabel(types.get(row.type)) || row.type),
    byType.map((row) => row.count),
    t("typesChart"),
    { horizontal: true, colours: byType.map((row) => types.get(row.type)?.color ?? GREEN) },
  );
  chart(
    "kw-chart-status",
    "bar",
    stats.by_status.map((row) => term("statuses", row.status)),
    stats.by_status.map((row) => row.count),
    t("statusChart"),
  );
  el("kw-tables").replaceChildren(
    table(t("typesChart"), [t("type"), t("count"), t("disconnected")],
      byType.map((row) => [typeLabel(types.get(row.type)) || row.type, formatNumber(row.count), formatArea(row.disconnected_area_m2)])),
    table(t("statusChart"), [t("status"), t("count"), t("disconnected")],
      stats.by_status.map((row) => [term("statuses", row.status), formatNumber(row.count), formatArea(row.disconnected_area_m2)])),
  );

  el("kw-latest").replaceChildren(
    ...latest.features.map((feature) => {
      const item = document.createElement("li");
      const link = text("a", feature.properties.title);
      link.href = `/collections/measures/items/${encodeURIComponent(feature.id)}?f=html${lang === "en" ? "&lang=en" : ""}`;
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
  el("kw-progress").replaceChildren(text("p", `${t("requestFailed")}: ${error.message}`));
  throw error;
});
