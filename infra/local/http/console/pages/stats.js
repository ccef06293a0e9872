// Invocations by outcome, AWS calls per service and operation and per function, and the async events' fates.
import { html } from '../vendor.js';
import { get } from '../api.js';
import { ErrorBox, Loading, Page, usePoll } from '../ui.js';

const rows = (tree, depth) => (depth === 0 ? [[tree]] : Object.entries(tree).flatMap(([k, v]) => rows(v, depth - 1).map((r) => [k, ...r])));

function Table({ caption, columns, data }) {
  return html`<table class="stats">
    <caption>${caption}</caption>
    <thead><tr>${columns.map((c) => html`<th scope="col" key=${c}>${c}</th>`)}</tr></thead>
    <tbody>${data.length === 0 ? html`<tr><td colspan=${columns.length}>None yet.</td></tr>`
      : data.map((r) => html`<tr key=${r.slice(0, -1).join('|')}>${r.map((v, i) => html`<td key=${i} class=${typeof v === 'number' ? 'num' : ''}>${v}</td>`)}</tr>`)}</tbody>
  </table>`;
}

export function Stats() {
  const { data, error } = usePoll(() => get('/stats'), []);
  if (data === undefined) return html`<${Page} title="Stats"><${ErrorBox} error=${error} /><${Loading} /><//>`;
  const outcomes = [...new Set(Object.values(data.invocations).flatMap(Object.keys))].sort();
  const byOutcome = Object.entries(data.invocations).map(([fn, counts]) => [fn, ...outcomes.map((o) => counts[o] || 0)]);
  const durations = Object.entries(data.durations).map(([fn, d]) => [fn, d.count, Math.round(d.total_ms / d.count), d.max_ms]);
  return html`<${Page} title="Stats">
    <${ErrorBox} error=${error} />
    <div class="grid">
    <${Table} caption="Invocations by outcome (every run, sync and async)" columns=${['Function', ...outcomes]} data=${byOutcome} />
    <${Table} caption="Durations" columns=${['Function', 'Runs', 'Mean ms', 'Max ms']} data=${durations} />
    <${Table} caption="Async events" columns=${['What', 'Count']} data=${Object.entries(data.async || {})} />
    <${Table} caption="AWS calls per service and operation" columns=${['Service', 'Operation', 'Calls']} data=${rows(data.aws_calls, 2)} />
    <${Table} caption="AWS calls per function" columns=${['Function', 'Service', 'Operation', 'Calls']} data=${rows(data.aws_calls_by_function, 3)} />
    </div>
  <//>`;
}
