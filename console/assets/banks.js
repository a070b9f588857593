// The banks page: health, circuits, failures in a row, net positions per rail and the net debit
// cap as a table, the nets as a chart, and the last settlement cycles (auditors and admins).
import { badge, el, enc, rupees, sleep, svg } from './dom.js';
import { api } from './api.js';
import { failure, show, state } from './shell.js';

const BANKS_REFRESH_MS = 5000;
const RAILS = ['IMPS', 'NEFT', 'RTGS'];

export async function renderBanks(signal) {
  const heading = el('h1', {}, 'Banks');
  const area = el('div');
  show(heading, area);
  while (!signal.aborted) {
    const content = await banksContent(signal);
    if (signal.aborted) return;
    area.replaceChildren(...content);
    await sleep(BANKS_REFRESH_MS, signal);
  }
}

async function banksContent(signal) {
  const banks = await api('/v1/banks', { signal });
  if (!banks.ok) return [failure(banks) || ''];
  const list = banks.body.banks;
  const readers = state.me.role !== 'psp';
  const positions = readers
    ? await Promise.all(list.map((b) => api(`/v1/banks/${enc(b.code)}/positions`, { signal })))
    : [];
  const net = (i, rail) => sumNet((positions[i]?.body?.positions || []).filter((p) => !rail || p.rail === rail));
  const rows = list.map((b, i) => el('tr', { 'data-bank': b.code },
    el('th', { scope: 'row' }, b.code), el('td', { class: 'wide' }, b.name), el('td', {}, badge(b.health)),
    el('td', {}, b.circuit ? badge(b.circuit) : 'in-process'), el('td', { class: 'num' }, b.consecutive_failures ?? 0),
    readers ? RAILS.map((rail) => el('td', { class: 'num' }, formatPaise(net(i, rail)))) : null,
    readers ? el('td', { class: 'num' }, positions[i]?.body?.net ?? '—') : null,
    readers ? el('td', { class: 'num wide' }, netDebit(positions[i]?.body?.net_debit)) : null));
  const table = el('div', { class: 'scroll' }, el('table', { 'aria-label': 'Banks' },
    el('thead', {}, el('tr', {}, ['Bank', 'Name', 'Health', 'Circuit', 'Failures in a row'].map((h) => el('th', { scope: 'col', class: h === 'Name' ? 'wide' : null }, h)),
      readers ? RAILS.map((rail) => el('th', { scope: 'col', class: 'num' }, `${rail} net`)) : null,
      readers ? el('th', { scope: 'col', class: 'num' }, 'Net') : null,
      readers ? el('th', { scope: 'col', class: 'num wide' }, 'Net debit used / cap') : null)),
    el('tbody', {}, rows)));
  if (!readers) return [table, el('p', { class: 'muted' }, 'Net positions and settlement cycles are for auditors and admins.')];
  const chart = netChart(list.map((b, i) => ({ code: b.code, paise: net(i, '') })));
  const cycles = await api('/v1/settlement/cycles?limit=5', { signal });
  return [table, el('h2', {}, 'Net position per bank'), chart, el('h2', {}, 'Settlement cycles'),
    cycles.ok ? cyclesTable(cycles.body.items) : failure(cycles) || ''];
}

// Amounts are decimal strings; sums are done in paise (integers), never in floating point.
// Amounts are decimal strings; sums are done in paise (integers), never in floating point.
function toPaise(amount) {
  const m = /^(-?)(\d+)\.(\d\d)$/.exec(amount || '0.00');
  if (!m) return 0n;
  const paise = BigInt(m[2]) * 100n + BigInt(m[3]);
  return m[1] ? -paise : paise;
}
function formatPaise(paise) {
  const sign = paise < 0n ? '-' : '';
  const abs = paise < 0n ? -paise : paise;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}
const sumNet = (rows) => rows.reduce((total, row) => total + toPaise(row.net), 0n);
function netDebit(nd) {
  if (!nd) return '—';
  return `${nd.used} / ${nd.cap ?? 'no cap'}`;
}

function netChart(bars) {
  const width = 560;
  const rowHeight = 26;
  const mid = 300;
  const span = 180;
  const biggest = bars.reduce((m, b) => (b.paise < 0n ? -b.paise : b.paise) > m ? (b.paise < 0n ? -b.paise : b.paise) : m, 1n);
  const chart = svg('svg', { class: 'chart', role: 'img', viewBox: `0 0 ${width} ${bars.length * rowHeight + 10}`,
    width: '100%',
    'aria-label': 'Net position per bank: ' + bars.map((b) => `${b.code} ${formatPaise(b.paise)}`).join(', ') });
  chart.append(svg('line', { class: 'axis', x1: mid, x2: mid, y1: 0, y2: bars.length * rowHeight + 10 }));
  bars.forEach((b, i) => {
    const length = Number((b.paise < 0n ? -b.paise : b.paise) * BigInt(span) / biggest);
    const y = 6 + i * rowHeight;
    chart.append(svg('text', { x: 4, y: y + 14 }, b.code),
      svg('rect', { class: b.paise < 0n ? 'neg' : 'pos', x: b.paise < 0n ? mid - length : mid, y, width: Math.max(length, 1), height: 18 }),
      svg('text', { x: b.paise < 0n ? mid + 6 : mid - 6, y: y + 14, 'text-anchor': b.paise < 0n ? 'start' : 'end' }, formatPaise(b.paise)));
  });
  return chart;
}

function cyclesTable(items) {
  if (!items.length) return el('p', { class: 'muted' }, 'No settlement cycles yet.');
  return el('div', { class: 'scroll' }, el('table', { 'aria-label': 'Settlement cycles' },
    el('thead', {}, el('tr', {}, ['Cycle', 'Status', 'Cut off at'].map((h) => el('th', { scope: 'col' }, h)),
      ['Completed', 'Reversed', 'Volume'].map((h) => el('th', { scope: 'col', class: 'num' }, h)))),
    el('tbody', {}, items.map((c) => el('tr', {}, el('td', {}, c.cycle), el('td', {}, c.status), el('td', {}, c.cutoff_at || '—'),
      el('td', { class: 'num' }, c.payments.completed), el('td', { class: 'num' }, c.payments.reversed),
      el('td', { class: 'num' }, rupees(c.volume)))))));
}
