// The records that reached OnFailure destinations: payload and error; redrive one or all; purge.
import { html, useState } from '../vendor.js';
import { get, post, remove } from '../api.js';
import { Confirm, ErrorBox, Json, Loading, Page, usePoll } from '../ui.js';

const functionOf = (record) => (record.requestContext?.functionArn || '').split(':function:')[1]?.split(':')[0] || '?';

function errorOf(record) {
  const p = record.responsePayload;
  if (p && typeof p === 'object') return [p.errorType, p.errorMessage].filter(Boolean).join(': ') || JSON.stringify(p);
  return String(p ?? '');
}

function Failure({ record, onRedrive }) {
  const rid = record.requestContext.requestId;
  const id = `failure-${rid}`;
  return html`<article class="card failure" aria-labelledby=${id}>
    <h2 id=${id}>${functionOf(record)} <span class="what">${record.requestPayload?.function || ''}</span></h2>
    <p class="error-text">${errorOf(record)}</p>
    <dl class="facts">
      <dt>Request id</dt><dd><code>${rid}</code></dd>
      <dt>Condition</dt><dd>${record.requestContext.condition}</dd>
      <dt>Attempts</dt><dd>${record.requestContext.approximateInvokeCount}</dd>
      <dt>Failed at</dt><dd>${record.timestamp}</dd>
    </dl>
    <details><summary>Payload</summary><${Json} value=${record.requestPayload} /></details>
    <details><summary>Whole record</summary><${Json} value=${record} /></details>
    <button type="button" onClick=${() => onRedrive([rid])} aria-label=${`Redrive ${rid}`}>Redrive</button>
  </article>`;
}

export function Failures() {
  const [notice, setNotice] = useState('');
  const [failed, setFailed] = useState(null);
  const { data, error, refresh } = usePoll(() => get('/failed'), []);
  const act = async (what, work) => {
    try {
      setNotice(what(await work()));
      setFailed(null);
    } catch (e) {
      setFailed(e);
    }
    refresh();
  };
  const redrive = (ids) => act((r) => `Redriven ${r.redriven} record${r.redriven === 1 ? '' : 's'}.`,
    () => post('/redrive', ids ? { ids } : {}));
  const purge = () => act((r) => `Purged ${r.purged} record${r.purged === 1 ? '' : 's'}.`, () => remove('/failed'));
  const items = data?.items || [];
  return html`<${Page} title="Failures" actions=${html`<span class="actions">
      <button type="button" onClick=${() => redrive(null)} disabled=${!items.length}>Redrive all</button>
      <${Confirm} label="Purge all" question="Forget every failure record?" onConfirm=${purge} /></span>`}>
    <p role="status" class="notice">${notice}</p>
    <${ErrorBox} error=${failed || error} />
    ${data === undefined ? html`<${Loading} />` : items.length === 0
      ? html`<p>No failure records: nothing reached an OnFailure destination (or it was redriven or purged).</p>`
      : items.map((r) => html`<${Failure} key=${r.requestContext.requestId} record=${r} onRedrive=${redrive} />`)}
  <//>`;
}
