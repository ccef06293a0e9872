// The deployment's settings, read from /config.json at start (web/CONFIG.md): never built into the app, so the
// same files serve the local stack and AWS.
let current = null;

export async function loadConfig() {
  const resp = await fetch('/config.json', { cache: 'no-cache' });
  if (!resp.ok) throw new Error(`/config.json answered ${resp.status}`);
  current = await resp.json();
  current.api = current.api.replace(/\/+$/, '');
  return current;
}

export function config() {
  if (!current) throw new Error('config not loaded');
  return current;
}
