// Start: read /config.json, then render the page the location names. Pages load their own data from api.js.
import { html, render, useEffect, useState } from './vendor.js';
import { config, loadConfig } from './config.js';
import { CALLBACK_PATH, completeSignIn, isSignedIn, signIn, signOut } from './auth.js';
import { profile } from './api.js';
import { interceptLinks, navigate, useLocation } from './router.js';
import { ErrorMessage, Loading, Page } from './ui.js';
import { Browse } from './pages/browse.js';
import { Leed } from './pages/leed.js';
import { PostLeed } from './pages/post.js';
import { AccountDeleted, Me } from './pages/me.js';
import { MyLeeds } from './pages/my_leeds.js';
import { Notifications } from './pages/notifications.js';
import { Unsubscribe } from './pages/unsubscribe.js';

const NAV = [['/', 'Browse'], ['/post', 'Post a leed'], ['/me/leeds', 'My leeds'], ['/notifications', 'Notifications'],
  ['/me', 'Me']];

function Account() {
  const [name, setName] = useState(null);
  const signedIn = isSignedIn();
  useEffect(() => {
    if (signedIn) profile().then((me) => setName(me.name || me.username), () => setName(null));
  }, [signedIn]);
  if (!config().auth) return null;
  if (!signedIn) return html`<button type="button" class="link-button" onClick=${() => signIn()}>Sign in</button>`;
  return html`<span class="account">${name && html`<span class="who">Signed in as <strong>${name}</strong></span>`}
    <button type="button" class="link-button" onClick=${signOut}>Sign out</button></span>`;
}

function Header({ path }) {
  return html`<header class="top">
    <a class="skip" href="#main">Skip to content</a>
    <a class="brand" href="/">Leedz</a>
    <nav aria-label="Main"><ul>${NAV.map(([href, label]) => html`<li key=${href}>
      <a href=${href} aria-current=${path === href ? 'page' : undefined}>${label}</a></li>`)}</ul></nav>
    <${Account} />
  </header>`;
}

function Callback({ query }) {
  const [error, setError] = useState(null);
  useEffect(() => {
    completeSignIn(query).then((to) => navigate(to, { replace: true }), setError);
  }, []);
  return html`<${Page} title="Signing in">${error
    ? html`<${ErrorMessage} error=${error} /><p><button type="button" onClick=${() => signIn('/')}>Sign in again</button></p>`
    : html`<${Loading} what="Signing you in" />`}<//>`;
}

/** Pages that only make sense signed in go to sign-in first (not after the user filled a form). */
function SignedIn({ children }) {
  const signedIn = isSignedIn();
  const [error, setError] = useState(null);
  useEffect(() => { if (!signedIn) signIn().catch(setError); }, [signedIn]);
  if (error) return html`<${Page} title="Sign-in unavailable"><${ErrorMessage} error=${error} /><//>`;
  return signedIn ? children : html`<${Loading} what="Signing you in" />`;
}

const NotFound = () => html`<${Page} title="Page not found"><p>There is no page here. <a href="/">Browse the leedz</a>.</p><//>`;

function route(path, query) {
  const leed = /^\/leeds\/([^/]+)$/.exec(path);
  if (leed) return html`<${SignedIn}><${Leed} id=${decodeURIComponent(leed[1])} key=${leed[1]} /><//>`;
  switch (path) {
    case '/': return html`<${Browse} query=${query} />`;
    case '/post': return html`<${SignedIn}><${PostLeed} /><//>`;
    case '/me': return html`<${SignedIn}><${Me} /><//>`;
    case '/me/leeds': return html`<${SignedIn}><${MyLeeds} query=${query} /><//>`;
    case '/notifications': return html`<${SignedIn}><${Notifications} /><//>`;
    case '/account-deleted': return html`<${AccountDeleted} />`;
    case '/unsubscribe': return html`<${Unsubscribe} token=${query.get('token')} />`;
    case CALLBACK_PATH: return html`<${Callback} query=${query} />`;
    default: return html`<${NotFound} />`;
  }
}

function App() {
  const { path, query } = useLocation();
  return html`<${Header} path=${path} key=${isSignedIn()} />
    <main id="main" tabindex="-1">${route(path, query)}</main>
    <footer class="bottom"><p>Leedz: gig leads between performers.</p></footer>`;
}

async function start() {
  const root = document.getElementById('app');
  try {
    await loadConfig();
  } catch (error) {
    root.textContent = `Leedz could not start: ${error.message}`;
    return;
  }
  interceptLinks();
  root.textContent = '';
  render(html`<${App} />`, root);
}

start();
