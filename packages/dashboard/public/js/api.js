// HTTP access to the Vigil API. URLs are relative ("api/…") so the dashboard works wherever
// the server mounts it.

/** An API answer that was not 2xx, carrying the server's error body. */
export class ApiError extends Error {
  constructor(status, body, url) {
    const err = body && typeof body === 'object' ? body.error : undefined;
    super(err?.message ?? `HTTP ${status} from ${url}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = err?.code ?? `HTTP_${status}`;
    this.issues = Array.isArray(err?.issues) ? err.issues : [];
  }
}

async function request(path, init) {
  let res;
  try {
    res = await fetch(path, { ...init, headers: { accept: 'application/json', ...init?.headers } });
  } catch (e) {
    throw new ApiError(0, { error: { code: 'NETWORK', message: `cannot reach the API (${e.message})` } }, path);
  }
  const text = await res.text();
  let body = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = { error: { code: `HTTP_${res.status}`, message: text.slice(0, 300) } };
    }
  }
  if (!res.ok) throw new ApiError(res.status, body, path);
  return body;
}

/** GET a JSON document. */
export function getJson(path) {
  return request(path, { method: 'GET' });
}

/** POST a JSON body, with a bearer token when one is given (an empty token sends none). */
export function postJson(path, body, token) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  return request(path, { method: 'POST', headers, body: JSON.stringify(body) });
}
