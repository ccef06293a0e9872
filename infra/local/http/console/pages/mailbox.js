// Every email as its recipient got it: the HTML in a sandboxed frame (its own page, /_local/emails/html, with a
// CSP of its own: no script, no fetch), the text part, the headers and the raw message; search; empty.
import { html, useState } from '../vendor.js';
import { get, remove } from '../api.js';
import { go } from '../router.js';
import { Confirm, ErrorBox, Field, Loading, Page, time, usePoll } from '../ui.js';

const LIMIT = 50;

function Email({ email }) {
  return html`<article class="email" aria-labelledby="email-subject">
    <h2 id="email-subject">${email.subject}</h2>
    <table class="headers"><caption>Headers</caption><tbody>
      ${Object.entries(email.headers).map(([name, value]) => html`<tr key=${name}><th scope="row">${name}</th><td>${value}</td></tr>`)}
    </tbody></table>
    ${email.html != null
      ? html`<h3>HTML part</h3>
        <iframe class="email-html" sandbox="" src=${`/_local/emails/html?id=${email.id}`}
          title=${`The HTML part of “${email.subject}” to ${email.to.join(', ')}`}></iframe>`
      : html`<p>No HTML part.</p>`}
    <h3>Text part</h3>
    ${email.text != null ? html`<pre class="text-part" tabindex="0">${email.text}</pre>` : html`<p>No text part.</p>`}
    <details><summary>Raw message (MIME)</summary><pre class="raw" tabindex="0">${email.raw}</pre></details>
  </article>`;
}

export function Mailbox({ query }) {
  const to = query.get('to') || '';
  const subject = query.get('subject') || '';
  const [chosen, setChosen] = useState(null);
  const [notice, setNotice] = useState('');
  const { data, error, refresh } = usePoll(() => get('/emails', { to, subject, limit: LIMIT }), [to, subject]);
  const submit = (e) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    go('mailbox', { to: form.get('to').trim(), subject: form.get('subject').trim() });
  };
  const empty = async () => {
    await remove('/emails');
    setChosen(null);
    setNotice('The mailbox is empty.');
    refresh();
  };
  const emails = data ? [...data.items].reverse() : [];
  const shown = emails.find((e) => e.id === chosen);
  return html`<${Page} title="Mailbox" actions=${html`<${Confirm} label="Empty the mailbox" question="Delete every email?" onConfirm=${empty} />`}>
    <form class="filters" onSubmit=${submit} aria-label="Search the mailbox" key=${`${to}|${subject}`}>
      <${Field} id="to" label="Recipient" type="email" defaultValue=${to} placeholder="exact address" />
      <${Field} id="subject" label="Subject contains" defaultValue=${subject} />
      <button type="submit">Search</button>
      ${(to || subject) && html`<a href="#mailbox">Show all</a>`}
    </form>
    <p role="status" class="notice">${notice}</p>
    <${ErrorBox} error=${error} />
    ${data === undefined ? html`<${Loading} />` : html`<div class="split">
      <div class="list">
        <p class="count">${emails.length} email${emails.length === 1 ? '' : 's'}${emails.length === LIMIT ? ` (the newest ${LIMIT})` : ''}</p>
        <ul class="emails">${emails.map((e) => html`<li key=${e.id}>
          <button type="button" class="email-row" aria-pressed=${e.id === chosen ? 'true' : 'false'} onClick=${() => setChosen(e.id)}>
            <span class="subject">${e.subject}</span><span class="to">${e.to.join(', ')}</span><span class="sent">${time(e.sent)}</span>
          </button></li>`)}</ul>
      </div>
      <div class="detail">${shown ? html`<${Email} email=${shown} key=${shown.id} />` : html`<p>Choose an email to read it.</p>`}</div>
    </div>`}
  <//>`;
}
