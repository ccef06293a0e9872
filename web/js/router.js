// Deep links without a framework router: the location is the state. Links are plain <a href="/..."> (so they
// work with the keyboard, a middle click and "copy link"); a same-origin left click becomes pushState.
import { useEffect, useState } from './vendor.js';

const listeners = new Set();

export function navigate(to, { replace = false } = {}) {
  history[replace ? 'replaceState' : 'pushState'](null, '', to);
  for (const listener of listeners) listener();
}

export function useLocation() {
  const [, setTick] = useState(0);
  useEffect(() => {
    const update = () => setTick((n) => n + 1);
    listeners.add(update);
    addEventListener('popstate', update);
    return () => { listeners.delete(update); removeEventListener('popstate', update); };
  }, []);
  return { path: location.pathname, query: new URLSearchParams(location.search) };
}

/** One listener for the whole document: in-app links navigate without a reload. */
export function interceptLinks() {
  document.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = event.target.closest('a[href]');
    if (!link || link.target || link.hasAttribute('download')) return;
    const url = new URL(link.href);
    if (url.origin !== location.origin || (url.pathname === location.pathname && url.hash)) return;
    event.preventDefault();
    navigate(url.pathname + url.search);
  });
}
