// The console's location is its hash: #page?filters. One static page at /_local/ (the server answers no deep
// links), and every view, filters included, is a link one can keep or share.
import { useEffect, useState } from './vendor.js';

function parse() {
  const [page, query = ''] = (window.location.hash.slice(1) || 'invocations').split('?');
  return { page, query: new URLSearchParams(query) };
}

export function useLocation() {
  const [location, setLocation] = useState(parse);
  useEffect(() => {
    const changed = () => setLocation(parse());
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return location;
}

/** The hash for `page` with `params` (empty values left out). */
export function href(page, params = {}) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v));
  return `#${page}${query.toString() ? `?${query}` : ''}`;
}

export function go(page, params) {
  window.location.hash = href(page, params);
}
