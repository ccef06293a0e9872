// Unsubscribe (/unsubscribe?token=...): the link in every new-leed email. Opening it changes nothing; the
// button POSTs the token to the API (the same one-click unsubscribe mail clients use, RFC 8058).
import { html, useState } from '../vendor.js';
import { config } from '../config.js';
import { Page } from '../ui.js';

export function Unsubscribe({ token }) {
  const [state, setState] = useState({ phase: 'ask', message: null });
  const confirm = async () => {
    setState({ phase: 'busy', message: null });
    try {
      const resp = await fetch(`${config().api}/unsubscribe?${new URLSearchParams({ token })}`, { method: 'POST' });
      if (resp.ok) return setState({ phase: 'done', message: null });
      const body = await resp.json().catch(() => ({}));
      setState({ phase: 'ask', message: body.message || `The server answered ${resp.status}.` });
    } catch {
      setState({ phase: 'ask', message: 'Could not reach the server. Try again.' });
    }
  };
  if (!token) {
    return html`<${Page} title="Unsubscribe"><p>This link has no token. Use the link from the email, or change
      your subscriptions on <a href="/me">your page</a>.</p><//>`;
  }
  return html`<${Page} title="Unsubscribe">
    ${state.phase === 'done'
      ? html`<p class="alert ok" role="status">You are unsubscribed: no more emails about new leedz in that trade.
          You can subscribe again on <a href="/me">your page</a>.</p>`
      : html`<p>Stop the emails about new leedz in this trade?</p>
        ${state.message && html`<div class="alert error" role="alert"><p>${state.message}</p></div>`}
        <button type="button" class="primary" onClick=${confirm} disabled=${state.phase === 'busy'}>Unsubscribe</button>`}
  <//>`;
}
