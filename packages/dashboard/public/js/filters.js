// The shared filters (model, date range) and where they live: the hash's query string,
// `#/<route>[/<param>][?model=…&from=YYYY-MM-DD&to=YYYY-MM-DD]`, so a link shares the view.

import { getJson } from './api.js';

export const FILTER_KEYS = ['model', 'from', 'to'];

/**
 * The model a plugin's view shows: the top bar's, else the live model (`ctx.liveModel`, from
 * `api/models/live`: what the gate promoted), else, with no gate or nothing promoted, the model of
 * the newest observed prediction (`GET api/<plugin>/models` → { models, latest }; figures are per
 * model, never pooled). Reports the plugin's models to the top bar's picker. null when it holds none.
 */
export async function pickModel(ctx, plugin) {
  const { models, latest } = (await getJson(`api/${plugin}/models`)) ?? { models: [], latest: null };
  ctx.reportModels?.(models);
  return defaultModel(ctx, models, latest);
}

/** The top bar's model, else the live one, else the newest seen (`latest` when among `models`, else the last). */
export function defaultModel(ctx, models, latest) {
  return ctx.filters?.model ?? ctx.liveModel ?? (latest && models.includes(latest) ? latest : models.at(-1)) ?? null;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const isDay = (s) => DAY.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`));

/**
 * Reads `#/<route>/<param>?<query>` into { route, param, filters }. Unknown keys, empty values
 * and malformed dates are dropped; a range given backwards is swapped.
 */
export function parseRoute(hash) {
  const raw = String(hash ?? '').replace(/^#\/?/, '');
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const params = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
  const parts = path.split('/');
  const rest = parts.slice(1).join('/');
  const filters = {};
  const model = params.get('model');
  if (model) filters.model = model;
  for (const k of ['from', 'to']) {
    const v = params.get(k);
    if (v && isDay(v)) filters[k] = v;
  }
  if (filters.from && filters.to && filters.from > filters.to) [filters.from, filters.to] = [filters.to, filters.from];
  return { route: parts[0] ?? '', param: rest ? decodeURIComponent(rest) : undefined, filters };
}

/** The hash query for a set of filters: '' when none, else `?model=…&from=…&to=…`. */
export function filterQuery(filters) {
  const p = new URLSearchParams();
  for (const k of FILTER_KEYS) if (filters?.[k]) p.set(k, filters[k]);
  const s = p.toString();
  return s ? `?${s}` : '';
}

/**
 * The filters as API query parameters (`model`, `from`, `to`), plus any extra ones, for a
 * view's own data routes: apiQuery({ model: 'm3' }, { window: 20 }) → '?model=m3&window=20'.
 */
export function apiQuery(filters, extra = {}) {
  const p = new URLSearchParams();
  for (const k of FILTER_KEYS) if (filters?.[k]) p.set(k, filters[k]);
  for (const [k, v] of Object.entries(extra)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** Whether an ISO timestamp or step (`2015-08-24…`) falls inside the filters' date range (days inclusive). */
export function inRange(filters, iso) {
  const day = String(iso ?? '').slice(0, 10);
  if (filters?.from && day < filters.from) return false;
  if (filters?.to && day > filters.to) return false;
  return true;
}

/** A short description of the filters for panel subtitles: "model m3 · 2015-06-01 to 2016-06-30". */
export function describeFilters(filters) {
  const parts = [];
  if (filters?.model) parts.push(filters.model === '*' ? 'all models' : `model ${filters.model}`);
  if (filters?.from || filters?.to) parts.push(`${filters.from ?? 'start'} to ${filters.to ?? 'latest'}`);
  return parts.join(' · ');
}
