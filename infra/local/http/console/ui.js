// Pieces every console page uses: the page frame, polling, times, JSON shown as text, the confirm-in-place button.
import { html, useEffect, useRef, useState } from './vendor.js';

export function Page({ title, actions, children }) {
  useEffect(() => { document.title = `${title} · Leedz local console`; }, [title]);
  return html`<section aria-labelledby="page-title">
    <div class="page-head"><h1 id="page-title">${title}</h1>${actions}</div>
    ${children}
  </section>`;
}

/** `load()` now and every `every` ms while the page shows (0: once); `refresh()` loads again at once. The last
 * data stays on screen through a failed poll, with the error beside it. */
export function usePoll(load, deps, every = 2000) {
  const [state, setState] = useState({ data: undefined, error: null });
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let live = true;
    let timer;
    const run = async () => {
      try {
        const data = await load();
        if (live) setState({ data, error: null });
      } catch (error) {
        if (live) setState((s) => ({ data: s.data, error }));
      }
      if (live && every) timer = setTimeout(run, every);
    };
    run();
    return () => { live = false; clearTimeout(timer); };
  }, [...deps, version]); // eslint-disable-line react-hooks/exhaustive-deps
  return { ...state, refresh: () => setVersion((v) => v + 1) };
}

const pad = (n, width = 2) => String(n).padStart(width, '0');

/** Epoch seconds as local HH:MM:SS.mmm (what a log line shows). */
export function time(seconds) {
  if (seconds == null) return '';
  const d = new Date(seconds * 1000);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export const Json = ({ value }) => html`<pre class="json" tabindex="0">${JSON.stringify(value, null, 2)}</pre>`;

export const ErrorBox = ({ error }) => error && html`<p class="alert error" role="alert">${error.message}</p>`;

export const Loading = () => html`<p class="loading" role="status">Loading…</p>`;

/** A button that asks in place before it acts (no window.confirm); focus moves to the confirming button. */
export function Confirm({ label, question, onConfirm }) {
  const [asking, setAsking] = useState(false);
  const yes = useRef(null);
  useEffect(() => { if (asking) yes.current?.focus(); }, [asking]);
  if (!asking) return html`<button type="button" class="danger" onClick=${() => setAsking(true)}>${label}</button>`;
  return html`<span class="confirm" role="group" aria-label=${label}>
    <span>${question}</span>
    <button type="button" class="danger" ref=${yes} onClick=${async () => { await onConfirm(); setAsking(false); }}>Yes, ${label.toLowerCase()}</button>
    <button type="button" onClick=${() => setAsking(false)}>Cancel</button>
  </span>`;
}

/** A labelled text field of a filter form: controlled (`value` and `onInput`) or not (`defaultValue`, so a
 * re-render by a poll never overwrites what is being typed). */
export const Field = ({ id, label, ...rest }) => html`<div class="field">
  <label for=${id}>${label}</label><input id=${id} name=${id} ...${rest} /></div>`;
