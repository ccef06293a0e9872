// Notifications (/notifications): newest first, the first page refreshed every 15 s while the page is visible
// (and on Refresh); older pages on demand, by the API's `next` cursor.
import { html, useEffect, useState } from '../vendor.js';
import { get } from '../api.js';
import { ErrorMessage, Loading, Page, useLoad } from '../ui.js';
import { dateTime } from '../format.js';

const REFRESH_MS = 15_000;

const page = (cursor) => get('/users/me/notifications', { query: { cursor } });

export function Notifications() {
  const first = useLoad(() => page(null), []);
  const [older, setOlder] = useState({ items: [], next: undefined, error: null, loading: false });
  useEffect(() => {
    const timer = setInterval(() => document.visibilityState === 'visible' && first.reload(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [first.reload]);
  const loadOlder = (cursor) => {
    setOlder((o) => ({ ...o, loading: true, error: null }));
    page(cursor).then(
      (p) => setOlder((o) => ({ items: [...o.items, ...p.items], next: p.next, error: null, loading: false })),
      (error) => setOlder((o) => ({ ...o, error, loading: false })),
    );
  };
  const seen = new Set((first.data?.items || []).map((n) => n.id));
  const items = [...(first.data?.items || []), ...older.items.filter((n) => !seen.has(n.id))];
  const next = older.next === undefined ? first.data?.next : older.next;
  return html`<${Page} title="Notifications">
    <p><button type="button" onClick=${first.reload} disabled=${first.loading}>Refresh</button></p>
    ${first.loading && !first.data && html`<${Loading} what="Loading notifications" />`}
    <${ErrorMessage} error=${first.error || older.error} />
    ${first.data && items.length === 0 && html`<p class="empty">Nothing yet. When you buy or sell a leed, you hear it here.</p>`}
    ${items.length > 0 && html`<ul class="notifications" aria-live="polite">${items.map((n) => html`<li key=${n.id}>
      <p>${n.message}</p>
      <p class="meta"><time datetime=${n.created_at}>${dateTime(n.created_at)}</time>
        ${n.leed_id && html` · <a href=${`/leeds/${encodeURIComponent(n.leed_id)}`}>See the leed</a>`}</p>
    </li>`)}</ul>`}
    ${next && html`<p><button type="button" disabled=${older.loading} onClick=${() => loadOlder(next)}>Show older</button></p>`}
  <//>`;
}
