// German is the map's language (its users are German municipalities); English on request.

const TEXTS = {
  de: {
    appTitle: "Klima.Werk · Maßnahmenkarte",
    skipToPanel: "Zum Bedienfeld springen",
    linkApi: "API",
    linkTable: "Tabelle",
    langHint: "Sprache wechseln (English)",
    panelToggle: "Bedienfeld",
    map: "Karte",
    panel: "Bedienfeld",
    filterTitle: "Filter",
    municipality: "Kommune",
    wholeRegion: "ganze Region",
    status: "Status",
    allStatuses: "alle",
    completionYear: "Fertigstellungsjahr",
    yearPlaceholder: "z. B. 2023",
    types: "Maßnahmentypen",
    selectAll: "alle",
    selectNone: "keine",
    resetFilters: "Filter zurücksetzen",
    statsTitle: "Statistik",
    partnerTitle: "Maßnahme melden",
    apiKey: "API-Schlüssel",
    keyHint: "Wird nur in dieser Sitzung im Browser gespeichert.",
    signIn: "Anmelden",
    signedInAs: "Angemeldet als",
    signOut: "Abmelden",
    type: "Typ",
    drawMeasure: "Auf der Karte zeichnen",
    title: "Titel",
    description: "Beschreibung",
    completedOn: "Fertiggestellt am",
    disconnectedArea: "Abgekoppelte Fläche (m²)",
    retentionVolume: "Rückhaltevolumen (m³)",
    cost: "Kosten (€)",
    funding: "Förderung",
    source: "Quelle",
    save: "Speichern",
    cancel: "Abbrechen",
    legend: "Legende",
    clusterHint: "Kreise zeigen die Anzahl der Maßnahmen; zum Anzeigen einzelner Maßnahmen hineinzoomen.",
    boundaries: "Kommunengrenzen",
    measures: "Maßnahmen",
    basemap: "Hintergrundkarte",
    region: "Emscher-Lippe-Region",
    count: "Anzahl",
    area: "Fläche",
    measuresCount: "Maßnahmen",
    totalArea: "Maßnahmenfläche",
    disconnected: "Abgekoppelte Fläche",
    runoffAvoided: "Vermiedener Abfluss",
    extraEvaporation: "Zusätzliche Verdunstung",
    extraInfiltration: "Zusätzliche Versickerung",
    perYear: "/a",
    target25: "Ziel: 25 % der versiegelten Fläche abkoppeln",
    target10: "Ziel: Verdunstung +10 Prozentpunkte",
    noBaseline: "Kein Ausgangswert (versiegelte Fläche) hinterlegt – Fortschritt nicht berechenbar.",
    ofSealed: "der versiegelten Fläche",
    completedOnly: "Fortschritt zählt nur fertiggestellte Maßnahmen.",
    demoBaseline: "Ausgangswerte sind Demo-Werte, keine Erhebung.",
    baselinesOf: "Kommunen mit Ausgangswert:",
    byType: "Nach Typ",
    loading: "Lädt …",
    statsFailed: "Statistik konnte nicht geladen werden",
    partner: "Partner",
    reviewState: "Prüfstatus",
    municipalityShort: "Kommune",
    version: "Version",
    details: "Details und Verlauf",
    edit: "Bearbeiten",
    delete: "Löschen",
    confirmDelete: "Diese Maßnahme wirklich löschen?",
    deleted: "Maßnahme gelöscht.",
    reviewNote: "Prüfvermerk (Begründung bei Ablehnung)",
    reviewNoteShort: "Prüfvermerk",
    publish: "Veröffentlichen",
    reject: "Ablehnen",
    publishedDone: "Maßnahme veröffentlicht.",
    rejectedDone: "Maßnahme abgelehnt.",
    created: "Maßnahme gespeichert (zur Prüfung eingereicht).",
    updated: "Änderung gespeichert.",
    newMeasure: "Neue Maßnahme",
    editMeasure: "Maßnahme bearbeiten",
    allowedGeometries: "Erlaubte Geometrie",
    drawHint: "Zeichnen Sie die Maßnahme auf der Karte; Doppelklick oder Klick auf den ersten Punkt beendet Linie/Fläche.",
    drawnGeometry: "Gezeichnet",
    editGeometryHint: "Die Geometrie kann auf der Karte verschoben und bearbeitet werden.",
    invalidKey: "Der Schlüssel ist ungültig oder gesperrt.",
    readOnlyRole: "Dieser Schlüssel darf keine Maßnahmen anlegen.",
    notStored: "Nicht gespeichert",
    staleVersion: "Die Maßnahme wurde inzwischen geändert; bitte neu laden.",
    requestFailed: "Anfrage fehlgeschlagen",
    noDrawing: "Bitte zuerst eine Geometrie zeichnen.",
    Point: "Punkt",
    LineString: "Linie",
    Polygon: "Fläche",
    statuses: { planned: "geplant", in_progress: "in Umsetzung", completed: "fertiggestellt", cancelled: "abgebrochen" },
    reviewStates: { submitted: "eingereicht", published: "veröffentlicht", rejected: "abgelehnt" },
    roles: { partner: "Partner", reviewer: "Prüfer", admin: "Administration" },
  },
  en: {
    appTitle: "Klima.Werk · Measure map",
    skipToPanel: "Skip to the control panel",
    linkApi: "API",
    linkTable: "Table",
    langHint: "Switch language (Deutsch)",
    panelToggle: "Panel",
    map: "Map",
    panel: "Control panel",
    filterTitle: "Filters",
    municipality: "Municipality",
    wholeRegion: "whole region",
    status: "Status",
    allStatuses: "all",
    completionYear: "Completion year",
    yearPlaceholder: "e.g. 2023",
    types: "Measure types",
    selectAll: "all",
    selectNone: "none",
    resetFilters: "Reset filters",
    statsTitle: "Statistics",
    partnerTitle: "Submit a measure",
    apiKey: "API key",
    keyHint: "Kept in this browser session only.",
    signIn: "Sign in",
    signedInAs: "Signed in as",
    signOut: "Sign out",
    type: "Type",
    drawMeasure: "Draw on the map",
    title: "Title",
    description: "Description",
    completedOn: "Completed on",
    disconnectedArea: "Disconnected area (m²)",
    retentionVolume: "Retention volume (m³)",
    cost: "Cost (€)",
    funding: "Funding",
    source: "Source",
    save: "Save",
    cancel: "Cancel",
    legend: "Legend",
    clusterHint: "Circles show how many measures lie there; zoom in to see single measures.",
    boundaries: "Municipal boundaries",
    measures: "Measures",
    basemap: "Base map",
    region: "Emscher-Lippe region",
    count: "Count",
    area: "Area",
    measuresCount: "Measures",
    totalArea: "Measure area",
    disconnected: "Disconnected area",
    runoffAvoided: "Runoff avoided",
    extraEvaporation: "Extra evaporation",
    extraInfiltration: "Extra infiltration",
    perYear: "/yr",
    target25: "Target: disconnect 25 % of the sealed area",
    target10: "Target: evaporation +10 percentage points",
    noBaseline: "No baseline (sealed area) set – progress cannot be computed.",
    ofSealed: "of the sealed area",
    completedOnly: "Progress counts completed measures only.",
    demoBaseline: "Baselines are demo values, not a survey.",
    baselinesOf: "Municipalities with a baseline:",
    byType: "By type",
    loading: "Loading …",
    statsFailed: "Statistics could not be loaded",
    partner: "Partner",
    reviewState: "Review state",
    municipalityShort: "Municipality",
    version: "Version",
    details: "Details and history",
    edit: "Edit",
    delete: "Delete",
    confirmDelete: "Really delete this measure?",
    deleted: "Measure deleted.",
    reviewNote: "Review note (reason when rejecting)",
    reviewNoteShort: "Review note",
    publish: "Publish",
    reject: "Reject",
    publishedDone: "Measure published.",
    rejectedDone: "Measure rejected.",
    created: "Measure saved (submitted for review).",
    updated: "Change saved.",
    newMeasure: "New measure",
    editMeasure: "Edit measure",
    allowedGeometries: "Allowed geometry",
    drawHint: "Draw the measure on the map; double-click or click the first point to finish a line or area.",
    drawnGeometry: "Drawn",
    editGeometryHint: "The geometry can be moved and edited on the map.",
    invalidKey: "The key is invalid or revoked.",
    readOnlyRole: "This key may not create measures.",
    notStored: "Not stored",
    staleVersion: "The measure has changed in the meantime; please reload it.",
    requestFailed: "Request failed",
    noDrawing: "Please draw a geometry first.",
    Point: "point",
    LineString: "line",
    Polygon: "area",
    statuses: { planned: "planned", in_progress: "in progress", completed: "completed", cancelled: "cancelled" },
    reviewStates: { submitted: "submitted", published: "published", rejected: "rejected" },
    roles: { partner: "partner", reviewer: "reviewer", admin: "admin" },
  },
};

let lang = "de";

/** The current language, "de" or "en". */
export function currentLang() {
  return lang;
}

/** Switches the language and relabels every element marked with data-i18n. */
export function setLang(next) {
  lang = next === "en" ? "en" : "de";
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll("[data-i18n]")) {
    el.textContent = t(el.dataset.i18n);
  }
}

/** The text of a key in the current language (the key itself when missing). */
export function t(key) {
  return TEXTS[lang][key] ?? TEXTS.de[key] ?? key;
}

/** The label of a vocabulary value (statuses, reviewStates, roles). */
export function term(vocabulary, value) {
  return TEXTS[lang][vocabulary]?.[value] ?? value;
}

/** A measure type's label from the catalogue entry, in the current language. */
export function typeLabel(type) {
  return type ? (lang === "en" ? type.label_en : type.label_de) : "";
}

/** A number with German or English grouping, rounded to `digits`. */
export function formatNumber(value, digits = 0) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  return new Intl.NumberFormat(lang === "en" ? "en-GB" : "de-DE", {
    maximumFractionDigits: digits,
    minimumFractionDigits: 0,
  }).format(value);
}

/** An area in m², switching to ha above one hectare. */
export function formatArea(m2) {
  if (m2 === null || m2 === undefined) return "–";
  return m2 >= 10000 ? `${formatNumber(m2 / 10000, 1)} ha` : `${formatNumber(m2)} m²`;
}
