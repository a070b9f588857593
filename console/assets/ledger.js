// The ledger page: the live stream, newest first, pausable (it resumes where it paused), each
// event's link to the one before, and the whole chain's check.
import { el, enc, linked, notice } from './dom.js';
import { api, follow } from './api.js';
import { failure, liveLabel, show, state } from './shell.js';

const LEDGER_ROWS_MAX = 200;
const LEDGER_BACKLOG = 30; // events shown from before the page opens

export async function renderLedger(signal) {
  const heading = el('h1', {}, state.me.role === 'psp' ? `Ledger events of @${state.me.psp}'s payments` : 'Ledger');
  const ready = await api('/readyz', { signal });
  if (signal.aborted) return;
  const head = ready.ok ? ready.body.view_position : 0;
  const live = liveLabel();
  const pause = el('button', { type: 'button', class: 'secondary', 'aria-pressed': 'false' }, 'Pause');
  const check = el('button', { type: 'button', class: 'secondary' }, 'Check hash chain');
  const verdict = el('div', { role: 'status', 'aria-live': 'polite' });
  const tbody = el('tbody');
  const table = el('div', { class: 'scroll' }, el('table', { 'aria-label': 'Ledger events, newest first' },
    el('thead', {}, el('tr', {}, ['Position', 'Type', 'Stream', 'Recorded'].map((h) => el('th', { scope: 'col' }, h)),
      ['Hash', 'Linked to the one before'].map((h) => el('th', { scope: 'col', class: 'wide' }, h)))), tbody));
  show(heading, el('div', { class: 'row' }, pause, check, live.node), verdict, table);
  let last = Math.max(0, head - LEDGER_BACKLOG);
  let previous = null;
  let stream = null;
  const start = () => {
    stream = linked(signal);
    follow('/v1/ledger/stream', last, (event) => {
      tbody.prepend(ledgerRow(event, previous));
      previous = event;
      last = event.position;
      while (tbody.children.length > LEDGER_ROWS_MAX) tbody.lastElementChild.remove();
    }, { signal: stream.signal, onState: live.set }).finally(stream.release);
  };
  pause.addEventListener('click', () => {
    const pausing = pause.getAttribute('aria-pressed') === 'false';
    pause.setAttribute('aria-pressed', String(pausing));
    pause.textContent = pausing ? 'Resume' : 'Pause';
    if (pausing) { stream.abort(); live.set(`paused at #${last}`); } else start();
  });
  check.addEventListener('click', () => verifyChain(check, verdict, signal));
  start();
}

function ledgerRow(e, previous) {
  const adjacent = previous && previous.position === e.position - 1;
  const linked = !adjacent ? '—' : previous.hash === e.prev_hash ? 'yes' : 'NO: the chain breaks here';
  const saga = /^(payment|refund)-(.+)$/.exec(e.stream);
  return el('tr', { class: 'fresh' }, el('td', { class: 'num' }, e.position), el('td', {}, e.type),
    el('td', {}, saga ? el('a', { href: `#/${saga[1]}s/${enc(saga[2])}`, class: 'mono' }, e.stream) : el('span', { class: 'mono' }, e.stream)),
    el('td', {}, e.recorded_at), el('td', { class: 'wide mono' }, e.hash.slice(0, 16) + '…'),
    el('td', { class: 'wide' }, linked));
}

async function verifyChain(button, verdict, signal) {
  button.disabled = true;
  verdict.replaceChildren(el('p', { class: 'muted' }, 'Checking every event’s hash…'));
  const r = await api('/v1/ledger/verify', { signal });
  button.disabled = false;
  if (signal.aborted) return;
  if (!r.ok) return verdict.replaceChildren(failure(r) || '');
  const v = r.body;
  verdict.replaceChildren(v.ok
    ? notice(`Hash chain intact: ${v.events_checked} events checked, head ${v.head_hash.slice(0, 16)}…`)
    : notice(`Hash chain BROKEN at position ${v.first_broken_position}: ${v.problem}`, true));
}
