// Small pieces every page uses: a page frame that names itself, labelled fields that show the server's message
// for their dotted name, the error box above a form, and a hook for "load this, show loading or the error".
import { html, useCallback, useEffect, useRef, useState } from './vendor.js';

let firstPage = true;

/** A page: sets the document title and, after an in-app navigation, moves focus to its heading (so screen
 * readers announce the new page and Tab starts from the top of it). */
export function Page({ title, children }) {
  const heading = useRef(null);
  useEffect(() => { document.title = `${title} · Leedz`; }, [title]);
  useEffect(() => {
    if (!firstPage) heading.current?.focus();
    firstPage = false;
  }, []);
  return html`<section aria-labelledby="page-title">
    <h1 id="page-title" tabindex="-1" ref=${heading}>${title}</h1>
    ${children}
  </section>`;
}

export const fieldId = (name) => `field-${name.replace(/[^a-zA-Z0-9]+/g, '-')}`;

/** A labelled input named by the API's dotted field path; `error` (the server's message) sits beside it. */
export function Field({ name, label, hint, error, as = 'input', children, ...rest }) {
  const id = fieldId(name);
  const described = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined;
  const props = { id, name, 'aria-describedby': described, 'aria-invalid': error ? 'true' : undefined, ...rest };
  let control;
  if (as === 'select') control = html`<select ...${props}>${children}</select>`;
  else if (as === 'textarea') control = html`<textarea ...${props}></textarea>`;
  else control = html`<input ...${props} />`;
  return html`<div class=${`field${error ? ' invalid' : ''}`}>
    <label for=${id}>${label}</label>
    ${control}
    ${hint && html`<p class="hint" id=${`${id}-hint`}>${hint}</p>`}
    ${error && html`<p class="field-error" id=${`${id}-error`}>${error}</p>`}
  </div>`;
}

/** The error above a form: its message, and any field messages no input of the form shows (model-level ones). */
export function FormErrors({ error, known = [] }) {
  if (!error) return null;
  const shown = new Set(known);
  const others = Object.entries(error.fields || {}).filter(([name]) => !shown.has(name));
  const beside = Object.keys(error.fields || {}).length > others.length;
  return html`<div class="alert error" role="alert">
    <p>${error.message}${beside ? ' Please correct the fields marked below.' : ''}</p>
    ${others.length > 0 && html`<ul>${others.map(([name, message]) =>
      html`<li key=${name}>${name === 'body' ? '' : `${name}: `}${message}</li>`)}</ul>`}
  </div>`;
}

/** An error with no form of its own: its message and every field message. */
export const ErrorMessage = ({ error }) => html`<${FormErrors} error=${error} />`;

/** A button that asks before it acts: `question` and a confirm button appear in place (no window.confirm,
 * which a screen reader user may miss and a test cannot see); focus moves to the confirm button. */
export function Confirm({ label, question, confirmLabel, onConfirm, busy, danger }) {
  const [asking, setAsking] = useState(false);
  const yes = useRef(null);
  useEffect(() => { if (asking) yes.current?.focus(); }, [asking]);
  if (!asking) return html`<button type="button" class=${danger ? 'danger' : ''} onClick=${() => setAsking(true)}>${label}</button>`;
  return html`<div class="confirm" role="group" aria-label=${label}>
    <p>${question}</p>
    <button type="button" ref=${yes} class=${danger ? 'danger' : 'primary'} disabled=${busy}
      onClick=${async () => { if (await onConfirm() !== false) setAsking(false); }}>${confirmLabel}</button>
    <button type="button" onClick=${() => setAsking(false)} disabled=${busy}>Cancel</button>
  </div>`;
}

export const Loading = ({ what = 'Loading' }) => html`<p class="loading" role="status">${what}…</p>`;

/** Run `load` when `deps` change: {data, error, loading, reload, setData}. */
export function useLoad(load, deps) {
  const [state, setState] = useState({ data: undefined, error: null, loading: true });
  const run = useCallback(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, error: null, loading: false }),
      (error) => live && setState((s) => ({ data: s.data, error, loading: false })), // a failed refresh keeps what was shown
    );
    return () => { live = false; };
  }, deps); // the caller's deps decide when `load` runs again
  useEffect(run, [run]);
  const setData = (data) => setState((s) => ({ ...s, data }));
  return { ...state, reload: run, setData };
}
