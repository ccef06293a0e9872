// The emulator's data, read-only: the tables' items by partition-key prefix and the buckets' objects.
import { html } from '../vendor.js';
import { get } from '../api.js';
import { go } from '../router.js';
import { ErrorBox, Field, Json, Loading, Page, usePoll } from '../ui.js';

const LIMIT = 100;

function Items({ prefix, bucket, objectPrefix }) {
  const { data, error } = usePoll(() => get('/data/items', { prefix, limit: LIMIT }), [prefix], 0);
  const submit = (e) => {
    e.preventDefault();
    go('data', { prefix: new FormData(e.currentTarget).get('prefix'), bucket, object_prefix: objectPrefix });
  };
  return html`<section aria-labelledby="items-title">
    <h2 id="items-title">Items</h2>
    <form class="filters" onSubmit=${submit} aria-label="Find items" key=${prefix}>
      <${Field} id="prefix" label="Partition key begins with" defaultValue=${prefix} placeholder="e.g. LEED#" size="44" />
      <button type="submit">Show items</button>
    </form>
    <${ErrorBox} error=${error} />
    ${data === undefined ? html`<${Loading} />` : html`
      <p class="count">${data.items.length} item${data.items.length === 1 ? '' : 's'}${data.truncated ? ` (the first ${LIMIT}; narrow the prefix)` : ''}</p>
      <table class="items"><caption class="visually-hidden">Items</caption>
        <thead><tr><th scope="col">Table</th><th scope="col">pk</th><th scope="col">sk</th><th scope="col">Item</th></tr></thead>
        <tbody>${data.items.map(({ table, item }, n) => html`<tr key=${`${table}|${item.pk}|${item.sk}|${n}`}>
          <td>${table}</td><td><code>${item.pk}</code></td><td><code>${item.sk}</code></td>
          <td><details><summary>${Object.keys(item).length} attributes</summary><${Json} value=${item} /></details></td>
        </tr>`)}</tbody></table>`}
  </section>`;
}

function Objects({ prefix, bucket, objectPrefix }) {
  const { data, error } = usePoll(() => get('/data/objects', { bucket, prefix: objectPrefix, limit: LIMIT }),
    [bucket, objectPrefix], 0);
  const submit = (e) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    go('data', { prefix, bucket: form.get('bucket'), object_prefix: form.get('object_prefix') });
  };
  return html`<section aria-labelledby="objects-title">
    <h2 id="objects-title">Objects</h2>
    <form class="filters" onSubmit=${submit} aria-label="Find objects" key=${`${bucket}|${objectPrefix}|${data?.buckets?.length}`}>
      <div class="field"><label for="bucket">Bucket</label>
        <select id="bucket" name="bucket" defaultValue=${bucket}>
          <option value="">All buckets</option>
          ${(data?.buckets || []).map((name) => html`<option key=${name} value=${name} selected=${name === bucket}>${name}</option>`)}
        </select></div>
      <${Field} id="object_prefix" label="Object key begins with" defaultValue=${objectPrefix} />
      <button type="submit">Show objects</button>
    </form>
    <${ErrorBox} error=${error} />
    ${data === undefined ? html`<${Loading} />` : html`
      <p class="count">${data.items.length} object${data.items.length === 1 ? '' : 's'}${data.truncated ? ` (the first ${LIMIT})` : ''}</p>
      <table class="objects"><caption class="visually-hidden">Objects</caption>
        <thead><tr><th scope="col">Bucket</th><th scope="col">Key</th><th scope="col">Size</th><th scope="col">Last modified</th></tr></thead>
        <tbody>${data.items.map((o) => html`<tr key=${`${o.bucket}|${o.key}`}>
          <td>${o.bucket}</td><td><code>${o.key}</code></td><td>${o.size} B</td><td>${o.last_modified}</td></tr>`)}</tbody></table>`}
  </section>`;
}

export function Data({ query }) {
  const props = { prefix: query.get('prefix') || '', bucket: query.get('bucket') || '',
    objectPrefix: query.get('object_prefix') || '' };
  return html`<${Page} title="Data">
    <p>What the functions see, read-only: a look, not an editor.</p>
    <${Items} ...${props} />
    <${Objects} ...${props} />
  <//>`;
}
