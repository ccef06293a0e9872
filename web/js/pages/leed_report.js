// "Report this leed" for a signed-in user who is not its seller: a reason (1-500 characters) sent to
// POST /leeds/{id}/report. 202 thanks the user; the server's own words say the rest (409: already reported;
// 429: api.js adds the Retry-After wait); a 422 sits beside the reason.
import { html, useEffect, useRef, useState } from '../vendor.js';
import { post } from '../api.js';
import { Field, FormErrors } from '../ui.js';

export function ReportLeed({ leedId }) {
  const [open, setOpen] = useState(false);
  const [state, setState] = useState({ busy: false, error: null, note: null });
  const form = useRef(null);
  useEffect(() => { if (open) form.current?.querySelector('textarea')?.focus(); }, [open]);
  const submit = async (event) => {
    event.preventDefault();
    setState({ busy: true, error: null, note: null });
    try {
      await post(`/leeds/${encodeURIComponent(leedId)}/report`, { reason: new FormData(event.target).get('reason') });
      setOpen(false);
      setState({ busy: false, error: null, note: 'Thanks, the admins will look at it.' });
    } catch (error) {
      setState({ busy: false, error, note: null });
    }
  };
  const status = state.note && html`<p class="alert ok" role="status">${state.note}</p>`;
  if (!open) {
    return html`<div class="report-leed">${status}
      <button type="button" onClick=${() => { setState({ busy: false, error: null, note: null }); setOpen(true); }}>
        Report this leed</button></div>`;
  }
  return html`<section class="report-leed" aria-labelledby="report-heading">
    <h2 id="report-heading">Report this leed</h2>
    <form ref=${form} onSubmit=${submit} novalidate>
      <${FormErrors} error=${state.error} known=${['reason']} />
      <${Field} as="textarea" name="reason" label="Reason" rows="3" maxlength="500" required
        hint="What is wrong with it (spam, a fake gig, rude words…): up to 500 characters. Only the admins see it."
        error=${state.error?.fields?.reason} />
      <button type="submit" class="danger" disabled=${state.busy}>${state.busy ? 'Sending…' : 'Send the report'}</button>
      <button type="button" onClick=${() => setOpen(false)} disabled=${state.busy}>Cancel</button>
    </form>
  </section>`;
}
