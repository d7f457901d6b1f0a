// Partners at work: sign in with a key, draw a measure, fill in the form, send it through
// OGC API - Features Part 4; edit and delete with the ETag (If-Match) flow.
/* global L */

import { ApiError, query, request, storeKey, storedKey } from "./api.js";
import { currentLang, formatArea, formatNumber, message, t, term, typeLabel } from "./i18n.js";

// Which geoman drawing tool makes which GeoJSON geometry.
const DRAW_SHAPES = { Point: "CircleMarker", LineString: "Line", Polygon: "Polygon" };
const NUMBER_FIELDS = ["disconnected_area_m2", "retention_volume_m3", "cost_eur"];
const TEXT_FIELDS = ["title", "description", "status", "completed_on", "funding", "source"];
// The form's fields that feed the water-balance preview (POST /impact).
const PREVIEW_FIELDS = ["disconnected_area_m2", "retention_volume_m3"];
const DRAW_STYLE = { color: "#d81b60", weight: 3, fillOpacity: 0.3 };

export class Editor {
  /**
   * @param map the Leaflet map (with geoman)
   * @param catalogue {types: Map, statuses: string[]}
   * @param onChange called after sign-in/out and after every stored change
   */
  constructor(map, catalogue, onChange, region = null) {
    this.map = map;
    this.region = region; // bounds of the municipalities: drawing outside them is warned
    this.show = () => {};
    this.types = catalogue.types;
    this.statuses = catalogue.statuses;
    this.onChange = onChange;
    this.me = null;
    this.drawn = null; // the layer being drawn or edited
    this.editing = null; // {id, etag} when editing a stored measure
    this.el = (id) => document.getElementById(id);
    this.form = this.el("kw-measure");
    this.bind();
    this.relabel();
  }

  bind() {
    this.el("kw-login").addEventListener("submit", (event) => {
      event.preventDefault();
      this.signIn(this.el("kw-key").value.trim());
    });
    this.el("kw-logout").addEventListener("click", () => this.signOut());
    this.el("kw-new-type").addEventListener("change", () => this.showGeometryChoice());
    this.el("kw-new").addEventListener("submit", (event) => event.preventDefault());
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.save();
    });
    this.el("kw-cancel").addEventListener("click", () => this.close());
    this.el("kw-move-shape").addEventListener("click", () =>
      this.setMoving(this.el("kw-move-shape").getAttribute("aria-pressed") !== "true"),
    );
    // Figures such as the disconnected area change the water-balance preview.
    this.form.addEventListener("change", () => this.preview());
    this.el("kw-m-type").addEventListener("change", () => {
      this.describeGeometry();
      this.showParameters({});
      this.preview();
    });
    this.map.on("pm:create", (event) => this.drawnLayer(event.layer));
    // Warn while drawing, not only when the API refuses the finished shape.
    this.map.on("pm:drawstart", ({ workingLayer }) => {
      workingLayer?.on("pm:vertexadded", ({ latlng }) => this.warnAtVertex(latlng));
    });
    this.map.on("pm:drawend", () => labelHandles(this.map));
    // The drawing library's vertex handles are buttons without a name: name them.
    new MutationObserver(() => labelHandles(this.map)).observe(this.map.getContainer(), {
      childList: true,
      subtree: true,
    });
    // Escape leaves a drawing that has not become a measure yet.
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && this.map.pm.globalDrawModeEnabled()) {
        this.close();
        this.message("");
      }
    });
  }

  /** Fills the type and status choices in the current language. */
  relabel() {
    for (const id of ["kw-new-type", "kw-m-type"]) {
      const select = this.el(id);
      const value = select.value;
      select.replaceChildren(
        ...[...this.types.values()].map((type) => new Option(typeLabel(type), type.id)),
      );
      if (value) select.value = value;
    }
    const status = this.el("kw-m-status");
    const chosen = status.value || "planned";
    status.replaceChildren(...this.statuses.map((s) => new Option(term("statuses", s), s)));
    status.value = chosen;
    if (this.me) this.el("kw-who").textContent = `${this.me.partner} (${term("roles", this.me.role)})`;
    this.showGeometryChoice();
    this.describeGeometry();
  }

  /** Where the key may create, when not everywhere (/me capabilities.create_in). */
  whereAllowed() {
    const names = this.municipalityNames;
    const createIn = this.createIn ?? [];
    if (!names || !createIn.length || createIn.length >= names.size) return "";
    return createIn.map((ags) => names.get(ags) ?? ags).join(", ");
  }

  /** Checks a stored key at start-up; a revoked one is forgotten. */
  async resume() {
    const key = storedKey();
    if (key) await this.signIn(key, { quiet: true });
  }

  async signIn(key, { quiet = false } = {}) {
    if (!key) return;
    storeKey(key);
    try {
      const { data } = await request("/me");
      if (data.role === "anonymous") throw new ApiError(401, { detail: t("invalidKey") });
      this.me = data;
      // Drawing is offered only where /me says the key may create.
      this.el("kw-new").hidden = !data.capabilities?.create;
      if (!data.capabilities?.create) this.message(t("readOnlyRole"));
      this.createIn = data.capabilities?.create_in ?? [];
    } catch (error) {
      storeKey(null);
      this.me = null;
      if (!quiet) this.message(error.status === 401 ? t("invalidKey") : error.message, true);
      return;
    }
    this.el("kw-key").value = "";
    this.el("kw-login").hidden = true;
    this.el("kw-session").hidden = false;
    this.relabel();
    this.message("");
    this.onChange({ signedIn: true });
  }

  signOut() {
    storeKey(null);
    this.me = null;
    this.close();
    this.el("kw-login").hidden = false;
    this.el("kw-session").hidden = true;
    this.onChange({ signedIn: false });
  }

  showGeometryChoice() {
    const form = this.el("kw-new");
    form.querySelectorAll(".kw-draw").forEach((button) => button.remove());
    this.el("kw-draw").hidden = true;
    const type = this.types.get(this.el("kw-new-type").value);
    if (!type) return;
    const where = this.whereAllowed();
    this.el("kw-new-geometry").textContent =
      `${t("allowedGeometries")}: ${type.geometry_types.map((g) => t(g)).join(", ")}` +
      (where ? ` · ${t("createIn")}: ${where}` : "");
    for (const geometry of type.geometry_types) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "kw-draw";
      button.dataset.geometry = geometry;
      button.textContent = `${t(geometry)}: ${t("drawMeasure")}`;
      button.addEventListener("click", () => this.startDrawing(type, geometry));
      form.append(button);
    }
  }

  startDrawing(type, geometry) {
    this.close();
    this.editing = null;
    this.pendingType = type.id;
    this.drawing(true);
    this.map.pm.enableDraw(DRAW_SHAPES[geometry], {
      templineStyle: DRAW_STYLE,
      hintlineStyle: { ...DRAW_STYLE, dashArray: "5,5" },
      pathOptions: DRAW_STYLE,
      continueDrawing: false,
    });
    this.message(t("drawHint"));
    // Also over the map, where the eyes are while drawing (the panel may be scrolled).
    this.hint(t("drawHint"));
  }

  /** Marks the map as busy with a drawing: clicks go to the drawing tool only. */
  drawing(on) {
    this.map.getContainer().classList.toggle("kw-drawing", on);
  }

  hint(text) {
    const box = this.el("kw-map-hint");
    box.textContent = text;
    box.hidden = !text;
  }

  drawnLayer(layer) {
    this.map.pm.disableDraw();
    this.hint("");
    this.drawn = layer;
    layer.pm.enable({ allowSelfIntersection: false });
    this.watchShape(layer);
    this.openForm(t("newMeasure"), { type: this.pendingType, status: "planned" });
    this.checkShape();
    this.preview();
  }

  /**
   * Re-checks and re-previews the shape whenever it is edited or dragged; the whole
   * shape can be dragged (moving each vertex left slivers behind).
   */
  watchShape(layer) {
    this.setMoving(false);
    const changed = () => {
      this.checkShape();
      this.preview();
    };
    layer.on("pm:edit pm:dragend", changed);
  }

  /**
   * geoman edits vertices or drags the whole shape, not both at once: the button beside
   * the form switches between the two (dragging each vertex left slivers behind).
   */
  setMoving(on) {
    const button = this.el("kw-move-shape");
    button.setAttribute("aria-pressed", String(on));
    button.textContent = t(on ? "editVertices" : "moveShape");
    if (!this.drawn) return;
    const parts = this.drawn.getLayers ? this.drawn.getLayers() : [this.drawn];
    for (const part of parts) {
      if (!part.pm) continue;
      if (on) {
        part.pm.disable();
        part.pm.enableLayerDrag();
      } else {
        part.pm.disableLayerDrag();
        part.pm.enable({ allowSelfIntersection: false });
      }
    }
  }

  /** A warning beside the map, or none. */
  warn(text) {
    const box = this.el("kw-outside");
    box.textContent = text;
    box.hidden = !text;
  }

  /**
   * While drawing: the municipalities under a new vertex, asked from the municipalities
   * collection (their real boundaries), against the key's municipalities from /me.
   */
  async warnAtVertex(latlng) {
    const box = [latlng.lng, latlng.lat, latlng.lng, latlng.lat].map((v) => v.toFixed(7)).join(",");
    try {
      const { data } = await request(`/collections/municipalities/items${query({ bbox: box, limit: 20 })}`);
      const under = data.features.map((f) => f.properties);
      if (!under.length) this.warn(t("outsideRegion"));
      else if (this.createIn?.length && !under.some((m) => this.createIn.includes(m.ags)))
        this.warn(message("map.outsideKey", { city: under.map((m) => m.name).join(", ") }));
      else this.warn("");
    } catch {
      // No answer, no warning: saving still asks the server.
    }
  }

  /**
   * The finished or edited shape as a write would see it (POST .../check stores nothing):
   * outside the real boundaries, or in a municipality the key may not write in.
   */
  async checkShape() {
    if (!this.drawn) return;
    const ticket = (this.checkTicket = (this.checkTicket ?? 0) + 1);
    const { geometry, properties } = this.feature();
    // A draft: what the form does not hold yet is no reason to withhold the warning.
    const body = this.editing
      ? { geometry }
      : { type: "Feature", geometry, properties: { type: properties.type, title: properties.title || t("newMeasure") } };
    const path = `/collections/measures/check${this.editing ? query({ measure: this.editing.id }) : ""}`;
    try {
      await request(path, { method: "POST", body });
      if (ticket === this.checkTicket) this.warn("");
    } catch (error) {
      if (ticket !== this.checkTicket) return;
      const where = (error.problem?.errors ?? []).filter((e) => e.where === "/geometry");
      if (error.status === 403) this.warn(message("map.checkWarning", { problem: error.message }));
      else if (where.length) this.warn(message("map.checkWarning", { problem: where[0].problem }));
      else this.warn("");
    }
  }

  /** The water-balance effect of the drawn measure, live from POST /impact. */
  async preview() {
    const box = this.el("kw-impact");
    if (!this.drawn || this.form.hidden) {
      box.replaceChildren();
      return;
    }
    const ticket = (this.previewTicket = (this.previewTicket ?? 0) + 1);
    try {
      // Only what the water balance depends on: the shape, the type and the volumes. A
      // half-filled form (a status without its date, a title not yet typed) is no reason
      // to withhold the preview.
      const { geometry, properties } = this.feature();
      const figures = { type: properties.type, title: properties.title || t("newMeasure") };
      for (const name of [...PREVIEW_FIELDS, ...this.parameterFields().map((f) => f.name)]) {
        if (properties[name] != null) figures[name] = properties[name];
      }
      const body = { type: "Feature", geometry, properties: figures };
      const { data } = await request("/impact", { method: "POST", body });
      if (ticket !== this.previewTicket) return;
      // The drawn area as the server measures it (EPSG:25832), not a browser estimate.
      const area = this.el("kw-drawn-area");
      area.textContent = `${t("drawnArea")}: ${formatArea(data.area_m2)}`;
      area.hidden = data.area_m2 == null;
      // What the server will store and count: the same rule for preview and record.
      this.el("kw-m-disconnected-hint").textContent = data.disconnected_area_hint ?? "";
      const counted =
        data.disconnected_area_m2 == null
          ? t("countsNothing")
          : `${formatNumber(data.disconnected_area_m2, 1)} m² (${t(
              data.disconnected_area_source === "derived" ? "countsDerived" : "countsGiven",
            )})`;
      const volume = (value) => (value == null ? "–" : `${formatNumber(value, 1)} m³${t("perYear")}`);
      const rows = [
        [t("drawnArea"), `${formatNumber(data.area_m2, 1)} m²`],
        [t("countsTowardsTarget"), counted],
        [t("runoffAvoided"), volume(data.runoff_avoided_m3)],
        [t("extraEvaporation"), volume(data.extra_evaporation_m3)],
        [t("extraInfiltration"), volume(data.extra_infiltration_m3)],
      ];
      if (!data.computed) rows.push([t("waterBalanceBasis"), data.reason_de && currentLang() === "de" ? data.reason_de : data.reason]);
      const heading = document.createElement("h4");
      heading.textContent = t("impactPreview");
      const list = document.createElement("dl");
      list.className = "kw-facts";
      for (const [name, value] of rows) {
        const dt = document.createElement("dt");
        dt.textContent = name;
        const dd = document.createElement("dd");
        dd.textContent = value ?? "–";
        list.append(dt, dd);
      }
      box.replaceChildren(heading, list);
    } catch {
      // A shape the API cannot judge yet (e.g. outside the region): no preview.
      if (ticket === this.previewTicket) box.replaceChildren();
    }
  }

  /** The caller's own measures, to find them again and to reach them by keyboard. */
  async loadOwn() {
    const list = this.el("kw-own-list");
    const empty = this.el("kw-own-empty");
    if (!this.me?.partner) {
      list.replaceChildren();
      return;
    }
    const params = {
      filter: `partner = '${this.me.partner.replaceAll("'", "''")}'`,
      sortby: "-updated_at",
      limit: 50,
    };
    try {
      const { data } = await request(`/collections/measures/items${query(params)}`);
      empty.hidden = data.features.length > 0;
      list.replaceChildren(
        ...data.features.map((feature) => {
          const item = document.createElement("li");
          const button = document.createElement("button");
          button.type = "button";
          button.className = "kw-link";
          button.textContent = `${feature.properties.title} (${term("reviewStates", feature.properties.review_state)})`;
          button.addEventListener("click", () => this.show(feature.id));
          item.append(button);
          return item;
        }),
      );
    } catch (error) {
      empty.hidden = false;
      empty.textContent = error.message;
    }
  }

  /** Loads a stored measure with its ETag and opens it for editing. */
  async edit(id) {
    this.close();
    let answer;
    try {
      answer = await request(`/collections/measures/items/${encodeURIComponent(id)}`);
    } catch (error) {
      this.message(error.message, true);
      return;
    }
    const feature = answer.data;
    this.editing = { id, etag: answer.etag };
    this.drawn = L.geoJSON(feature, {
      pointToLayer: (_, latlng) => L.circleMarker(latlng, { ...DRAW_STYLE, radius: 8 }),
      style: () => DRAW_STYLE,
    }).addTo(this.map);
    this.drawn.pm.enable({ allowSelfIntersection: false });
    // The popup would cover the shape being edited.
    this.map.closePopup();
    this.watchShape(this.drawn);
    this.drawing(true);
    this.map.fitBounds(this.drawn.getBounds(), { maxZoom: 18, padding: [40, 40] });
    this.openForm(t("editMeasure"), feature.properties);
    this.message(t("editGeometryHint"));
    // The preview while editing, as while drawing.
    this.preview();
  }

  /** Deletes a stored measure (soft delete), after asking. */
  async remove(id) {
    if (!window.confirm(t("confirmDelete"))) return;
    try {
      const { etag } = await request(`/collections/measures/items/${encodeURIComponent(id)}`);
      await request(`/collections/measures/items/${encodeURIComponent(id)}`, {
        method: "DELETE",
        headers: { "If-Match": etag },
      });
    } catch (error) {
      this.message(error.status === 412 ? t("staleVersion") : error.message, true);
      return;
    }
    this.map.closePopup();
    this.message(t("deleted"));
    this.onChange({ stored: true });
  }

  /**
   * Publishes or rejects a measure (a reason goes with a rejection); `quiet` leaves the
   * message and the reload to the caller (several at once: `reviewed` once at the end).
   */
  async review(id, reviewState, note, { quiet = false } = {}) {
    const path = `/collections/measures/items/${encodeURIComponent(id)}`;
    try {
      const { etag } = await request(path);
      await request(path, {
        method: "PATCH",
        body: { properties: { review_state: reviewState, review_note: note || null } },
        headers: { "If-Match": etag, "Content-Type": "application/merge-patch+json" },
      });
    } catch (error) {
      this.message(error.status === 412 ? t("staleVersion") : error.message, true);
      return false;
    }
    if (!quiet) this.reviewed(t(reviewState === "published" ? "publishedDone" : "rejectedDone"));
    return true;
  }

  /** Says what the review did and reloads the map, the queue and the lists once. */
  reviewed(text) {
    this.message(text);
    this.onChange({ stored: true });
  }

  openForm(heading, values) {
    this.clearErrors();
    this.el("kw-measure-title").textContent = heading;
    this.el("kw-m-type").value = values.type;
    for (const name of [...TEXT_FIELDS, ...NUMBER_FIELDS]) {
      const input = this.el(`kw-m-${name}`);
      input.value = values[name] ?? (name === "status" ? "planned" : "");
    }
    this.describeGeometry();
    this.showParameters(values);
    this.form.hidden = false;
    this.el("kw-m-title").focus();
  }

  /** The type's water-balance parameters with defaults and ranges, from /measure-types. */
  parameterFields() {
    const type = this.types.get(this.el("kw-m-type").value);
    const own = new Set([...TEXT_FIELDS, ...NUMBER_FIELDS]);
    return (type?.water_balance?.fields ?? []).filter((field) => !own.has(field.name));
  }

  /** One labelled input per parameter; empty means the default (named beside it). */
  showParameters(values) {
    const fields = this.parameterFields();
    const boxes = fields.map((field) => {
      const box = document.createElement("div");
      box.className = "kw-field";
      box.dataset.field = field.name;
      const label = document.createElement("label");
      label.htmlFor = `kw-m-${field.name}`;
      label.textContent = message(`field.${field.name}`);
      let input;
      const choiceLabel = (id) => {
        const choice = field.choices?.find((c) => c.id === id);
        return choice ? (currentLang() === "en" ? choice.label_en : choice.label_de) : id;
      };
      if (field.kind === "choice") {
        input = document.createElement("select");
        input.append(new Option(field.default ? message("map.parameterDefault", { value: choiceLabel(field.default) }) : "–", ""));
        for (const choice of field.choices) input.append(new Option(choiceLabel(choice.id), choice.id));
      } else {
        input = document.createElement("input");
        input.type = "number";
        input.step = "any";
        if (field.range) [input.min, input.max] = field.range.map(String);
        if (field.default != null) input.placeholder = String(field.default);
      }
      input.id = `kw-m-${field.name}`;
      input.name = field.name;
      input.value = values[field.name] ?? "";
      const hints = [];
      if (field.kind === "number" && field.default != null)
        hints.push(message("map.parameterDefault", { value: formatNumber(field.default, 1) }));
      if (field.range)
        hints.push(message("map.parameterRange", { low: formatNumber(field.range[0], 1), high: formatNumber(field.range[1], 1) }));
      box.append(label, input);
      if (hints.length) {
        const hint = document.createElement("p");
        hint.className = "kw-hint";
        hint.id = `kw-m-${field.name}-hint`;
        hint.textContent = hints.join(" · ");
        input.setAttribute("aria-describedby", hint.id);
        box.append(hint);
      }
      return box;
    });
    this.el("kw-m-parameter-fields").replaceChildren(...boxes);
    this.el("kw-m-parameters").hidden = boxes.length === 0;
  }

  describeGeometry() {
    const geometry = this.drawn ? geometryOf(this.drawn) : null;
    const type = this.types.get(this.el("kw-m-type").value);
    this.el("kw-measure-geometry").textContent = geometry
      ? `${t("drawnGeometry")}: ${t(geometry.type.replace("Multi", ""))} · ${typeLabel(type)}`
      : "";
  }

  close() {
    this.map.pm.disableDraw();
    if (this.drawn) {
      this.drawn.pm?.disable();
      this.drawn.remove();
    }
    this.drawn = null;
    this.editing = null;
    this.setMoving(false);
    this.drawing(false);
    this.form.hidden = true;
    this.clearErrors();
    this.el("kw-outside").hidden = true;
    this.hint("");
    this.el("kw-impact").replaceChildren();
    this.el("kw-drawn-area").hidden = true;
  }

  feature() {
    const properties = { type: this.el("kw-m-type").value };
    for (const name of TEXT_FIELDS) {
      const value = this.el(`kw-m-${name}`).value.trim();
      properties[name] = value === "" ? null : value;
    }
    for (const name of NUMBER_FIELDS) {
      const raw = this.el(`kw-m-${name}`).value;
      properties[name] = raw === "" ? null : Number(raw);
    }
    for (const field of this.parameterFields()) {
      const raw = this.el(`kw-m-${field.name}`)?.value ?? "";
      properties[field.name] = raw === "" ? null : field.kind === "number" ? Number(raw) : raw;
    }
    if (!this.editing) {
      // A new measure leaves out what is empty; an edit sends null to clear a value.
      for (const [name, value] of Object.entries(properties)) if (value === null) delete properties[name];
    }
    return { type: "Feature", geometry: geometryOf(this.drawn), properties };
  }

  async save() {
    this.clearErrors();
    if (!this.drawn) {
      this.showErrors([{ where: "/geometry", problem: t("noDrawing") }]);
      return;
    }
    const body = this.feature();
    const saveButton = this.el("kw-save");
    saveButton.disabled = true;
    try {
      if (this.editing) {
        const { id, etag } = this.editing;
        await request(`/collections/measures/items/${encodeURIComponent(id)}`, {
          method: "PATCH",
          body,
          headers: { "If-Match": etag, "Content-Type": "application/merge-patch+json" },
        });
        this.message(t("updated"));
      } else {
        await request("/collections/measures/items", { method: "POST", body });
        this.message(t("created"));
      }
    } catch (error) {
      if (error.status === 412) this.showErrors([{ where: "", problem: t("staleVersion") }]);
      else if (error.problem?.errors) this.showErrors(error.problem.errors);
      else this.showErrors([{ where: "", problem: error.message || t("requestFailed") }]);
      return;
    } finally {
      saveButton.disabled = false;
    }
    this.close();
    this.onChange({ stored: true });
  }

  /** Puts each problem next to its field (by JSON pointer); the rest above the buttons. */
  showErrors(errors) {
    const general = this.el("kw-measure-errors");
    const heading = document.createElement("p");
    heading.textContent = `${t("notStored")}:`;
    const list = document.createElement("ul");
    // The server said each problem in the map's language (Accept-Language).
    for (const { where, problem } of errors) {
      const field = fieldOf(where);
      const box = field && this.form.querySelector(`.kw-field[data-field="${field}"]`);
      if (box) {
        const message = document.createElement("p");
        message.className = "kw-field-error";
        message.id = `kw-error-${field}-${box.querySelectorAll(".kw-field-error").length}`;
        message.textContent = problem;
        box.append(message);
        box.classList.add("kw-invalid");
        const input = box.querySelector("input, select, textarea");
        if (input) {
          input.setAttribute("aria-invalid", "true");
          input.setAttribute("aria-describedby", message.id);
        }
      }
      if (field === "geometry" && this.drawn) {
        // The geometry's problem belongs where the shape is: at the map.
        this.drawn.bindTooltip(problem, { permanent: true, className: "kw-geometry-error" }).openTooltip();
      }
      const item = document.createElement("li");
      item.textContent = field ? `${fieldLabel(field)}: ${problem}` : problem;
      list.append(item);
    }
    general.replaceChildren(heading, list);
    this.form.querySelector(".kw-invalid input, .kw-invalid select, .kw-invalid textarea")?.focus();
  }

  clearErrors() {
    this.el("kw-measure-errors").replaceChildren();
    for (const box of this.form.querySelectorAll(".kw-field")) {
      box.classList.remove("kw-invalid");
      box.querySelectorAll(".kw-field-error").forEach((p) => p.remove());
      const input = box.querySelector("input, select, textarea");
      input?.removeAttribute("aria-invalid");
      input?.removeAttribute("aria-describedby");
    }
  }

  message(text, isError = false) {
    const box = this.el("kw-message");
    box.textContent = text;
    box.classList.toggle("kw-error", isError);
  }
}

function geometryOf(layer) {
  const geojson = layer.toGeoJSON();
  if (geojson.type === "FeatureCollection") return geojson.features[0]?.geometry ?? null;
  return geojson.geometry;
}

/** The form's label of a field (what a person reads instead of a JSON pointer). */
function fieldLabel(field) {
  if (field === "geometry") return t("geometry");
  const label = document.querySelector(`label[for="kw-m-${field}"]`);
  return label ? label.textContent.replace(/\s*\*$/, "").trim() : field;
}

/** Names geoman's vertex and middle handles (axe: aria-command-name). */
function labelHandles(map) {
  for (const handle of map.getContainer().querySelectorAll(".marker-icon:not([aria-label])")) {
    handle.setAttribute(
      "aria-label",
      handle.classList.contains("marker-icon-middle") ? t("addVertex") : t("vertex"),
    );
  }
}

function fieldOf(pointer) {
  const match = /^\/(?:features\/\d+\/)?(properties\/([^/]+)|geometry)/.exec(pointer || "");
  if (!match) return null;
  return match[2] ?? "geometry";
}
