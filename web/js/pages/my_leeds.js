// My leeds (/me/leeds?role=seller|buyer): what I posted and what I bought, newest first (GET /users/me/leeds).
// An API without that route (it answers 403/404, or its preflight fails, as API Gateway's does for a missing
// resource) gets what exists instead: my leedz for sale, found by browsing every trade, and a note saying so.
import { html, useState } from '../vendor.js';
import { get, profile } from '../api.js';
import { Page } from '../ui.js';
import { PagedLeeds } from './leed_list.js';

const ROLES = [['seller', 'Posted'], ['buyer', 'Bought']];

const routeMissing = (error) => error.status === 0 || error.status === 404 || (error.status === 403 && error.code !== 'forbidden');

async function forSaleByMe() {
  const [me, trades] = await Promise.all([profile(), get('/trades', { auth: false })]);
  const pages = await Promise.all(trades.items.map((t) => get('/leeds', { auth: false, query: { trade: t.name, limit: 100 } })));
  const mine = pages.flatMap((p) => p.items).filter((leed) => leed.seller === me.username);
  return { items: mine.sort((a, b) => b.created_at.localeCompare(a.created_at)), next: null };
}

export function MyLeeds({ query }) {
  const role = query.get('role') === 'buyer' ? 'buyer' : 'seller';
  const [missing, setMissing] = useState(false);
  const fetchPage = (cursor) => get('/users/me/leeds', { query: { role, cursor } }).catch((error) => {
    if (!routeMissing(error)) throw error;
    setMissing(true);
    return role === 'seller' ? forSaleByMe() : { items: [], next: null };
  });
  return html`<${Page} title="My leeds">
    <nav class="tabs" aria-label="Which leedz">${ROLES.map(([value, label]) => html`<a key=${value}
      href=${`/me/leeds?role=${value}`} aria-current=${value === role ? 'page' : undefined}>${label}</a>`)}</nav>
    ${missing && html`<p class="alert note" role="note">${'This server cannot list your leedz yet. '}
      ${role === 'seller' ? 'Shown: the ones still for sale, found by browsing every trade. ' : ''}
      ${'Your totals are on '}<a href="/me">your page</a>.</p>`}
    <${PagedLeeds} fetchPage=${fetchPage} reset=${role} label=${role === 'seller' ? 'Leedz I posted' : 'Leedz I bought'}
      empty=${role === 'seller' ? 'You have no leedz to show.' : 'No bought leedz to show.'} />
  <//>`;
}
