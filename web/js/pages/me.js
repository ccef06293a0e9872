// Me (/me): display name, the trades whose new leedz I get by email (toggles, saved at once), my numbers; why we
// stopped emailing me (a bounce or a spam complaint), and deleting my account.
import { html, useState } from '../vendor.js';
import { del, forgetMe, get, profile, put } from '../api.js';
import { navigate } from '../router.js';
import { Confirm, ErrorMessage, Field, FormErrors, Loading, Page, useLoad } from '../ui.js';
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

// In the words of shared/ses_feedback.py MESSAGES (the notification the user also gets).
const STOPPED = {
  bounced: (address) => `Our emails to ${address} bounce (the address does not accept mail), so we stopped sending `
    + 'them. Change your email address to get leedz emails again.',
  complained: (address) => `An email from leedz to ${address} was reported as spam, so we stopped emailing that `
    + 'address. Nothing more will be sent to it.',
};

function EmailStopped({ me }) {
  const says = STOPPED[me.email_status];
  if (!says) return null;
  return html`<div class="alert note" role="status">
    <p><strong>We stopped emailing you.</strong> ${says(me.email)}</p>
  </div>`;
}

function DeleteAccount() {
  const [state, setState] = useState({ busy: false, error: null });
  const erase = async () => {
    setState({ busy: true, error: null });
    try {
      await del('/users/me');
    } catch (error) {
      setState({ busy: false, error });
      return false;
    }
    forgetMe(); // signed out here: the token names an account being erased
    navigate('/account-deleted', { replace: true });
  };
  return html`<section class="delete-account" aria-labelledby="delete-heading">
    <h2 id="delete-heading">Delete my account</h2>
    <p>Your profile, subscriptions, notifications and photos are erased and your leedz for sale are withdrawn.
      Leedz you sold or bought keep the sale, under a deleted user's name. This cannot be undone.</p>
    <${ErrorMessage} error=${state.error} />
    <${Confirm} label="Delete my account" danger busy=${state.busy} onConfirm=${erase}
      question="Delete your account and everything in it for good?" confirmLabel="Yes, delete my account" />
  </section>`;
}

export function AccountDeleted() {
  return html`<${Page} title="Your account is being erased">
    <p>We are erasing your profile, subscriptions, notifications and photos, and withdrawing your leedz for sale.
      It takes a few minutes. You are signed out.</p>
    <p><a href="/">Browse the leedz</a></p>
  <//>`;
}

export function Me() {
  const loaded = useLoad(() => Promise.all([profile(true), get('/trades', { auth: false })]), []);
  const [me, setMe] = useState(null);
  const current = me || loaded.data?.[0];
  return html`<${Page} title="Me">
    ${loaded.loading && html`<${Loading} what="Loading your profile" />`}
    <${ErrorMessage} error=${loaded.error} />
    ${current && html`
      <${EmailStopped} me=${current} />
      <p>Username <strong>${current.username}</strong>, email <strong>${current.email}</strong>.</p>
      <${NameForm} me=${current} onSaved=${setMe} />
      <${Subscriptions} me=${current} trades=${loaded.data[1].items} />
      <${Stats} stats=${current.stats} />
      <${DeleteAccount} />`}
  <//>`;
}
