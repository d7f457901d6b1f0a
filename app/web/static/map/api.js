// Requests to the registry's own API: same origin only, the key from session storage,
// the map's language as Accept-Language (problems come back in it).

import { currentLang } from "./i18n.js";

const KEY_STORAGE = "klimawerk.apiKey";

/** An API answer that was not 2xx: status and the problem+json document, if any. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
  }
}

/** The partner key of this browser session, or null. */
export function storedKey() {
  return sessionStorage.getItem(KEY_STORAGE);
}

/** Keeps the key for this session only (never localStorage: a shared PC forgets it). */
export function storeKey(key) {
  if (key) sessionStorage.setItem(KEY_STORAGE, key);
  else sessionStorage.removeItem(KEY_STORAGE);
}

/** Headers that identify the caller, when a key is set. */
export function authHeaders() {
  const key = storedKey();
  return key ? { Authorization: `Bearer ${key}` } : {};
}

/**
 * Calls the API and returns {data, etag, status}; throws ApiError for non-2xx answers.
 * `body` is sent as GeoJSON (Part 4 takes application/geo+json).
 */
export async function request(path, { method = "GET", body, headers = {}, signal } = {}) {
  const init = {
    method,
    signal,
    headers: {
      Accept: "application/json",
      "Accept-Language": currentLang(),
      ...authHeaders(),
      ...headers,
    },
  };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["Content-Type"] = headers["Content-Type"] || "application/geo+json";
  }
  const response = await fetch(path, init);
  const type = response.headers.get("content-type") || "";
  const data = type.includes("json") && response.status !== 204 ? await response.json() : null;
  if (!response.ok) throw new ApiError(response.status, data);
  return { data, etag: response.headers.get("etag"), status: response.status };
}

/** A query string of the parameters that have a value. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(name, value);
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}
