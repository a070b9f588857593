// The payments page: filters (status, VPA, rail), pages, and rows kept live from the ledger
// stream (a PSP's stream holds only its customers' payments).
import { badge, debounced, el, enc, rupees } from './dom.js';
import { api, follow } from './api.js';
import { failure, liveLabel, show, state } from './shell.js';

const PAGE_SIZE = 20;
const RAILS = ['IMPS', 'NEFT', 'RTGS'];
const STATUSES = ['PENDING', 'COMPLETED', 'FAILED', 'REVERSED'];

function paymentRow(p) {
  return el('tr', { 'data-id': p.id },
    el('td', {}, el('a', { href: `#/payments/${enc(p.id)}`, class: 'mono' }, p.id)),
    el('td', {}, badge(p.status)),
    el('td', { class: 'num' }, rupees(p.amount)),
    el('td', {}, p.payer_vpa),
    el('td', {}, p.payee_vpa),
    el('td', { class: 'wide' }, p.rail || '—'),
    el('td', { class: 'wide' }, p.reason ? p.reason.code : ''),
    el('td', { class: 'wide' }, p.created_at));
}

function filtersForm(filters) {
  const status = el('select', { id: 'f-status', name: 'status' }, el('option', { value: '' }, 'any'),
    STATUSES.map((s) => el('option', { value: s, selected: s === filters.status }, s)));
  const rail = el('select', { id: 'f-rail', name: 'rail' }, el('option', { value: '' }, 'any'),
    RAILS.map((r) => el('option', { value: r, selected: r === filters.rail }, r)));
  const vpa = el('input', { id: 'f-vpa', name: 'vpa', value: filters.vpa, placeholder: 'name@handle', autocomplete: 'off' });
  const form = el('form', { class: 'row', 'aria-label': 'Filter payments' },
    el('label', { for: 'f-status' }, 'Status', status), el('label', { for: 'f-vpa' }, 'VPA (payer or payee)', vpa),
    el('label', { for: 'f-rail' }, 'Rail', rail), el('button', { type: 'submit' }, 'Filter'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const next = new URLSearchParams();
    if (status.value) next.set('status', status.value);
    if (vpa.value.trim()) next.set('vpa', vpa.value.trim());
    if (rail.value) next.set('rail', rail.value);
    location.hash = `#/payments?${next}`;
  });
  return form;
}

function matches(p, filters) {
  return (!filters.status || p.status === filters.status) && (!filters.rail || p.rail === filters.rail) &&
    (!filters.vpa || p.payer_vpa === filters.vpa || p.payee_vpa === filters.vpa);
}

export async function renderPayments(params, signal) {
  const filters = { status: params.get('status') || '', vpa: params.get('vpa') || '', rail: params.get('rail') || '' };
  const cursor = params.get('cursor') || '';
  const query = new URLSearchParams({ limit: PAGE_SIZE });
  for (const [k, v] of Object.entries(filters)) if (v) query.set(k, v);
  if (cursor) query.set('cursor', cursor);
  const heading = el('h1', {}, state.me.role === 'psp' ? `Payments of @${state.me.psp}'s customers` : 'Payments');
  const form = filtersForm(filters);
  show(heading, form, el('p', { class: 'muted' }, 'Loading…'));
  const r = await api(`/v1/payments?${query}`, { signal });
  if (signal.aborted) return;
  if (!r.ok) return show(heading, form, failure(r));
  const live = liveLabel();
  const tbody = el('tbody', {}, r.body.items.map(paymentRow));
  const empty = el('p', { class: 'muted', hidden: r.body.items.length > 0 }, 'No payments match these filters yet.');
  const table = el('div', { class: 'scroll' }, el('table', { 'aria-label': 'Payments' },
    el('thead', {}, el('tr', {}, ['Payment', 'Status', 'Amount', 'Payer', 'Payee'].map((h) => el('th', { scope: 'col', class: h === 'Amount' ? 'num' : null }, h)),
      ['Rail', 'Reason', 'Created'].map((h) => el('th', { scope: 'col', class: 'wide' }, h)))), tbody));
  const pager = el('div', { class: 'pager' },
    cursor ? el('a', { href: `#/payments?${withCursor(filters, '')}` }, 'Newest') : null,
    r.body.next_cursor ? el('a', { href: `#/payments?${withCursor(filters, r.body.next_cursor)}` }, 'Older') : null);
  show(heading, form, el('div', { class: 'row' }, live.node), table, empty, pager);
  const refresh = debounced(async (id) => {
    const one = await api(`/v1/payments/${enc(id)}`, { signal });
    if (!one.ok || signal.aborted) return;
    upsertRow(tbody, one.body, { insert: !cursor && matches(one.body, filters) });
    empty.hidden = tbody.children.length > 0;
  });
  follow('/v1/ledger/stream', r.body.view_position, (event) => {
    if (event.stream.startsWith('payment-')) refresh(event.stream.slice('payment-'.length));
  }, { signal, onState: live.set });
}

function withCursor(filters, cursor) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v) q.set(k, v);
  if (cursor) q.set('cursor', cursor);
  return q;
}

function upsertRow(tbody, p, { insert }) {
  const row = paymentRow(p);
  row.classList.add('fresh');
  const existing = tbody.querySelector(`tr[data-id="${CSS.escape(p.id)}"]`);
  if (existing) return existing.replaceWith(row);
  if (!insert) return;
  tbody.prepend(row);
  while (tbody.children.length > PAGE_SIZE) tbody.lastElementChild.remove();
}
