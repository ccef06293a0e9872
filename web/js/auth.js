// Sign-in: OAuth 2.0 authorization code with PKCE (RFC 7636, S256) against config.auth (Cognito's managed login
// in AWS, the local stack's /oauth2/* locally). The id_token is the API's Bearer token (what Cognito user-pool
// authorizers accept). Tokens live in sessionStorage only (this tab, gone when it closes): never in a URL or
// localStorage. Hand-written because it is ~60 lines of Web Crypto; an OAuth library would outweigh the app.
import { config } from './config.js';

const TOKEN = 'leedz.token';
const PENDING = 'leedz.signin';
export const CALLBACK_PATH = '/auth/callback';

function base64url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString(size = 32) {
  return base64url(crypto.getRandomValues(new Uint8Array(size)));
}

export function token() {
  const saved = JSON.parse(sessionStorage.getItem(TOKEN) || 'null');
  if (!saved || saved.expires_at <= Date.now()) return null;
  return saved.id_token;
}

export const isSignedIn = () => token() !== null;

export function forgetToken() {
  sessionStorage.removeItem(TOKEN);
}

function here() {
  return location.pathname.startsWith(CALLBACK_PATH) ? '/' : location.pathname + location.search;
}

/** Leave for the sign-in page; come back to `returnTo` (the current page by default) once signed in. */
export async function signIn(returnTo = here()) {
  const { auth } = config();
  if (!auth) throw new Error('Sign-in is not available on this server (its config has no "auth").');
  const verifier = randomString(48);
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const state = randomString(16);
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, returnTo }));
  const query = new URLSearchParams({
    response_type: 'code', client_id: auth.client_id, redirect_uri: auth.redirect_uri, scope: auth.scope,
    state, code_challenge: challenge, code_challenge_method: 'S256',
  });
  location.assign(`${auth.authorize}?${query}`);
}

/** On /auth/callback: trade the code for tokens. Returns the path to go back to; throws with a sentence. */
export async function completeSignIn(params) {
  const pending = JSON.parse(sessionStorage.getItem(PENDING) || 'null');
  sessionStorage.removeItem(PENDING);
  if (params.get('error')) throw new Error(`Sign-in failed: ${params.get('error_description') || params.get('error')}.`);
  if (!pending || !params.get('code') || params.get('state') !== pending.state) {
    throw new Error('This sign-in link is stale or was not started here. Please sign in again.');
  }
  const { auth } = config();
  const body = new URLSearchParams({
    grant_type: 'authorization_code', client_id: auth.client_id, code: params.get('code'),
    redirect_uri: auth.redirect_uri, code_verifier: pending.verifier,
  });
  let resp;
  try {
    resp = await fetch(auth.token, { method: 'POST', body });
  } catch {
    throw new Error('Could not reach the sign-in service. Check your connection and sign in again.');
  }
  const answer = await resp.json().catch(() => ({}));
  if (!resp.ok || !answer.id_token) throw new Error('Sign-in was refused. Please sign in again.');
  const lifetime = Number(answer.expires_in) > 0 ? Number(answer.expires_in) : 3600;
  sessionStorage.setItem(TOKEN, JSON.stringify({ id_token: answer.id_token, expires_at: Date.now() + lifetime * 1000 }));
  return pending.returnTo && pending.returnTo.startsWith('/') && !pending.returnTo.startsWith('//') ? pending.returnTo : '/';
}

export function signOut() {
  const { auth } = config();
  forgetToken();
  location.assign(`${auth.logout}?${new URLSearchParams({ client_id: auth.client_id, logout_uri: auth.logout_uri })}`);
}
