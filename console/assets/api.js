// Talking to the switch: REST calls with a deadline, and its SSE streams followed over fetch.
import { linked, sleep } from './dom.js';

export const KEY = 'upi-console-key'; // sessionStorage: this tab only
const REQUEST_TIMEOUT_MS = 10000;
const STREAM_BUFFER_MAX = 1 << 20; // bytes of one unfinished SSE frame
const RECONNECT_MS_MIN = 500;
const RECONNECT_MS_MAX = 10000;
const STREAM_IDLE_MS_MAX = 45000; // the switch sends a keep-alive every 15 s of quiet

// Called with every answer the switch gives (the shell hides its "unreachable" banner).
export const hooks = { answered: () => {} };

// Every call has a deadline; the answer is {ok, status, body, unreachable, aborted}.
export async function api(path, { method = 'GET', body, headers = {}, signal, key } = {}) {
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
    hooks.answered();
    return { ok: res.ok, status: res.status, body: json };
  } catch {
    return { ok: false, status: 0, body: null, unreachable: !signal?.aborted, aborted: !!signal?.aborted };
  } finally {
    clearTimeout(timer);
    deadline.release();
  }
}

export function problemText(r) {
  if (r.unreachable) return `The switch at ${location.origin} does not answer. Is it running?`;
  const p = r.body || {};
  return `${r.status} ${p.code || ''}: ${p.detail || p.title || 'no detail given'}`;
}

// Follows an SSE route with fetch (EventSource cannot send the key), from ledger position
// after, reconnecting from the last event seen; onEvent gets each event's JSON. The answer's
// headers have a deadline, and a stream quiet for longer than its keep-alives is reconnected.
export async function follow(path, after, onEvent, { signal, onState }) {
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
