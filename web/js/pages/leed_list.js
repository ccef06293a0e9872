// A list of leeds (browse, my leeds) with "Show more" paging by the API's `next` cursor.
import { html, useEffect, useState } from '../vendor.js';
import { ErrorMessage, Loading } from '../ui.js';
import { price, span, STATUS, tradeLabel } from '../format.js';

export function LeedSummary({ leed }) {
  return html`<li class="leed-card">
    <h3><a href=${`/leeds/${encodeURIComponent(leed.id)}`}>${leed.title}</a></h3>
    <p class="meta">
      <span>${tradeLabel(leed.trade)}</span>
      <span>${span(leed.start, leed.end)}</span>
      <span>ZIP ${leed.zip || leed.location?.zip}</span>
      <span class="price">${price(leed.price_cents)}</span>
      ${leed.status !== 'for_sale' && html`<span class=${`status ${leed.status}`}>${STATUS[leed.status] || leed.status}</span>`}
    </p>
  </li>`;
}

/** `fetchPage(cursor)` resolves to {items, next}; a change of `reset` starts again from the first page.
 * `onError(error or null)`, if given, takes a failure to show it elsewhere (beside a filter's field). */
export function PagedLeeds({ fetchPage, reset, empty, label, onError }) {
  const [state, setState] = useState({ items: [], next: null, loading: true, error: null });
  const load = (cursor, items) => {
    setState((s) => ({ ...s, loading: true, error: null }));
    fetchPage(cursor).then(
      (page) => setState({ items: [...items, ...page.items], next: page.next, loading: false, error: null }),
      // a refused first page shows no list: the one shown was for other filters
      (error) => setState((s) => ({ ...s, items: cursor ? s.items : [], loading: false, error })),
    );
  };
  useEffect(() => load(null, []), [reset]);
  useEffect(() => onError?.(state.error), [state.error]);
  const { items, next, loading, error } = state;
  return html`<div class="leed-list">
    ${items.length > 0 && html`<ul aria-label=${label}>${items.map((leed) => html`<${LeedSummary} key=${leed.id} leed=${leed} />`)}</ul>`}
    ${!loading && !error && items.length === 0 && html`<p class="empty">${empty}</p>`}
    ${!onError && html`<${ErrorMessage} error=${error} />`}
    ${loading ? html`<${Loading} what="Loading leedz" />`
      : next && html`<p><button type="button" onClick=${() => load(next, items)}>Show more</button></p>`}
  </div>`;
}
