// Me (/me): display name, the trades whose new leedz I get by email (toggles, saved at once), my numbers.
import { html, useState } from '../vendor.js';
import { del, get, profile, put } from '../api.js';
import { ErrorMessage, Field, FormErrors, Loading, Page, useLoad } from '../ui.js';
import { price } from '../format.js';

function NameForm({ me, onSaved }) {
  const [state, setState] = useState({ busy: false, error: null, saved: false });
  const submit = async (event) => {
    event.preventDefault();
    setState({ busy: true, error: null, saved: false });
    try {
      await put('/users/me', { name: new FormData(event.target).get('name') });
      onSaved(await profile(true));
      setState({ busy: false, error: null, saved: true });
    } catch (error) {
      setState({ busy: false, error, saved: false });
    }
  };
  return html`<form class="name-form" onSubmit=${submit}>
    <${FormErrors} error=${state.error} known=${['name']} />
    <${Field} name="name" label="Display name" value=${me.name} autocomplete="nickname"
      hint="Shown to people you buy from and sell to." error=${state.error?.fields?.name} />
    <button type="submit" disabled=${state.busy}>Save name</button>
    ${state.saved && html`<p class="alert ok" role="status">Saved.</p>`}
  </form>`;
}

function Subscriptions({ me, trades }) {
  const [subscribed, setSubscribed] = useState(new Set(me.subscriptions));
  const [error, setError] = useState(null);
  const toggle = async (trade, on) => {
    setError(null);
    const next = new Set(subscribed);
    if (on) next.add(trade); else next.delete(trade);
    setSubscribed(next);
    try {
      await (on ? put : del)(`/users/me/subscriptions/${encodeURIComponent(trade)}`);
    } catch (err) {
      setSubscribed(new Set(subscribed));
      setError(err);
    }
  };
  return html`<fieldset class="subscriptions">
    <legend>Email me new leedz for</legend>
    <${ErrorMessage} error=${error} />
    <ul class="toggles">${trades.map((t) => html`<li key=${t.name}>
      <input type="checkbox" role="switch" id=${`sub-${t.name}`} checked=${subscribed.has(t.name)}
        onChange=${(event) => toggle(t.name, event.target.checked)} />
      <label for=${`sub-${t.name}`}>${t.label}</label></li>`)}</ul>
  </fieldset>`;
}

function Stats({ stats }) {
  const row = (term, value) => html`<div><dt>${term}</dt><dd>${value}</dd></div>`;
  return html`<h2>My numbers</h2><dl class="facts stats">
    ${row('Leedz posted', stats.posted)}${row('Leedz sold', stats.sold)}${row('Leedz bought', stats.bought)}
    ${row('Earned', price(stats.earned_cents))}${row('Spent', price(stats.spent_cents))}
  </dl>`;
}

export function Me() {
  const loaded = useLoad(() => Promise.all([profile(true), get('/trades', { auth: false })]), []);
  const [me, setMe] = useState(null);
  const current = me || loaded.data?.[0];
  return html`<${Page} title="Me">
    ${loaded.loading && html`<${Loading} what="Loading your profile" />`}
    <${ErrorMessage} error=${loaded.error} />
    ${current && html`
      <p>Username <strong>${current.username}</strong>, email <strong>${current.email}</strong>.</p>
      <${NameForm} me=${current} onSaved=${setMe} />
      <${Subscriptions} me=${current} trades=${loaded.data[1].items} />
      <${Stats} stats=${current.stats} />`}
  <//>`;
}
