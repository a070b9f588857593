// DOM and timing helpers the console's pages share: elements built from data (text, never HTML),
// small formatters, and abortable waits.

export function el(tag, attrs, ...children) {
  return fill(document.createElement(tag), attrs, children);
}
export function svg(tag, attrs, ...children) {
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

export const badge = (status) => el('span', { class: `status ${status}` }, status);
export const rupees = (amount) => (amount === null || amount === undefined ? '—' : `₹${amount}`);
export const notice = (text, error) => el('p', { class: error ? 'notice error' : 'notice', role: error ? 'alert' : 'status' }, text);
export const enc = encodeURIComponent;

export function fact(name, value) {
  return [el('dt', {}, name), el('dd', {}, value)];
}

export function sleep(ms, signal) {
  return new Promise((resolve) => {
    const done = linked(signal);
    const timer = setTimeout(() => { done.release(); resolve(); }, ms);
    done.signal.addEventListener('abort', () => { clearTimeout(timer); done.release(); resolve(); });
  });
}

// An AbortController that also aborts when signal does; release() when done with it, so the
// page's signal does not gather listeners.
export function linked(signal) {
  const controller = new AbortController();
  const abort = () => controller.abort();
  if (signal?.aborted) controller.abort();
  signal?.addEventListener('abort', abort, { once: true });
  controller.release = () => signal?.removeEventListener('abort', abort);
  return controller;
}

// Calls fn(id) once per id per burst of calls (a payment's events come in quick runs).
export function debounced(fn, ms = 150) {
  const timers = new Map();
  return (id) => {
    clearTimeout(timers.get(id));
    timers.set(id, setTimeout(() => { timers.delete(id); fn(id); }, ms));
  };
}

export function randomKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return 'console-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
