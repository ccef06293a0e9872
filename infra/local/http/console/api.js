// The /_local JSON routes, same origin. An answer in the contract's error shape becomes an Error with its message.
const BASE = '/_local';

async function call(method, path, params, body) {
  const query = new URLSearchParams(Object.entries(params || {}).filter(([, v]) => v !== '' && v != null));
  const url = `${BASE}${path}${query.toString() ? `?${query}` : ''}`;
  const init = { method, headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(url, init);
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new Error(data?.message || `${method} ${path} answered ${response.status}`);
  return data;
}

export const get = (path, params) => call('GET', path, params);
export const post = (path, body) => call('POST', path, undefined, body);
export const remove = (path) => call('DELETE', path);
