// What the console's browser tests share: a real upi-switch process on loopback, Debian's
// Chromium driven by playwright-core, the demo keys, and API calls made beside the browser.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export const KEYS = {
  admin: 'demo-admin-key', auditor: 'demo-auditor-key', okaxis: 'demo-okaxis-key',
  ybl: 'demo-ybl-key', paytm: 'demo-paytm-key', okhdfc: 'demo-okhdfc-key',
};
export const DEADLINE_MS = 15000; // for anything the page should show; polled, never slept
const START_DEADLINE_MS = 20000;
const STOP_DEADLINE_MS = 10000;

// Starts upi-switch on a free loopback port; resolves once it says where it listens.
export async function startSwitch(extraArgs = []) {
  return startProgram('UPI_SWITCH_BINARY', ['--listen', '127.0.0.1:0', '--log-level', 'warn',
    '--settlement-period-s', '0', '--neft-batch-interval-s', '1', ...extraArgs]);
}

// Starts upi-bank (a bank as its own process) for the switch whose key hashes to keySha256.
export async function startBank(code, keySha256, listen = '127.0.0.1:0') {
  return startProgram('UPI_BANK_BINARY', ['--bank', code, '--listen', listen, '--log-level', 'warn',
    '--switch-key-sha256', keySha256]);
}

// Runs the program named by the environment variable binaryVariable (ctest sets it) until it
// prints where it listens; stop() ends it (SIGTERM, then SIGKILL), kill() at once.
async function startProgram(binaryVariable, args) {
  const binary = process.env[binaryVariable];
  if (!binary) throw new Error(`${binaryVariable} is not set (ctest sets it)`);
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const base = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${binary} did not listen in time: ${out}`)), START_DEADLINE_MS);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /listening on (http:\/\/[0-9.]+:\d+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`${binary} exited (${code}): ${out}`)); });
  });
  const ended = (signal) => async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_DEADLINE_MS);
    await exited;
    clearTimeout(timer);
  };
  return { base, stop: ended('SIGTERM'), kill: ended('SIGKILL') };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.UPI_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    // No network beyond loopback here: Chromium's own background traffic is switched off.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-sync',
      '--disable-background-networking', '--disable-component-update'],
  });
}

// A REST call beside the browser, as the principal of key.
export async function call(base, key, method, target, { body, headers = {} } = {}) {
  const sent = { Authorization: `Bearer ${key}`, ...headers };
  if (body !== undefined) sent['Content-Type'] = 'application/json';
  const res = await fetch(base + target, {
    method, headers: sent, body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(DEADLINE_MS),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

let keyCounter = 0;
// Sends a payment through the API and waits up to 10 s for its outcome.
export async function pay(base, key, payer, payee, amount) {
  const r = await call(base, key, 'POST', '/v1/payments', {
    body: { payer_vpa: payer, payee_vpa: payee, amount },
    headers: { 'Idempotency-Key': `console-test-${process.pid}-${++keyCounter}`, Prefer: 'wait=10' },
  });
  if (r.status !== 201) throw new Error(`payment refused: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

// A page signed in with key (through the sign-in form, as a person would).
export async function signedIn(browser, base, key, viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(DEADLINE_MS);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // A console error is a bug too (a Content-Security-Policy refusal shows up only there), but
  // Chromium also logs every 4xx answer and refused connection, which tests cause on purpose.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
  });
  page.errors = errors;
  await page.goto(`${base}/console`);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#who').filter({ hasText: /·/ }).waitFor();
  return page;
}

export function screenshotPath(name) {
  const dir = process.env.UPI_CONSOLE_SCREENSHOTS || path.resolve('console-screenshots');
  mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}

// Closes a page's context after checking that it logged no error and threw no exception.
export async function closeClean(page) {
  assert.deepEqual(page.errors, [], 'errors on the page');
  await page.context().close();
}
