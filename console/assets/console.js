// upi-switch console: one page over the switch's REST API, no framework and no build step.
// Every string that comes from the switch is written as text (textContent), never as HTML, and
// the API key lives in this tab's sessionStorage only. This module signs in and out and routes
// the address (#/payments, #/payments/<id>, #/refunds/<id>, #/ledger, #/banks, #/try) to a page.
import { el, notice } from './dom.js';
import { KEY, api, problemText } from './api.js';
import { failure, mainArea, show, state } from './shell.js';
import { renderPayments } from './payments.js';
import { renderRawEvent, renderSaga } from './saga.js';
import { renderLedger } from './ledger.js';
import { renderBanks } from './banks.js';
import { renderTry } from './try.js';

let page = null; // AbortController of the page on show: navigating away stops its work
state.signOut = (why) => signOut(why);
state.route = () => route();

function signOut(why) {
  page?.abort(); // the page's streams and refreshes end with the session
  sessionStorage.removeItem(KEY);
  state.me = null;
  renderHeader();
  if (location.hash !== '#/signin') history.replaceState(null, '', '#/signin');
  renderSignIn(why);
}

async function signIn(key) {
  const r = await api('/v1/me', { key });
  if (!r.ok) return r;
  if (key) sessionStorage.setItem(KEY, key);
  state.me = r.body;
  renderHeader();
  return r;
}

function renderHeader() {
  const { me } = state;
  document.getElementById('nav').hidden = !me;
  document.getElementById('sign-out').hidden = !me;
  document.getElementById('who').textContent =
    me ? `${me.id} · ${me.role}${me.psp ? ' @' + me.psp : ''}` : '';
}

function renderSignIn(why) {
  const key = el('input', { id: 'api-key', type: 'password', autocomplete: 'off', required: true, spellcheck: 'false' });
  const result = el('div', { role: 'status' }, why ? notice(why, true) : null);
  const button = el('button', { type: 'submit' }, 'Sign in');
  const form = el('form', { class: 'signin', 'aria-label': 'Sign in' },
    el('label', { for: 'api-key' }, 'API key', key),
    el('p', { class: 'muted' },
      'The key stays in this tab only (sessionStorage) and goes to this switch alone. ' +
      'What you see follows its role: a PSP its own payments, an auditor everything, an admin also the fault rules.'),
    el('div', { class: 'row' }, button), result);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    button.disabled = true;
    const r = await signIn(key.value.trim());
    button.disabled = false;
    if (r.ok) {
      location.hash = '#/payments';
      return;
    }
    result.replaceChildren(notice(r.status === 401 ? `This key is not known to the switch: ${problemText(r)}` : problemText(r), true));
  });
  show(el('h1', {}, 'Sign in'), form);
  key.focus();
}

// A hash part as text; a malformed escape (typed or pasted) reads as nothing, not an exception.
function decodedOrEmpty(part) {
  try { return decodeURIComponent(part); } catch { return ''; }
}

async function route() {
  page?.abort();
  page = new AbortController();
  const { signal } = page;
  const [path, query] = location.hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodedOrEmpty);
  for (const link of document.querySelectorAll('#nav a')) {
    const section = parts[0] === 'refunds' ? 'payments' : parts[0];
    if (link.dataset.section === section) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (!state.me) return renderSignIn();
  const params = new URLSearchParams(query || '');
  const saga = parts[0] === 'payments' || parts[0] === 'refunds';
  if (saga && parts[1] && parts[2] === 'events') return renderRawEvent(parts[0], parts[1], parts[3], signal);
  if (saga && parts[1]) return renderSaga(parts[0], parts[1], signal);
  if (parts[0] === 'ledger') return renderLedger(signal);
  if (parts[0] === 'banks') return renderBanks(signal);
  if (parts[0] === 'try') return renderTry(signal);
  if (parts[0] !== 'payments') return history.replaceState(null, '', '#/payments') || route();
  return renderPayments(params, signal);
}

document.getElementById('sign-out').addEventListener('click', () => signOut());
// The skip link moves focus only: its #main must not reach the router.
document.getElementById('skip').addEventListener('click', (e) => { e.preventDefault(); mainArea().focus(); });
window.addEventListener('hashchange', () => route());
(async () => {
  const stored = sessionStorage.getItem(KEY);
  if (stored) {
    const r = await signIn(stored);
    if (!r.ok && r.status === 401) return signOut('The stored key is no longer accepted (401).');
    if (!r.ok && r.unreachable) failure(r);
  } else {
    const ready = await api('/readyz', { key: null });
    if (ready.ok && ready.body.auth === 'none') await signIn(null);
  }
  route();
})();
