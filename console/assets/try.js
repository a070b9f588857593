// The Try it page: send a payment; as an admin, set or clear a bank's fault rule.
import { badge, el, enc, notice, randomKey } from './dom.js';
import { api } from './api.js';
import { failure, show, state } from './shell.js';

export async function renderTry(signal) {
  const heading = el('h1', {}, 'Try it');
  const sections = [heading, el('h2', {}, 'Send a payment')];
  if (state.me.role === 'auditor') sections.push(notice('Auditors read; they cannot send payments.'));
  else sections.push(paymentForm(signal));
  sections.push(el('h2', {}, 'Fault rules'));
  if (state.me.role !== 'admin') {
    sections.push(notice('Only admins set or clear fault rules.'));
    return show(...sections);
  }
  const banks = await api('/v1/banks', { signal });
  if (signal.aborted) return;
  sections.push(banks.ok ? faultForm(banks.body.banks, signal) : failure(banks) || '');
  show(...sections);
}

function paymentForm(signal) {
  const field = (id, label, attrs) => {
    const input = el('input', { id, autocomplete: 'off', required: true, ...attrs });
    return { input, label: el('label', { for: id }, label, input) };
  };
  const payer = field('t-payer', 'Payer VPA', { placeholder: state.me.psp ? `alice@${state.me.psp}` : 'alice@okaxis' });
  const payee = field('t-payee', 'Payee VPA', { placeholder: 'bob@ybl' });
  const amount = field('t-amount', 'Amount (₹)', { inputmode: 'decimal', placeholder: '150.00', pattern: '\\d{1,9}(\\.\\d{1,2})?' });
  const note = field('t-note', 'Note', { required: false, maxlength: 80 });
  const button = el('button', { type: 'submit' }, 'Send');
  const result = el('div', { role: 'status', 'aria-live': 'polite' });
  const form = el('form', { class: 'row', 'aria-label': 'Send a payment' }, payer.label, payee.label, amount.label, note.label, button);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    button.disabled = true;
    result.replaceChildren(el('p', { class: 'muted' }, 'Sending… (waiting up to 10 s for the outcome)'));
    const body = { payer_vpa: payer.input.value.trim(), payee_vpa: payee.input.value.trim(), amount: normaliseAmount(amount.input.value) };
    if (note.input.value.trim()) body.note = note.input.value.trim();
    const r = await api('/v1/payments', { method: 'POST', body, signal, headers: { 'Idempotency-Key': randomKey(), Prefer: 'wait=10' } });
    button.disabled = false;
    if (signal.aborted) return;
    if (!r.ok) return result.replaceChildren(failure(r) || '');
    const p = r.body;
    result.replaceChildren(el('p', { class: 'notice', 'data-payment': p.id }, 'Payment ',
      el('a', { href: `#/payments/${enc(p.id)}`, class: 'mono' }, p.id), ' ', badge(p.status),
      p.reason ? ` ${p.reason.code}: ${p.reason.message}` : ''));
  });
  return el('div', {}, form, result);
}

function normaliseAmount(text) {
  const t = text.trim();
  if (/^\d+$/.test(t)) return `${t}.00`;
  if (/^\d+\.\d$/.test(t)) return `${t}0`;
  return t; // the switch says precisely what is wrong with anything else
}

function faultForm(banks, signal) {
  const select = (id, label, options) => {
    const input = el('select', { id }, options.map((o) => el('option', { value: o }, o)));
    return { input, label: el('label', { for: id }, label, input) };
  };
  const bank = select('fault-bank', 'Bank', banks.map((b) => b.code));
  const operation = select('fault-operation', 'Operation', ['credit', 'debit', 'reversal', 'status']);
  const action = select('fault-action', 'Action', ['fail', 'timeout', 'lost_response', 'delay']);
  const count = el('input', { id: 'fault-count', type: 'number', min: 1, value: 1 });
  const probability = el('input', { id: 'fault-probability', type: 'number', min: 0, max: 1, step: '0.05', value: 1 });
  const delay = el('input', { id: 'fault-delay', type: 'number', min: 0, max: 600000, value: 2000 });
  const set = el('button', { type: 'submit' }, 'Set rule');
  const clear = el('button', { type: 'button', class: 'secondary' }, 'Clear rules');
  const inForce = el('div', { role: 'status', 'aria-live': 'polite' });
  const form = el('form', { class: 'row', 'aria-label': 'Fault rule' }, bank.label, operation.label, action.label,
    el('label', { for: 'fault-count' }, 'Count', count), el('label', { for: 'fault-probability' }, 'Probability', probability),
    el('label', { for: 'fault-delay' }, 'Delay ms (delay)', delay), set, clear);
  const showRules = (r) => inForce.replaceChildren(r.ok ? rulesText(bank.input.value, r.body) : failure(r) || '');
  const load = async () => showRules(await api(`/v1/admin/banks/${enc(bank.input.value)}/faults`, { signal }));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const rule = { operation: operation.input.value, action: action.input.value, count: Number(count.value), probability: Number(probability.value) };
    if (rule.action === 'delay') rule.delay_ms = Number(delay.value);
    showRules(await api(`/v1/admin/banks/${enc(bank.input.value)}/faults`, { method: 'PUT', body: { rules: [rule] }, signal }));
  });
  clear.addEventListener('click', async () =>
    showRules(await api(`/v1/admin/banks/${enc(bank.input.value)}/faults`, { method: 'DELETE', signal })));
  bank.input.addEventListener('change', load);
  load();
  return el('div', {}, el('p', { class: 'muted' },
    'A rule replaces the bank’s rules; the next payment through that bank meets it. A credit fault makes the saga reverse the debit.'), form, inForce);
}

function rulesText(code, body) {
  const rules = body.rules || [];
  if (!rules.length) return notice(`${code}: no fault rules in force.`);
  return notice(`${code}: ` + rules.map((r) => `${r.operation} → ${r.action}` +
    (r.count !== undefined ? `, ${r.count} left` : '') +
    (r.probability !== undefined ? `, p=${r.probability}` : '')).join('; '));
}
