// upi-switch console: one page over the switch's REST API, no framework and no build step.
// Every string that comes from the switch is written as text (textContent), never as HTML, and
// the API key lives in this tab's sessionStorage only.
'use strict';
(() => {
  const KEY = 'upi-console-key';
  const REQUEST_TIMEOUT_MS = 10000;
  const PAGE_SIZE = 20;
  const LEDGER_ROWS_MAX = 200;
  const LEDGER_BACKLOG = 30; // events shown from before the ledger page opens
  const STREAM_BUFFER_MAX = 1 << 20; // bytes of one unfinished SSE frame
  const RECONNECT_MS_MIN = 500;
  const RECONNECT_MS_MAX = 10000;
  const STREAM_IDLE_MS_MAX = 45000; // the switch sends a keep-alive every 15 s of quiet
  const BANKS_REFRESH_MS = 5000;
  const RAILS = ['IMPS', 'NEFT', 'RTGS'];
  const STATUSES = ['PENDING', 'COMPLETED', 'FAILED', 'REVERSED'];

  const main = document.getElementById('main');
  const banner = document.getElementById('banner');
  let me = null; // {id, role, psp} once signed in
  let page = null; // AbortController of the page on show: navigating away stops its work

  // ---- DOM ----------------------------------------------------------------------------------
  function el(tag, attrs, ...children) {
    return fill(document.createElement(tag), attrs, children);
  }
  function svg(tag, attrs, ...children) {
    return fill(document.createElementNS('http://www.w3.org/2000/svg', tag), attrs, children);
  }
  function fill(node, attrs, children) {
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name === 'className' ? 'class' : name, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }
  function show(...nodes) {
    main.replaceChildren(...nodes.flat().filter((n) => n !== null && n !== undefined && n !== false));
    const heading = main.querySelector('h1');
    if (heading) {
      heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: true });
    }
  }
  const badge = (status) => el('span', { class: `status ${status}` }, status);
  const rupees = (amount) => (amount === null || amount === undefined ? '—' : `₹${amount}`);
  const notice = (text, error) => el('p', { class: error ? 'notice error' : 'notice', role: error ? 'alert' : 'status' }, text);
  const enc = encodeURIComponent;

  function sleep(ms, signal) {
    return new Promise((resolve) => {
      const done = linked(signal);
      const timer = setTimeout(() => { done.release(); resolve(); }, ms);
      done.signal.addEventListener('abort', () => { clearTimeout(timer); done.release(); resolve(); });
    });
  }

  // An AbortController that also aborts when signal does; release() when done with it, so the
  // page's signal does not gather listeners.
  function linked(signal) {
    const controller = new AbortController();
    const abort = () => controller.abort();
    if (signal?.aborted) controller.abort();
    signal?.addEventListener('abort', abort, { once: true });
    controller.release = () => signal?.removeEventListener('abort', abort);
    return controller;
  }

  function randomKey() {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return 'console-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  // ---- the API ------------------------------------------------------------------------------
  // Every call has a deadline; the answer is {ok, status, body, unreachable, aborted}.
  async function api(path, { method = 'GET', body, headers = {}, signal, key } = {}) {
    const deadline = linked(signal);
    const timer = setTimeout(() => deadline.abort(), REQUEST_TIMEOUT_MS);
    const sent = { Accept: 'application/json', ...headers };
    const secret = key === undefined ? sessionStorage.getItem(KEY) : key;
    if (secret) sent.Authorization = `Bearer ${secret}`;
    if (body !== undefined) sent['Content-Type'] = 'application/json';
    try {
      const res = await fetch(path, {
        method, headers: sent, cache: 'no-store', signal: deadline.signal,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      let json = null;
      try { json = text ? JSON.parse(text) : null; } catch { json = null; }
      if (res.status !== 0) banner.hidden = true;
      return { ok: res.ok, status: res.status, body: json };
    } catch {
      return { ok: false, status: 0, body: null, unreachable: !signal?.aborted, aborted: !!signal?.aborted };
    } finally {
      clearTimeout(timer);
      deadline.release();
    }
  }

  function problemText(r) {
    if (r.unreachable) return `The switch at ${location.origin} does not answer. Is it running?`;
    const p = r.body || {};
    return `${r.status} ${p.code || ''}: ${p.detail || p.title || 'no detail given'}`;
  }

  // What a failed call shows: 401 signs out, 403 says the role may not, unreachable says so.
  function failure(r) {
    if (r.status === 401) {
      signOut(`The switch refused the key: ${problemText(r)}`);
      return null;
    }
    if (r.unreachable) {
      banner.replaceChildren(
        `The switch at ${location.origin} does not answer.`,
        el('button', { type: 'button', class: 'secondary', onclick: () => route() }, 'Retry'));
      banner.hidden = false;
      return notice('Unreachable: nothing could be read. Retry when the switch is back.', true);
    }
    if (r.status === 403) {
      return notice(`Not allowed for ${me.id} (role ${me.role}): ${problemText(r)}`, true);
    }
    return notice(problemText(r), true);
  }

  // Follows an SSE route with fetch (EventSource cannot send the key), from ledger position
  // after, reconnecting from the last event seen; onEvent gets each event's JSON. The answer's
  // headers have a deadline, and a stream quiet for longer than its keep-alives is reconnected.
  async function follow(path, after, onEvent, { signal, onState }) {
    let last = after;
    let backoff = RECONNECT_MS_MIN;
    while (!signal.aborted) {
      onState('connecting');
      const attempt = linked(signal);
      const connecting = setTimeout(() => attempt.abort(), REQUEST_TIMEOUT_MS);
      let res = null;
      try {
        res = await fetch(`${path}?after=${last}`, {
          headers: { Authorization: `Bearer ${sessionStorage.getItem(KEY) || ''}`, Accept: 'text/event-stream' },
          cache: 'no-store', signal: attempt.signal,
        });
      } catch {
        res = null;
      }
      clearTimeout(connecting);
      if (res && (res.status === 401 || res.status === 403) && !signal.aborted) {
        onState(res.status === 401 ? 'refused (401)' : 'not allowed for this role (403)');
      }
      if (res && res.ok && !signal.aborted) {
        onState('live');
        backoff = RECONNECT_MS_MIN;
        last = await readFrames(res, attempt, onEvent, last);
      }
      attempt.release();
      if (signal.aborted || (res && (res.status === 401 || res.status === 403))) return;
      onState(res ? 'reconnecting' : 'switch unreachable, retrying');
      await sleep(backoff, signal);
      backoff = Math.min(backoff * 2, RECONNECT_MS_MAX);
    }
  }

  async function readFrames(res, attempt, onEvent, last) {
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    let idle = setTimeout(() => attempt.abort(), STREAM_IDLE_MS_MAX);
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done || attempt.signal.aborted) break;
        clearTimeout(idle);
        idle = setTimeout(() => attempt.abort(), STREAM_IDLE_MS_MAX);
        buffer += decoder.decode(value, { stream: true });
        for (let cut = buffer.indexOf('\n\n'); cut >= 0; cut = buffer.indexOf('\n\n')) {
          const frame = parseFrame(buffer.slice(0, cut));
          buffer = buffer.slice(cut + 2);
          if (frame.event === 'error') throw new Error('the switch ended the stream');
          if (frame.data) {
            const event = JSON.parse(frame.data);
            last = event.position;
            onEvent(event);
          }
        }
        if (buffer.length > STREAM_BUFFER_MAX) break;
      }
    } catch {
      // dropped, timed out or aborted: the caller reconnects from last, or stops
    } finally {
      clearTimeout(idle);
    }
    reader.cancel().catch(() => {});
    return last;
  }

  function parseFrame(text) {
    const frame = { event: 'message', data: '' };
    for (const line of text.split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') frame.event = value;
      if (field === 'data') frame.data += value;
    }
    return frame;
  }

  function liveLabel() {
    const label = el('span', { class: 'live', role: 'status', 'aria-live': 'polite' }, 'connecting');
    return {
      node: label,
      set(state) {
        label.textContent = state === 'live' ? 'Live' : `Live updates: ${state}`;
        label.classList.toggle('on', state === 'live');
      },
    };
  }

  // ---- session ------------------------------------------------------------------------------
  function signOut(why) {
    sessionStorage.removeItem(KEY);
    me = null;
    renderHeader();
    if (location.hash !== '#/signin') history.replaceState(null, '', '#/signin');
    renderSignIn(why);
  }

  async function signIn(key) {
    const r = await api('/v1/me', { key });
    if (!r.ok) return r;
    if (key) sessionStorage.setItem(KEY, key);
    me = r.body;
    renderHeader();
    return r;
  }

  function renderHeader() {
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

  // ---- routing ------------------------------------------------------------------------------
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
    if (!me) return renderSignIn();
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

  // ---- payments -----------------------------------------------------------------------------
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

  async function renderPayments(params, signal) {
    const filters = { status: params.get('status') || '', vpa: params.get('vpa') || '', rail: params.get('rail') || '' };
    const cursor = params.get('cursor') || '';
    const query = new URLSearchParams({ limit: PAGE_SIZE });
    for (const [k, v] of Object.entries(filters)) if (v) query.set(k, v);
    if (cursor) query.set('cursor', cursor);
    const heading = el('h1', {}, me.role === 'psp' ? `Payments of @${me.psp}'s customers` : 'Payments');
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

  // Calls fn(id) once per id per burst of calls (a payment's events come in quick runs).
  function debounced(fn, ms = 150) {
    const timers = new Map();
    return (id) => {
      clearTimeout(timers.get(id));
      timers.set(id, setTimeout(() => { timers.delete(id); fn(id); }, ms));
    };
  }

  // ---- one payment --------------------------------------------------------------------------
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
  async function renderSaga(kind, id, signal) {
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

  function fact(name, value) {
    return [el('dt', {}, name), el('dd', {}, value)];
  }

  // Shows the page again when the saga's stream grows (until the page is left).
  function followSaga(stream, after, signal) {
    const again = debounced(() => { if (!signal.aborted) route(); }, 200);
    follow('/v1/ledger/stream', after, (event) => {
      if (event.stream === stream) again(stream);
    }, { signal, onState: () => {} });
  }

  async function renderRawEvent(kind, id, version, signal) {
    const r = await api(`/v1/${kind}/${enc(id)}/events`, { signal });
    if (signal.aborted) return;
    const heading = el('h1', {}, `Event v${version} of `, el('span', { class: 'mono' }, id));
    const back = el('p', {}, el('a', { href: `#/${kind}/${enc(id)}` }, kind === 'refunds' ? '← The refund' : '← The payment'));
    if (!r.ok) return show(heading, back, failure(r));
    const event = r.body.events.find((e) => String(e.version) === version);
    if (!event) return show(heading, back, notice(`There is no event version ${version} of ${id}.`, true));
    show(heading, back, el('pre', { class: 'raw', 'aria-label': 'Raw event JSON' }, JSON.stringify(event, null, 2)));
  }

  // ---- ledger -------------------------------------------------------------------------------
  async function renderLedger(signal) {
    const heading = el('h1', {}, me.role === 'psp' ? `Ledger events of @${me.psp}'s payments` : 'Ledger');
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

  // ---- banks --------------------------------------------------------------------------------
  async function renderBanks(signal) {
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
    const readers = me.role !== 'psp';
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

  // ---- try it -------------------------------------------------------------------------------
  async function renderTry(signal) {
    const heading = el('h1', {}, 'Try it');
    const sections = [heading, el('h2', {}, 'Send a payment')];
    if (me.role === 'auditor') sections.push(notice('Auditors read; they cannot send payments.'));
    else sections.push(paymentForm(signal));
    sections.push(el('h2', {}, 'Fault rules'));
    if (me.role !== 'admin') {
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
    const payer = field('t-payer', 'Payer VPA', { placeholder: me.psp ? `alice@${me.psp}` : 'alice@okaxis' });
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

  // ---- start --------------------------------------------------------------------------------
  document.getElementById('sign-out').addEventListener('click', () => signOut());
  // The skip link moves focus only: its #main must not reach the router.
  document.getElementById('skip').addEventListener('click', (e) => { e.preventDefault(); main.focus(); });
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
})();
