// Every async invocation, live: its attempts, its next retry, where it ended. A correlation id shows the chain
// from the HTTP request (its synchronous run) to every controller event it caused.
import { html, useEffect, useState } from '../vendor.js';
import { get } from '../api.js';
import { go } from '../router.js';
import { ErrorBox, Field, Json, Loading, Page, time, usePoll } from '../ui.js';

/** Where a delivery ended, in the words of Lambda's destinations. */
export function ended(inv) {
  if (inv.status === 'pending') return inv.attempts.length ? 'retrying' : 'running';
  const where = inv.destination ? ` → ${inv.destination}` : '';
  if (inv.condition === 'Success') return `succeeded${inv.destination ? `: OnSuccess${where}` : ''}`;
  const why = inv.condition === 'EventAgeExceeded' ? 'expired (EventAgeExceeded)' : 'failed (RetriesExhausted)';
  return `${why}${inv.destination ? `: OnFailure${where}` : ''}${inv.redriven ? ', redriven' : ''}`;
}

const Attempts = ({ attempts }) => html`<table class="attempts">
  <caption>Attempts</caption>
  <thead><tr><th scope="col">#</th><th scope="col">Started</th><th scope="col">Duration</th>
    <th scope="col">Outcome</th><th scope="col">Error</th></tr></thead>
  <tbody>${attempts.map((a) => html`<tr key=${a.number}>
    <td>${a.number}</td><td>${time(a.start)}</td><td>${a.duration_ms} ms</td>
    <td class=${`outcome ${a.outcome}`}>${a.outcome}</td><td class="error-text">${a.error || ''}</td></tr>`)}</tbody>
</table>`;

function Invocation({ inv }) {
  const id = `inv-${inv.id}`;
  const retry = inv.status === 'pending' && inv.next_attempt && inv.attempts.length > 0;
  return html`<article class=${`card ${inv.status}`} aria-labelledby=${id}>
    <h3 id=${id}>${inv.function} <span class="what">${inv.event?.function || inv.source}</span></h3>
    <p class=${`ended ${inv.status}`}>${ended(inv)}</p>
    <dl class="facts">
      <dt>Accepted</dt><dd>${time(inv.accepted)}${inv.duplicate ? ' (a duplicate delivery)' : ''}</dd>
      <dt>Request id</dt><dd><code>${inv.request_id}</code></dd>
      ${inv.correlation_id && html`<dt>Correlation id</dt><dd><a href=${`#invocations?correlation_id=${encodeURIComponent(inv.correlation_id)}`}><code>${inv.correlation_id}</code></a></dd>`}
      ${retry && html`<dt>Next retry</dt><dd>${time(inv.next_attempt)}</dd>`}
    </dl>
    ${inv.attempts.length > 0 && html`<${Attempts} attempts=${inv.attempts} />`}
    <details><summary>Event</summary><${Json} value=${inv.event} /></details>
  </article>`;
}

const Runs = ({ runs }) => html`<table>
  <caption>Synchronous runs (the HTTP request)</caption>
  <thead><tr><th scope="col">Function</th><th scope="col">Request id</th><th scope="col">Started</th>
    <th scope="col">Duration</th><th scope="col">Outcome</th><th scope="col">AWS calls</th></tr></thead>
  <tbody>${runs.map((r) => html`<tr key=${r.request_id}>
    <td>${r.function}</td><td><code>${r.request_id}</code></td><td>${time(r.start)}</td><td>${r.duration_ms} ms</td>
    <td class=${`outcome ${r.outcome}`}>${r.outcome}${r.error ? `: ${r.error}` : ''}</td>
    <td>${Object.entries(r.calls).map(([k, n]) => `${k} ×${n}`).join(', ')}</td></tr>`)}</tbody>
</table>`;

async function load(fn, correlation) {
  const [invocations, stats, runs] = await Promise.all([
    get('/invocations', { function: fn, correlation_id: correlation, limit: 100 }),
    get('/stats'),
    correlation ? get('/runs', { correlation_id: correlation }) : null,
  ]);
  const functions = new Set([...Object.keys(stats.invocations), ...invocations.items.map((i) => i.function)]);
  return { items: invocations.items, functions: [...functions].sort(), runs: runs ? runs.items.filter((r) => !r.async) : [] };
}

export function Invocations({ query }) {
  const fn = query.get('function') || '';
  const correlation = query.get('correlation_id') || '';
  const [draft, setDraft] = useState(correlation);
  useEffect(() => setDraft(correlation), [correlation]); // a followed correlation link fills the field
  const { data, error } = usePoll(() => load(fn, correlation), [fn, correlation]);
  const submit = (e) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    go('invocations', { function: form.get('function'), correlation_id: form.get('correlation_id').trim() });
  };
  const items = data && (correlation ? [...data.items].reverse() : data.items);
  return html`<${Page} title=${correlation ? 'Invocation chain' : 'Invocations'}>
    <form class="filters" onSubmit=${submit} aria-label="Filter invocations">
      <div class="field"><label for="function">Function</label>
        <select id="function" name="function" value=${fn}
          onChange=${(e) => go('invocations', { function: e.currentTarget.value, correlation_id: correlation })}>
          <option value="">All functions</option>
          ${(data?.functions || (fn ? [fn] : [])).map((name) => html`<option key=${name} value=${name}>${name}</option>`)}
        </select></div>
      <${Field} id="correlation_id" label="Correlation id" value=${draft} onInput=${(e) => setDraft(e.currentTarget.value)}
        placeholder="an HTTP request's x-amzn-RequestId" size="40" />
      <button type="submit">Show</button>
      ${(fn || correlation) && html`<a href="#invocations" onClick=${() => setDraft('')}>Show all</a>`}
    </form>
    <${ErrorBox} error=${error} />
    ${data === undefined ? html`<${Loading} />` : html`
      ${correlation && html`<h2>The HTTP request</h2>${data.runs.length
        ? html`<${Runs} runs=${data.runs} />` : html`<p>No synchronous run carries this correlation id.</p>`}
        <h2>What it caused</h2>`}
      <p class="count" role="status">${items.length} invocation${items.length === 1 ? '' : 's'}${items.length === 100 ? ' (the newest 100)' : ''}, updated every 2 s</p>
      ${items.map((inv) => html`<${Invocation} key=${inv.id} inv=${inv} />`)}`}
  <//>`;
}
