// One leed (/leeds/{id}): the public view to anyone signed in, the full view (address, details, buyer) to its
// seller and buyer; Buy for others, Withdraw and Edit for its seller, Report for others, and its photos.
import { html, useEffect, useState } from '../vendor.js';
import { del, get, post, profile } from '../api.js';
import { Confirm, ErrorMessage, Loading, Page, useLoad } from '../ui.js';
import { price, span, STATUS, tradeLabel, rememberTrades } from '../format.js';
import { Attachments } from './attachments.js';
import { EditLeed } from './leed_edit.js';
import { ReportLeed } from './leed_report.js';

function Facts({ leed }) {
  const row = (term, value) => html`<div><dt>${term}</dt><dd>${value}</dd></div>`;
  return html`<dl class="facts">
    ${row('Trade', tradeLabel(leed.trade))}
    ${row('When', span(leed.start, leed.end))}
    ${leed.location ? row('Where', `${leed.location.address}, ${leed.location.zip}`) : row('ZIP code', leed.zip)}
    ${row('Price', price(leed.price_cents))}
    ${row('Seller', leed.seller)}
    ${row('Status', STATUS[leed.status] || leed.status)}
    ${leed.buyer && row('Buyer', leed.buyer)}
  </dl>
  ${leed.details !== undefined && html`<h2>Details</h2>
    <p class="details">${leed.details || 'The seller added no details.'}</p>`}`;
}

function Actions({ leed, me, onChange }) {
  const [state, setState] = useState({ busy: false, error: null, note: null });
  const act = async (call, note) => {
    setState({ busy: true, error: null, note: null });
    try {
      onChange(await call());
      setState({ busy: false, error: null, note });
    } catch (error) {
      setState({ busy: false, error, note: null });
      return false;
    }
  };
  const path = `/leeds/${encodeURIComponent(leed.id)}`;
  const buy = () => act(() => post(`${path}/buy`), 'You bought this leed: its address and details are above.');
  const withdraw = () => act(() => del(path).then(() => get(path)), 'You withdrew this leed. It is no longer for sale.');
  const isSeller = me.username === leed.seller;
  return html`<div class="actions">
    <${ErrorMessage} error=${state.error} />
    ${state.note && html`<p class="alert ok" role="status">${state.note}</p>`}
    ${leed.status === 'for_sale' && !isSeller && html`<${Confirm} label=${`Buy for ${price(leed.price_cents)}`}
      question=${`Buy “${leed.title}” for ${price(leed.price_cents)}? You get the address and the details.`}
      confirmLabel="Yes, buy it" busy=${state.busy} onConfirm=${buy} />`}
    ${leed.status === 'for_sale' && isSeller && html`<${Confirm} label="Withdraw" danger busy=${state.busy}
      question="Withdraw this leed? Nobody can buy it any more." confirmLabel="Yes, withdraw it" onConfirm=${withdraw} />`}
  </div>`;
}

export function Leed({ id }) {
  const path = `/leeds/${encodeURIComponent(id)}`;
  const loaded = useLoad(() => Promise.all([get(path), profile(), get('/trades', { auth: false })]), [id]);
  const [leed, setLeed] = useState(null);
  useEffect(() => { if (loaded.data) { rememberTrades(loaded.data[2].items); setLeed(loaded.data[0]); } }, [loaded.data]);
  const me = loaded.data?.[1];
  const title = leed ? leed.title : loaded.error ? 'Leed not available' : 'Leed';
  return html`<${Page} title=${title}>
    ${loaded.loading && html`<${Loading} what="Loading the leed" />`}
    <${ErrorMessage} error=${loaded.error} />
    ${leed && me && html`
      ${leed.status !== 'for_sale' && html`<p class=${`status ${leed.status}`}>${STATUS[leed.status]}</p>`}
      <${Facts} leed=${leed} />
      <${Actions} leed=${leed} me=${me} onChange=${setLeed} />
      ${leed.status === 'for_sale' && me.username === leed.seller && html`<${EditLeed} leed=${leed} onSaved=${setLeed} />`}
      ${me.username !== leed.seller && html`<${ReportLeed} leedId=${leed.id} />`}
      <${Attachments} leedId=${leed.id} title=${leed.title} isSeller=${me.username === leed.seller} />`}
  <//>`;
}
