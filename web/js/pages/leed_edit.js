// The seller's Edit form on a leed for sale: the post form's fields filled in, and PATCH /leeds/{id} with only
// the fields the seller changed (an untouched field is not sent, so it cannot clash with a concurrent edit).
// A 422 lands beside its field and a 409 (sold meanwhile, or a booking conflict) above the form, as on /post.
import { html, useEffect, useRef, useState } from '../vendor.js';
import { patch } from '../api.js';
import { FormErrors } from '../ui.js';
import { localInput, withOffset } from '../format.js';
import { centsOf, FIELDS, LeedFields } from './post.js';

/** What the form changes of `leed`, as PATCH's body (location goes whole: the API checks address and ZIP
 * together); empty when nothing changed. */
export function changesOf(form, leed) {
  const body = {};
  const text = (name) => form.get(name);
  if (text('title') !== leed.title) body.title = text('title');
  if (text('details') !== (leed.details || '')) body.details = text('details');
  const cents = centsOf(text('price_cents'));
  if (cents !== leed.price_cents) body.price_cents = cents;
  for (const name of ['start', 'end']) {
    if (text(name) !== localInput(leed[name])) body[name] = withOffset(text(name));
  }
  const location = { address: text('location.address'), zip: text('location.zip').trim() };
  if (location.address !== leed.location.address || location.zip !== leed.location.zip) body.location = location;
  return body;
}

export function EditLeed({ leed, onSaved }) {
  const [open, setOpen] = useState(false);
  const [state, setState] = useState({ busy: false, error: null, note: null });
  const form = useRef(null);
  const toggle = useRef(null);
  useEffect(() => { if (open) form.current?.querySelector('input')?.focus(); }, [open]);
  const close = (note = null) => {
    setOpen(false);
    setState({ busy: false, error: null, note });
    setTimeout(() => toggle.current?.focus());
  };
  const submit = async (event) => {
    event.preventDefault();
    const body = changesOf(new FormData(event.target), leed);
    if (Object.keys(body).length === 0) return close('You changed nothing, so nothing was saved.');
    setState({ busy: true, error: null, note: null });
    try {
      onSaved(await patch(`/leeds/${encodeURIComponent(leed.id)}`, body));
      close('Your changes are saved.');
    } catch (error) {
      setState({ busy: false, error, note: null });
    }
  };
  const err = (name) => state.error?.fields?.[name];
  if (!open) {
    return html`<div class="edit-leed">
      ${state.note && html`<p class="alert ok" role="status">${state.note}</p>`}
      <button type="button" ref=${toggle} onClick=${() => setOpen(true)}>Edit</button>
    </div>`;
  }
  return html`<section class="edit-leed" aria-labelledby="edit-heading">
    <h2 id="edit-heading">Edit this leed</h2>
    <form class="post-form" ref=${form} onSubmit=${submit} novalidate>
      <${FormErrors} error=${state.error} known=${FIELDS} />
      <${LeedFields} err=${err} leed=${leed} />
      <button type="submit" class="primary" disabled=${state.busy}>${state.busy ? 'Saving…' : 'Save changes'}</button>
      <button type="button" onClick=${() => close()} disabled=${state.busy}>Cancel</button>
    </form>
  </section>`;
}
