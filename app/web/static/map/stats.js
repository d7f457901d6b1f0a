// The statistics panel: figures for the selected municipality (or the region) from
// /statistics, with the same filters as the map, and progress towards both targets.

import { query, request } from "./api.js";
import { formatArea, formatNumber, t, typeLabel } from "./i18n.js";
import { selectsNothing, statisticsFilter } from "./state.js";

let pending = null;

/** Loads and shows the statistics of the state; an older request still running is dropped. */
export async function showStatistics(box, state, types, municipalityNames) {
  pending?.abort();
  const controller = new AbortController();
  pending = controller;
  const scope = state.municipality ? municipalityNames.get(state.municipality) : t("region");
  if (selectsNothing(state)) {
    render(box, scope, null, types);
    return;
  }
  box.setAttribute("aria-busy", "true");
  try {
    const { data } = await request(`/statistics${query(statisticsFilter(state))}`, {
      signal: controller.signal,
    });
    render(box, scope, data, types);
  } catch (error) {
    if (error.name === "AbortError") return;
    box.replaceChildren(paragraph(`${t("statsFailed")}: ${error.message}`, "kw-error"));
  } finally {
    if (pending === controller) box.removeAttribute("aria-busy");
  }
}

function render(box, scope, data, types) {
  const totals = data?.totals ?? { count: 0, area_m2: 0, disconnected_area_m2: 0 };
  const heading = document.createElement("h3");
  heading.textContent = scope;
  const figures = document.createElement("dl");
  figures.className = "kw-figures";
  const rows = [
    [t("measuresCount"), formatNumber(totals.count)],
    [t("totalArea"), formatArea(totals.area_m2)],
    [t("disconnected"), formatArea(totals.disconnected_area_m2)],
    [t("runoffAvoided"), `${formatNumber(totals.runoff_avoided_m3)} m³${t("perYear")}`],
    [t("extraEvaporation"), `${formatNumber(totals.extra_evaporation_m3)} m³${t("perYear")}`],
  ];
  for (const [name, value] of rows) {
    const dt = document.createElement("dt");
    dt.textContent = name;
    const dd = document.createElement("dd");
    dd.textContent = value;
    figures.append(dt, dd);
  }
  box.replaceChildren(heading, figures, ...targets(data?.targets), byType(data?.by_type ?? [], types));
}

function targets(targets) {
  if (!targets) return [];
  if (!targets.disconnection) return [paragraph(t("noBaseline"), "kw-hint kw-no-baseline")];
  const d = targets.disconnection;
  const e = targets.evaporation;
  const notes = [paragraph(t("completedOnly"), "kw-hint")];
  if (targets.baselines?.some((b) => b.is_demo)) notes.push(paragraph(t("demoBaseline"), "kw-hint kw-demo"));
  if (targets.municipalities_with_baseline < targets.municipalities) {
    notes.push(
      paragraph(
        `${t("baselinesOf")} ${targets.municipalities_with_baseline} / ${targets.municipalities}`,
        "kw-hint",
      ),
    );
  }
  return [
    // The targets are the server's (app/domain/water_balance.py), never typed here.
    progressBar(
      t("target25", { n: formatNumber(d.target_share * 100) }),
      d.share * 100,
      d.target_share * 100,
      `${formatNumber(d.share * 100, 1)} % ${t("ofSealed")}`,
    ),
    progressBar(
      t("target10", { n: formatNumber(e.target_pp) }),
      e.change_pp,
      e.target_pp,
      `+${formatNumber(e.change_pp, 2)} ${t("percentPoints")}`,
    ),
    ...notes,
  ];
}

function progressBar(label, value, target, text) {
  const wrap = document.createElement("div");
  wrap.className = "kw-progress";
  const caption = paragraph(label);
  const bar = document.createElement("progress");
  bar.max = target;
  bar.value = Math.max(0, Math.min(value, target));
  bar.setAttribute("aria-label", label);
  bar.textContent = text;
  wrap.append(caption, bar, paragraph(text, "kw-progress-value"));
  return wrap;
}

function byType(rows, types) {
  const table = document.createElement("table");
  table.className = "kw-table";
  const caption = table.createCaption();
  caption.textContent = t("byType");
  const head = table.createTHead().insertRow();
  for (const name of [t("type"), t("count"), t("area")]) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = name;
    head.append(th);
  }
  const body = table.createTBody();
  for (const row of [...rows].sort((a, b) => b.count - a.count)) {
    const tr = body.insertRow();
    const name = document.createElement("th");
    name.scope = "row";
    const swatch = document.createElement("span");
    swatch.className = "kw-swatch";
    swatch.style.background = types.get(row.type)?.color ?? "#757575";
    name.append(swatch, typeLabel(types.get(row.type)) || row.type);
    tr.append(name);
    tr.insertCell().textContent = formatNumber(row.count);
    tr.insertCell().textContent = formatArea(row.area_m2);
  }
  return table;
}

function paragraph(text, className = "") {
  const p = document.createElement("p");
  p.textContent = text;
  if (className) p.className = className;
  return p;
}
