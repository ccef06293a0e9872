// The one place that talks to the API (CONTRACT.md, "HTTP API"). Every failure becomes an ApiError
// {status, code, message, fields}: `fields` maps the server's dotted field paths (`location.zip`) to messages,
// so forms show each one beside the input of that name. A 401 sends the user through sign-in and back here.
import { config } from './config.js';
import { forgetToken, signIn, token } from './auth.js';

export class ApiError extends Error {
  constructor(status, code, message, fields = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields;
  }
}

function fieldsOf(details) {
  const fields = {};
  for (const detail of Array.isArray(details) ? details : []) {
    const name = detail.field || 'body';
    fields[name] = fields[name] ? `${fields[name]} ${detail.message}` : detail.message;
  }
  return fields;
}

function errorFrom(resp, body) {
  const code = body?.error || (resp.status === 404 || resp.status === 403 ? 'not_found' : 'http_' + resp.status);
  let message = body?.message || `The server answered ${resp.status}.`;
  const retry = resp.headers.get('Retry-After');
  if (resp.status === 429 && retry) message += ` Try again in ${retry} s.`;
  return new ApiError(resp.status, code, message, fieldsOf(body?.details));
}

/** Leave for sign-in; the error stands for this request meanwhile (or says why sign-in is impossible). */
async function signInOr401(message) {
  try {
    await signIn();
  } catch (error) {
    throw new ApiError(401, 'unauthorized', error.message);
  }
  throw new ApiError(401, 'unauthorized', message);
}

/**
 * `auth: false` for public routes: no Authorization header, so a GET stays a simple request (no preflight).
 * Resolves to the parsed JSON body, or null for a 204.
 */
export async function request(method, path, { body, query, auth = true } = {}) {
  const url = new URL(config().api + path);
  for (const [name, value] of Object.entries(query || {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(name, value);
  }
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const bearer = auth ? token() : null;
  if (auth && !bearer) await signInOr401('Signing you in…');
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  let resp;
  try {
    resp = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'network', 'Could not reach the server. Check your connection and try again.');
  }
  if (resp.status === 204) return null;
  const parsed = await resp.json().catch(() => null);
  if (resp.ok) return parsed;
  if (resp.status === 401 && auth) {
    forgetToken();
    await signInOr401('Your session ended. Signing you in again…');
  }
  throw errorFrom(resp, parsed);
}

export const get = (path, options) => request('GET', path, options);
export const post = (path, body, options) => request('POST', path, { ...options, body });
export const put = (path, body, options) => request('PUT', path, { ...options, body });
export const patch = (path, body, options) => request('PATCH', path, { ...options, body });
export const del = (path, options) => request('DELETE', path, options);

let me = null;
/** The signed-in user's profile, fetched once per page load (`refresh` after a change). */
export function profile(refresh = false) {
  if (!me || refresh) me = get('/users/me').catch((error) => { me = null; throw error; });
  return me;
}

/** Sign out here and forget the profile (after the account's erasure is asked for). */
export function forgetMe() {
  me = null;
  forgetToken();
}

/**
 * Upload `file` with a pre-signed S3 POST (`upload` = {url, fields}). XMLHttpRequest, not fetch, because only
 * XHR reports upload progress; `onProgress(fraction)`.
 */
export function uploadToS3(upload, file, onProgress) {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
    form.append('file', file); // S3 ignores every field after the file
    const xhr = new XMLHttpRequest();
    xhr.open('POST', upload.url);
    xhr.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) return resolve();
      const reason = /<Message>([^<]*)<\/Message>/.exec(xhr.responseText || '');
      reject(new ApiError(xhr.status, 'upload_failed', `The upload was refused${reason ? `: ${reason[1]}` : ''}.`));
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'The upload could not reach storage. Try again.'));
    xhr.send(form);
  });
}
