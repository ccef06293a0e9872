// Notifications (/notifications): newest first, refreshed every 15 s while the page is open and visible.
import { html, useEffect } from '../vendor.js';
import { get } from '../api.js';
import { ErrorMessage, Loading, Page, useLoad } from '../ui.js';
import { dateTime } from '../format.js';

const REFRESH_MS = 15_000;

export function Notifications() {
  const list = useLoad(() => get('/users/me/notifications').then((r) => r.items), []);
  useEffect(() => {
    const timer = setInterval(() => document.visibilityState === 'visible' && list.reload(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [list.reload]);
  const items = list.data || [];
  return html`<${Page} title="Notifications">
    <p><button type="button" onClick=${list.reload} disabled=${list.loading}>Refresh</button></p>
    ${list.loading && !list.data && html`<${Loading} what="Loading notifications" />`}
    <${ErrorMessage} error=${list.error} />
    ${list.data && items.length === 0 && html`<p class="empty">Nothing yet. When you buy or sell a leed, you hear it here.</p>`}
    ${items.length > 0 && html`<ul class="notifications" aria-live="polite">${items.map((n) => html`<li key=${n.id}>
      <p>${n.message}</p>
      <p class="meta"><time datetime=${n.created_at}>${dateTime(n.created_at)}</time>
        ${n.leed_id && html` · <a href=${`/leeds/${encodeURIComponent(n.leed_id)}`}>See the leed</a>`}</p>
    </li>`)}</ul>`}
  <//>`;
}
