// Post a leed (/post): every field of POST /leeds, named by the API's field paths so its 422 details land
// beside their inputs; a 409 (booking conflict) and model-level errors go above the form.
import { html, useState } from '../vendor.js';
import { get, post } from '../api.js';
import { navigate } from '../router.js';
import { Field, FormErrors, Loading, Page, useLoad } from '../ui.js';
import { localInput, withOffset } from '../format.js';

export const FIELDS = ['trade', 'title', 'start', 'end', 'location.address', 'location.zip', 'price_cents', 'details'];

/** A price in dollars as cents; one that is not a number is sent as is, so the server's message explains. */
export function centsOf(dollars) {
  const text = (dollars || '').trim();
  return /^\d+(\.\d{1,2})?$/.test(text) ? Math.round(Number(text) * 100) : text;
}

/** The form as the API's body. */
function bodyOf(form) {
  return {
    trade: form.get('trade'),
    title: form.get('title'),
    start: withOffset(form.get('start')),
    end: withOffset(form.get('end')),
    location: { address: form.get('location.address'), zip: form.get('location.zip').trim() },
    price_cents: centsOf(form.get('price_cents')),
    details: form.get('details'),
  };
}

/** The fields of a leed but its trade, named by the API's paths; `leed` (a full view) fills them in to edit it. */
export function LeedFields({ err, leed }) {
  const value = (v) => (leed ? v : undefined);
  return html`
    <${Field} name="title" label="Title" required maxlength="120" hint="What the gig is, up to 120 characters."
      defaultValue=${value(leed?.title)} error=${err('title')} />
    <div class="row">
      <${Field} name="start" label="Starts" type="datetime-local" required hint="In the future; your time zone."
        defaultValue=${value(leed && localInput(leed.start))} error=${err('start')} />
      <${Field} name="end" label="Ends" type="datetime-local" required hint="After the start, at most 24 hours later."
        defaultValue=${value(leed && localInput(leed.end))} error=${err('end')} />
    </div>
    <${Field} name="location.address" label="Address" required maxlength="200" autocomplete="street-address"
      hint="Only the buyer sees it." defaultValue=${value(leed?.location?.address)} error=${err('location.address')} />
    <${Field} name="location.zip" label="ZIP code" required inputmode="numeric" autocomplete="postal-code"
      hint="5 digits, or ZIP+4 (12345-6789). Shown to everyone." defaultValue=${value(leed?.location?.zip)}
      error=${err('location.zip')} />
    <${Field} name="price_cents" label="Price (US dollars)" required inputmode="decimal"
      hint="What the buyer pays you, from 0 to 10,000.00." defaultValue=${value(leed && (leed.price_cents / 100).toFixed(2))}
      error=${err('price_cents')} />
    <${Field} as="textarea" name="details" label="Details" rows="5" maxlength="2000"
      hint="Contact, timing, what the client wants: up to 2,000 characters, only the buyer sees them."
      defaultValue=${value(leed?.details)} error=${err('details')} />`;
}

export function PostLeed() {
  const trades = useLoad(() => get('/trades', { auth: false }).then((r) => r.items), []);
  const [state, setState] = useState({ busy: false, error: null });
  const submit = async (event) => {
    event.preventDefault();
    setState({ busy: true, error: null });
    try {
      const leed = await post('/leeds', bodyOf(new FormData(event.target)));
      navigate(`/leeds/${encodeURIComponent(leed.id)}`);
    } catch (error) {
      setState({ busy: false, error });
      document.querySelector('.alert.error')?.scrollIntoView?.({ block: 'nearest' });
    }
  };
  const err = (name) => state.error?.fields?.[name];
  const preset = new URLSearchParams(location.search).get('trade');
  return html`<${Page} title="Post a leed">
    <p class="lede">Sell a gig you cannot take. Buyers see the trade, the date, the ZIP code and the price; only
      the buyer sees the address and the details.</p>
    ${trades.loading && html`<${Loading} what="Loading trades" />`}
    ${trades.data && html`<form class="post-form" onSubmit=${submit} novalidate>
      <${FormErrors} error=${state.error} known=${FIELDS} />
      <${Field} as="select" name="trade" label="Trade" required error=${err('trade')}>
        ${trades.data.map((t) => html`<option key=${t.name} value=${t.name} selected=${t.name === preset}>${t.label}</option>`)}
      <//>
      <${LeedFields} err=${err} />
      <button type="submit" class="primary" disabled=${state.busy}>${state.busy ? 'Posting…' : 'Post the leed'}</button>
    </form>`}
  <//>`;
}
