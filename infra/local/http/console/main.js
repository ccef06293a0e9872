// The local console: one page per view of the stack's background (invocations, mailbox, failures, data, stats),
// each over the /_local JSON routes, chosen by the location's hash.
import { html, render } from './vendor.js';
import { href, useLocation } from './router.js';
import { Invocations } from './pages/invocations.js';
import { Mailbox } from './pages/mailbox.js';
import { Failures } from './pages/failures.js';
import { Data } from './pages/data.js';
import { Stats } from './pages/stats.js';

const PAGES = {
  invocations: ['Invocations', Invocations],
  mailbox: ['Mailbox', Mailbox],
  failures: ['Failures', Failures],
  data: ['Data', Data],
  stats: ['Stats', Stats],
};

function Console() {
  const { page, query } = useLocation();
  const [, View] = PAGES[page] || PAGES.invocations;
  const current = PAGES[page] ? page : 'invocations';
  return html`<header class="top">
      <a class="skip" href="#main" onClick=${(e) => { e.preventDefault(); document.getElementById('main').focus(); }}>Skip to content</a>
      <span class="brand">Leedz local console</span>
      <nav aria-label="Console"><ul>${Object.entries(PAGES).map(([name, [label]]) => html`<li key=${name}>
        <a href=${href(name)} aria-current=${name === current ? 'page' : undefined}>${label}</a></li>`)}</ul></nav>
    </header>
    <main id="main" tabindex="-1"><${View} key=${current} query=${query} /></main>`;
}

const root = document.getElementById('app');
root.textContent = '';
render(html`<${Console} />`, root);
