// Browse (/): the trades with their counts; a trade's leedz for sale, filtered by dates and ZIP (in the URL, so
// a filtered list is a link).
import { html } from '../vendor.js';
import { get } from '../api.js';
import { navigate } from '../router.js';
import { ErrorMessage, Field, Loading, Page, useLoad } from '../ui.js';
import { rememberTrades, tradeLabel } from '../format.js';
import { PagedLeeds } from './leed_list.js';

const FILTERS = ['from', 'to', 'zip'];

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
  return html`<form class="filters" onSubmit=${submit} key=${query.toString()}>
    <${Field} name="from" label="From" type="date" value=${query.get('from') || ''} error=${fieldError('from')} />
    <${Field} name="to" label="To" type="date" value=${query.get('to') || ''} error=${fieldError('to')} />
    <${Field} name="zip" label="ZIP code" inputmode="numeric" autocomplete="postal-code" value=${query.get('zip') || ''}
      error=${fieldError('zip')} />
    <button type="submit">Filter</button>
    ${FILTERS.some((n) => query.get(n)) && html`<a href=${`/?trade=${encodeURIComponent(trade)}`}>Clear filters</a>`}
  </form>`;
}

function TradeLeeds({ trade, query }) {
  const params = Object.fromEntries(FILTERS.map((n) => [n, query.get(n)]));
  const key = JSON.stringify([trade, params]);
  const fetchPage = (cursor) => get('/leeds', { auth: false, query: { trade, ...params, limit: 25, cursor } });
  return html`<section aria-labelledby="leedz-heading">
    <h2 id="leedz-heading">${tradeLabel(trade)}: leedz for sale</h2>
    <${Filters} trade=${trade} query=${query} />
    <${PagedLeeds} fetchPage=${fetchPage} reset=${key} label=${`${tradeLabel(trade)} leedz`}
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
