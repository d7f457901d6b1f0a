// Requests to the registry's own API: same origin only, the key from session storage,
// the map's language as Accept-Language (problems come back in it).

import { currentLang } from "./i18n.js";

import { t } from "./i18n.js";

const KEY_STORAGE = "klimawerk.apiKey";

// A busy server (429 rate limit, 503 overload) says when to come back in Retry-After.
const BUSY = new Set([429, 503]);
const RETRIES = 3;
const MAX_WAIT_MS = 30000;

/**
 * The longest text each property takes, as `/measure-types` states it (`text_limits`);
 * filled when the map starts, read by the forms (one home: app/domain/validation.py).
 */
export const textLimits = {};

/** An API answer that was not 2xx: status and the problem+json document, if any. */
export class ApiError extends Error {
  constructor(status, problem) {
    // A busy server's own words are for machines: people read the map's German text.
    super(BUSY.has(status) ? t("serverBusy") : problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
  }
}

/** How long a 429 or 503 asks the client to wait (Retry-After: seconds or a date). */
export function retryDelayMs(response, attempt = 0) {
  const header = response.headers.get("retry-after");
  let ms = 1000 * 2 ** attempt;
  if (header && /^\d+$/.test(header.trim())) ms = Number(header.trim()) * 1000;
  else if (header && !Number.isNaN(Date.parse(header))) ms = Date.parse(header) - Date.now();
  return Math.min(Math.max(ms, 250), MAX_WAIT_MS);
}

/**
 * fetch() that waits and asks again while the server answers 429 or 503 (at most
 * RETRIES times), for reads only: a write is never sent twice. The last answer is
 * returned as it is. `fetcher`: the fetch to use (the tile layer passes the real one).
 */
export async function fetchRetrying(url, init = {}, fetcher = window.fetch) {
  const method = (init.method || "GET").toUpperCase();
  for (let attempt = 0; ; attempt++) {
    const response = await fetcher(url, init);
    if (!BUSY.has(response.status) || attempt >= RETRIES || method !== "GET") return response;
    await new Promise((resolve) => setTimeout(resolve, retryDelayMs(response, attempt)));
    if (init.signal?.aborted) return response;
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
  const response = await fetchRetrying(path, init);
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
