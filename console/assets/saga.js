// A payment's or a refund's page: status and reason, the saga's path as steps, every ledger
// event as a timeline, each event's raw JSON, and live updates while it is in flight.
import { badge, debounced, el, enc, fact, notice, rupees } from './dom.js';
import { api, follow } from './api.js';
import { failure, show, state } from './shell.js';

const KIND = {
  ResolutionFailed: 'failed', DebitFailed: 'failed', CreditFailed: 'failed', PaymentFailed: 'failed',
  ReversalFailed: 'failed', DebitOutcomeUnknown: 'unknown', CreditOutcomeUnknown: 'unknown',
  StatusChecked: 'unknown', ReversalRequested: 'undo', ReversalSucceeded: 'undo', PaymentReversed: 'undo',
};

const STEP = {
  PaymentRequested: 'Requested', RefundRequested: 'Refund requested', PayerResolved: 'VPAs resolved',
  PayeeResolved: 'VPAs resolved', ResolutionFailed: 'VPA not resolved', RailSelected: (d) => `Rail ${d.rail}`,
  DebitRequested: 'Debit sent', DebitSucceeded: 'Debited', DebitFailed: 'Debit declined',
  DebitOutcomeUnknown: 'Debit unanswered', CreditDeferred: 'Waits for NEFT batch', CreditRequested: 'Credit sent',
  CreditSucceeded: 'Credited', CreditFailed: 'Credit declined', CreditOutcomeUnknown: 'Credit unanswered',
  StatusChecked: (d) => `Status check: ${d.result}`, ReversalRequested: 'Reversal sent',
  ReversalSucceeded: 'Debit reversed', ReversalFailed: 'Reversal failed', PaymentCompleted: 'COMPLETED',
  PaymentFailed: 'FAILED', PaymentReversed: 'REVERSED', SagaResumed: 'Taken over by another node',
};

// The path the saga took: one step per event, repeats of a step folded into one.
function sagaPath(events) {
  const steps = [];
  for (const e of events) {
    const label = typeof STEP[e.type] === 'function' ? STEP[e.type](e.data) : STEP[e.type] || e.type;
    if (steps.length && steps[steps.length - 1].label === label) continue;
    steps.push({ label, kind: KIND[e.type] || 'ok' });
  }
  return el('ol', { class: 'steps', 'aria-label': 'Saga path' },
    steps.map((s) => el('li', { class: s.kind === 'ok' ? null : s.kind }, s.label)));
}

// The facts of an event worth a line: its leg, the bank and its answer, the reason.
function eventDetail(d) {
  const parts = [];
  if (d.leg_id) parts.push(`leg ${d.leg_id}`);
  if (d.bank) parts.push(`bank ${d.bank}${d.account ? ' ' + d.account : ''}`);
  if (d.vpa) parts.push(d.vpa);
  if (d.amount) parts.push(rupees(d.amount));
  if (d.rail) parts.push(d.rail);
  if (d.bank_reference) parts.push(`bank ref ${d.bank_reference}`);
  if (d.result) parts.push(`result ${d.result}${d.attempt ? ' (attempt ' + d.attempt + ')' : ''}`);
  if (d.cause) parts.push(`cause ${d.cause}`);
  if (d.code) parts.push(`${d.code}${d.upi_code ? ' / ' + d.upi_code : ''}`);
  if (d.message) parts.push(d.message);
  if (d.detail) parts.push(d.detail);
  if (d.batch) parts.push(`batch ${d.batch}`);
  return parts.join(' · ');
}

function timeline(kind, id, events) {
  return el('ol', { class: 'timeline', 'aria-label': 'Ledger events' }, events.map((e) =>
    el('li', { class: KIND[e.type] || null, 'data-type': e.type },
      el('div', {}, el('span', { class: 'type' }, e.type), ' ',
        el('span', { class: 'muted' }, `#${e.position} · v${e.version} · ${e.recorded_at}`), ' ',
        el('a', { href: `#/${kind}/${enc(id)}/events/${e.version}`, 'aria-label': `Raw JSON of ${e.type}, version ${e.version}` }, 'raw JSON')),
      el('div', { class: 'detail' }, eventDetail(e.data)))));
}

// A payment's or a refund's page (kind: 'payments' or 'refunds'; a refund is a saga too).
export async function renderSaga(kind, id, signal) {
  const [p, events] = await Promise.all([
    api(`/v1/${kind}/${enc(id)}`, { signal }), api(`/v1/${kind}/${enc(id)}/events`, { signal })]);
  if (signal.aborted) return;
  const noun = kind === 'refunds' ? 'Refund' : 'Payment';
  const heading = el('h1', {}, `${noun} `, el('span', { class: 'mono' }, id), ' ', p.ok ? badge(p.body.status) : null);
  const back = el('p', {}, el('a', { href: '#/payments' }, '← All payments'));
  if (!p.ok || !events.ok) return show(heading, back, failure(p.ok ? events : p));
  const b = p.body;
  const facts = el('dl', { class: 'facts' },
    b.payment_id ? fact('Refund of', el('a', { href: `#/payments/${enc(b.payment_id)}`, class: 'mono' }, b.payment_id)) : null,
    fact('Amount', rupees(b.amount)), fact('Payer', `${b.payer_vpa}${b.payer_bank ? ' (' + b.payer_bank + ')' : ''}`),
    fact('Payee', `${b.payee_vpa}${b.payee_bank ? ' (' + b.payee_bank + ')' : ''}`), fact('Rail', b.rail || '—'),
    fact('Reason', b.reason ? `${b.reason.code} (${b.reason.upi_code || '—'}): ${b.reason.message}` : '—'),
    b.stage ? fact('Stage', b.stage) : null, b.refunded_amount ? fact('Refunded', rupees(b.refunded_amount)) : null,
    fact('Note', b.note || '—'), fact('Created', b.created_at), fact('Updated', b.updated_at));
  const list = events.body.events;
  const refunds = kind === 'payments' && b.status === 'COMPLETED'
    ? await api(`/v1/payments/${enc(id)}/refunds`, { signal }) : null;
  if (signal.aborted) return;
  show(heading, back, facts, el('h2', {}, 'Saga path'), sagaPath(list),
    el('h2', {}, `Timeline (${list.length} ledger events)`), timeline(kind, id, list),
    refunds?.ok && refunds.body.items.length ? [el('h2', {}, 'Refunds'), refundsTable(refunds.body.items)] : null);
  const stream = `${kind === 'refunds' ? 'refund' : 'payment'}-${id}`;
  if (b.status === 'PENDING') followSaga(stream, list[list.length - 1].position, signal);
}

function refundsTable(items) {
  return el('div', { class: 'scroll' }, el('table', { 'aria-label': 'Refunds' },
    el('thead', {}, el('tr', {}, ['Refund', 'Status', 'Amount', 'Created'].map((h) => el('th', { scope: 'col', class: h === 'Amount' ? 'num' : null }, h)))),
    el('tbody', {}, items.map((r) => el('tr', {},
      el('td', {}, el('a', { href: `#/refunds/${enc(r.id)}`, class: 'mono' }, r.id)), el('td', {}, badge(r.status)),
      el('td', { class: 'num' }, rupees(r.amount)), el('td', {}, r.created_at))))));
}

// Shows the page again when the saga's stream grows (until the page is left).
function followSaga(stream, after, signal) {
  const again = debounced(() => { if (!signal.aborted) state.route(); }, 200);
  follow('/v1/ledger/stream', after, (event) => {
    if (event.stream === stream) again(stream);
  }, { signal, onState: () => {} });
}

export async function renderRawEvent(kind, id, version, signal) {
  const r = await api(`/v1/${kind}/${enc(id)}/events`, { signal });
  if (signal.aborted) return;
  const heading = el('h1', {}, `Event v${version} of `, el('span', { class: 'mono' }, id));
  const back = el('p', {}, el('a', { href: `#/${kind}/${enc(id)}` }, kind === 'refunds' ? '← The refund' : '← The payment'));
  if (!r.ok) return show(heading, back, failure(r));
  const event = r.body.events.find((e) => String(e.version) === version);
  if (!event) return show(heading, back, notice(`There is no event version ${version} of ${id}.`, true));
  show(heading, back, el('pre', { class: 'raw', 'aria-label': 'Raw event JSON' }, JSON.stringify(event, null, 2)));
}
