// Browse (/): the trades with their counts; a trade's leedz for sale, filtered by dates, ZIP and distance from a
// ZIP (in the URL, so a filtered list is a link). A filter the API refuses (422) shows its message beside it.
import { html, useState } from '../vendor.js';
import { get } from '../api.js';
import { navigate } from '../router.js';
import { ErrorMessage, Field, FormErrors, Loading, Page, useLoad } from '../ui.js';
import { rememberTrades, tradeLabel } from '../format.js';
import { PagedLeeds } from './leed_list.js';

const FILTERS = ['from', 'to', 'zip', 'near', 'radius_km'];
const KNOWN = FILTERS.flatMap((name) => [name, `query.${name}`]);

function Trades({ trades, current }) {
  return html`<ul class="trades" aria-label="Trades">${trades.map((t) => html`<li key=${t.name}>
    <a href=${`/?trade=${encodeURIComponent(t.name)}`} aria-current=${t.name === current ? 'true' : undefined}>
      <span class="trade-name">${t.label}</span>
      <span class="counts">${t.leeds_posted} posted · ${t.leeds_sold} sold · ${t.subscribers} subscribed</span>
    </a></li>`)}</ul>`;
}

function Filters({ trade, query, error }) {
  const submit = (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const params = new URLSearchParams({ trade });
    for (const name of FILTERS) if (form.get(name)) params.set(name, form.get(name));
    navigate(`/?${params}`);
  };
  const fieldError = (name) => error?.fields?.[`query.${name}`] || error?.fields?.[name];
  return html`<form class="filters" onSubmit=${submit} key=${query.toString()} novalidate>
    <${FormErrors} error=${error} known=${KNOWN} />
    <${Field} name="from" label="From" type="date" value=${query.get('from') || ''} error=${fieldError('from')} />
    <${Field} name="to" label="To" type="date" value=${query.get('to') || ''} error=${fieldError('to')} />
    <${Field} name="zip" label="ZIP code" inputmode="numeric" autocomplete="postal-code" value=${query.get('zip') || ''}
      error=${fieldError('zip')} />
    <${Field} name="near" label="Near ZIP" inputmode="numeric" autocomplete="postal-code"
      hint="Only leedz within the distance (next) of this ZIP code." value=${query.get('near') || ''} error=${fieldError('near')} />
    <${Field} name="radius_km" label="Within (km)" type="number" min="1" max="200" inputmode="numeric"
      hint="1 to 200 km; 25 if left empty." value=${query.get('radius_km') || ''} error=${fieldError('radius_km')} />
    <button type="submit">Filter</button>
    ${FILTERS.some((n) => query.get(n)) && html`<a href=${`/?trade=${encodeURIComponent(trade)}`}>Clear filters</a>`}
  </form>`;
}

function TradeLeeds({ trade, query }) {
  const params = Object.fromEntries(FILTERS.map((n) => [n, query.get(n)]));
  const key = JSON.stringify([trade, params]);
  const [error, setError] = useState(null); // a refused filter: shown in the form, beside its field
  const fetchPage = (cursor) => get('/leeds', { auth: false, query: { trade, ...params, limit: 25, cursor } });
  return html`<section aria-labelledby="leedz-heading">
    <h2 id="leedz-heading">${tradeLabel(trade)}: leedz for sale</h2>
    <${Filters} trade=${trade} query=${query} error=${error} />
    <${PagedLeeds} fetchPage=${fetchPage} reset=${key} label=${`${tradeLabel(trade)} leedz`} onError=${setError}
      empty="No leedz for sale match. Try other dates or another ZIP code." />
  </section>`;
}

export function Browse({ query }) {
  const trades = useLoad(() => get('/trades', { auth: false }).then((r) => { rememberTrades(r.items); return r.items; }), []);
  const trade = query.get('trade');
  return html`<${Page} title="Browse leedz">
    <p class="lede">Gig leads from performers who could not take the job. Pick a trade to see what is for sale.</p>
    ${trades.loading && html`<${Loading} what="Loading trades" />`}
    <${ErrorMessage} error=${trades.error} />
    ${trades.data && html`<${Trades} trades=${trades.data} current=${trade} />`}
    ${trade && html`<${TradeLeeds} trade=${trade} query=${query} />`}
  <//>`;
}
