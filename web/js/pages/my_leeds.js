// My leeds (/me/leeds?role=seller|buyer): what I posted and what I bought, newest first (GET /users/me/leeds).
import { html } from '../vendor.js';
import { get } from '../api.js';
import { Page } from '../ui.js';
import { PagedLeeds } from './leed_list.js';

const ROLES = [['seller', 'Posted'], ['buyer', 'Bought']];

export function MyLeeds({ query }) {
  const role = query.get('role') === 'buyer' ? 'buyer' : 'seller';
  const fetchPage = (cursor) => get('/users/me/leeds', { query: { role, cursor } });
  return html`<${Page} title="My leeds">
    <nav class="tabs" aria-label="Which leedz">${ROLES.map(([value, label]) => html`<a key=${value}
      href=${`/me/leeds?role=${value}`} aria-current=${value === role ? 'page' : undefined}>${label}</a>`)}</nav>
    <${PagedLeeds} fetchPage=${fetchPage} reset=${role} label=${role === 'seller' ? 'Leedz I posted' : 'Leedz I bought'}
      empty=${role === 'seller' ? 'You have not posted a leed yet.' : 'You have not bought a leed yet.'} />
  <//>`;
}
