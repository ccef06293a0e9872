// A leed's photos: everyone signed in sees them; its seller adds them (pre-signed POST straight to S3, with a
// progress bar; then the thumbnail's pre-signed GET is polled until the conversion wrote it, or the attachment
// says why it was rejected) and deletes them.
import { html, useEffect, useRef, useState } from '../vendor.js';
import { ApiError, del, get, post, uploadToS3 } from '../api.js';
import { Confirm, ErrorMessage, Loading, useLoad } from '../ui.js';

const TYPES = ['image/jpeg', 'image/png', 'image/gif'];
const MAX_BYTES = 10 * 1024 * 1024;
const POLL_MS = 1000;
const POLL_FOR_MS = 90_000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether the image at `url` loads. An Image, not fetch: it needs no CORS from the bucket (a missing object's
 * error answer may carry none) and shares the browser's cache with the <img> that shows it next. */
function imageLoads(url) {
  return new Promise((resolve) => {
    const probe = new Image();
    probe.onload = () => resolve(true);
    probe.onerror = () => resolve(false);
    probe.src = url;
  });
}

/** Until the thumbnail exists (its URL answers 200) or the attachment is rejected; the final item. */
async function waitForThumbnail(leedId, created, alive) {
  const deadline = Date.now() + POLL_FOR_MS;
  while (Date.now() < deadline && alive()) {
    if (await imageLoads(created.thumbnail_url)) return { key: created.key, status: 'ready', thumbnail_url: created.thumbnail_url };
    const listed = (await get(`/leeds/${encodeURIComponent(leedId)}/attachments`)).items.find((a) => a.key === created.key);
    if (listed?.status === 'rejected') return listed;
    await sleep(POLL_MS);
  }
  throw new ApiError(0, 'timeout', 'The photo is taking long to process. Reload the page later to see it.');
}

/** An API that lists attachments without their `status` (older than CONTRACT.md): the thumbnail's own URL
 * says whether it is ready. */
async function withStatus(item) {
  if (item.status) return item;
  return { ...item, status: (await imageLoads(item.thumbnail_url)) ? 'ready' : 'pending' };
}

function Uploader({ leedId, onDone }) {
  const [state, setState] = useState({ phase: 'idle', progress: 0, error: null });
  const alive = useRef(true);
  useEffect(() => () => { alive.current = false; }, []);
  const submit = async (event) => {
    event.preventDefault();
    const form = event.target;
    const file = form.elements.photo.files[0];
    if (!file) return setState({ phase: 'idle', progress: 0, error: new ApiError(0, 'input', 'Choose a photo first.') });
    if (!TYPES.includes(file.type)) {
      return setState({ phase: 'idle', progress: 0, error: new ApiError(415, 'input', 'Choose a JPEG, PNG or GIF image.') });
    }
    if (file.size > MAX_BYTES) {  // the upload policy's cap: S3 would refuse it after the whole transfer
      return setState({ phase: 'idle', progress: 0, error: new ApiError(413, 'input', 'Choose a photo under 10 MB.') });
    }
    try {
      setState({ phase: 'uploading', progress: 0, error: null });
      const created = await post(`/leeds/${encodeURIComponent(leedId)}/attachments`,
        { filename: file.name, content_type: file.type });
      await uploadToS3(created.upload, file, (progress) => setState((s) => ({ ...s, progress })));
      setState({ phase: 'processing', progress: 1, error: null });
      onDone(await waitForThumbnail(leedId, created, () => alive.current));
      form.reset();
      setState({ phase: 'idle', progress: 0, error: null });
    } catch (error) {
      if (alive.current) setState({ phase: 'idle', progress: 0, error });
    }
  };
  const busy = state.phase !== 'idle';
  return html`<form class="uploader" onSubmit=${submit}>
    <div class="field">
      <label for="photo">Add a photo</label>
      <input id="photo" name="photo" type="file" accept=${TYPES.join(',')} aria-describedby="photo-hint" disabled=${busy} />
      <p class="hint" id="photo-hint">JPEG, PNG or GIF, up to 10 MB. Buyers see a thumbnail.</p>
    </div>
    <${ErrorMessage} error=${state.error} />
    ${busy && html`<div class="progress">
      <label for="upload-progress">${state.phase === 'uploading' ? 'Uploading' : 'Making the thumbnail'}</label>
      <progress id="upload-progress" max="100" value=${state.phase === 'uploading' ? Math.round(state.progress * 100) : undefined}>
        ${Math.round(state.progress * 100)}%</progress>
    </div>`}
    <button type="submit" disabled=${busy}>Upload</button>
  </form>`;
}

function Attachment({ item, index, title, isSeller, onDelete }) {
  const [error, setError] = useState(null);
  const remove = async () => {
    try {
      await del(`/leeds/${encodeURIComponent(item.leedId)}/attachments/${encodeURIComponent(item.key)}`);
      onDelete(item.key);
    } catch (err) {
      setError(err);
      return false;
    }
  };
  return html`<li class=${`attachment ${item.status}`}>
    ${item.status === 'ready' && html`<img src=${item.thumbnail_url} alt=${`Photo ${index + 1} of ${title}`} />`}
    ${item.status === 'pending' && html`<p>Not uploaded yet or still processing.</p>`}
    ${item.status === 'rejected' && html`<p class="field-error">Rejected: ${item.reason || 'not a valid image'}</p>`}
    ${isSeller && html`<${Confirm} label=${`Delete photo ${index + 1}`} question="Delete this photo?"
      confirmLabel="Delete" danger onConfirm=${remove} />`}
    <${ErrorMessage} error=${error} />
  </li>`;
}

export function Attachments({ leedId, title, isSeller }) {
  const list = useLoad(() => get(`/leeds/${encodeURIComponent(leedId)}/attachments`)
    .then((r) => Promise.all(r.items.map(withStatus))), [leedId]);
  const items = (list.data || []).map((item) => ({ ...item, leedId }));
  const replace = (done) => list.setData([...(list.data || []).filter((a) => a.key !== done.key), done]);
  const remove = (key) => list.setData((list.data || []).filter((a) => a.key !== key));
  return html`<section class="attachments" aria-labelledby="photos-heading">
    <h2 id="photos-heading">Photos</h2>
    ${list.loading && !list.data && html`<${Loading} what="Loading photos" />`}
    <${ErrorMessage} error=${list.error} />
    ${list.data && items.length === 0 && html`<p class="empty">No photos.</p>`}
    ${items.length > 0 && html`<ul class="photos">${items.map((item, index) => html`<${Attachment} key=${item.key}
      item=${item} index=${index} title=${title} isSeller=${isSeller} onDelete=${remove} />`)}</ul>`}
    ${isSeller && html`<${Uploader} leedId=${leedId} onDone=${replace} />`}
  </section>`;
}
