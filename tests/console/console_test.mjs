// The operator console in Chromium against the embedded switch: sign-in and its refusals, a
// payment seen COMPLETED with its whole timeline, a credit fault seen REVERSED, what a PSP may
// not see, live updates, the ledger page, banks, phone width, keyboard, and an unreachable switch.
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { KEYS, call, closeClean, launchBrowser, pay, screenshotPath, signedIn, startBank, startSwitch } from './harness.mjs';
import { checkTimeline, creditFaultReverses, listUpdatesLive, paymentCompletes } from './flows.mjs';

let sw;
let browser;
before(async () => {
  sw = await startSwitch();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await sw?.stop();
});

test('the page is served with headers that keep other scripts and frames out', async () => {
  const res = await fetch(`${sw.base}/console`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/html/);
  assert.match(res.headers.get('content-security-policy'), /script-src 'self'/);
  assert.equal(res.headers.get('x-frame-options'), 'DENY');
  const again = await fetch(`${sw.base}/console`, { headers: { 'If-None-Match': res.headers.get('etag') } });
  assert.equal(again.status, 304);
  assert.equal((await fetch(`${sw.base}/console/nothing.js`)).status, 404);
});

test('sign-in refuses an unknown key with the 401, and keeps a known one for the tab only', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${sw.base}/console`);
  assert.equal(await page.locator('#nav').isHidden(), true, 'no sections before sign-in');
  await page.getByLabel('API key').fill('not-a-key');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText(/not known to the switch: 401/).waitFor();
  await page.getByLabel('API key').fill(KEYS.auditor);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('demo-auditor · auditor').waitFor();
  assert.equal(await page.evaluate(() => localStorage.length), 0);
  assert.equal(await page.evaluate(() => sessionStorage.getItem('upi-console-key')), KEYS.auditor);
  await page.reload(); // the same tab keeps its session
  await page.getByText('demo-auditor · auditor').waitFor();
  const other = await context.newPage(); // another tab does not
  await other.goto(`${sw.base}/console`);
  await other.getByLabel('API key').waitFor();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('API key').waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.length), 0);
  await context.close();
});

test('what a hostile link puts in the page is shown as text, never run', async () => {
  const page = await signedIn(browser, sw.base, KEYS.auditor);
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  const markup = '<img src=x onerror=alert(1)>';
  await page.goto(`${sw.base}/console#/payments/${encodeURIComponent(markup)}`);
  await page.getByRole('heading', { level: 1 }).filter({ hasText: markup }).waitFor();
  await page.getByText(/404 PAYMENT_NOT_FOUND/).waitFor();
  assert.equal(await page.locator('main img').count(), 0);
  await page.goto(`${sw.base}/console#/payments/%E0%A4%A`); // a malformed escape
  await page.getByRole('table', { name: 'Payments' }).waitFor();
  await page.goto(`${sw.base}/console#/payments?vpa=${encodeURIComponent(markup)}`);
  await page.getByText(/422 INVALID_QUERY/).waitFor();
  assert.deepEqual(dialogs, []);
  await closeClean(page);
});

test('a key the switch stops accepting signs the tab out, saying why', async () => {
  const page = await signedIn(browser, sw.base, KEYS.auditor);
  await page.getByRole('table', { name: 'Payments' }).waitFor();
  await page.evaluate(() => sessionStorage.setItem('upi-console-key', 'revoked-key'));
  await page.getByRole('link', { name: 'Banks' }).click();
  await page.getByText(/The switch refused the key: 401 UNAUTHENTICATED/).waitFor();
  await page.getByLabel('API key').waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.length), 0);
  assert.equal(await page.locator('#nav').isHidden(), true);
  await closeClean(page);
});

test('a principal that signs its writes reads in the console and is told why a write is refused', async () => {
  const { publicKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x, 'base64url').toString('base64');
  const dir = mkdtempSync(path.join(tmpdir(), 'upi-console-'));
  const credentials = path.join(dir, 'credentials.json');
  writeFileSync(credentials, JSON.stringify({ principals: [{
    id: 'signer', role: 'psp', psp: 'okaxis', signing: { alg: 'ed25519', public_key: raw },
    api_key_sha256: createHash('sha256').update('signer-key').digest('hex'),
  }] }));
  const signing = await startSwitch(['--credentials', credentials]);
  try {
    const page = await signedIn(browser, signing.base, 'signer-key');
    await page.getByRole('table', { name: 'Payments' }).waitFor();
    await page.getByRole('link', { name: 'Try it' }).click();
    await page.getByLabel('Payer VPA').fill('alice@okaxis');
    await page.getByLabel('Payee VPA').fill('bob@ybl');
    await page.getByLabel('Amount (₹)').fill('5.00');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByText(/signer signs its writes, which the console cannot do: 401 SIGNATURE_REQUIRED/).waitFor();
    await page.getByText('signer · psp @okaxis').waitFor(); // still signed in
    await closeClean(page);
  } finally {
    await signing.stop();
  }
});

test('a PSP sends a payment and sees it COMPLETED with every ledger event in order', async () => {
  await paymentCompletes({ browser, base: sw.base, shots: true });
});

test('an admin credit fault makes the next payment REVERSED, with the reversal steps', async () => {
  await creditFaultReverses({ browser, base: sw.base });
});

test('a PSP sees neither another PSP\'s payment nor its events', async () => {
  const theirs = await pay(sw.base, KEYS.paytm, 'carol@paytm', 'dev@okhdfc', '11.00');
  const ours = await pay(sw.base, KEYS.ybl, 'esha@ybl', 'alice@okaxis', '12.00');
  const page = await signedIn(browser, sw.base, KEYS.ybl);
  await page.locator(`tr[data-id="${ours.id}"]`).waitFor();
  assert.equal(await page.locator(`tr[data-id="${theirs.id}"]`).count(), 0);
  await page.goto(`${sw.base}/console#/payments/${theirs.id}`);
  await page.getByText(/404 PAYMENT_NOT_FOUND/).first().waitFor();
  await page.goto(`${sw.base}/console#/ledger`);
  await page.locator(`a[href="#/payments/${ours.id}"]`).first().waitFor();
  assert.equal(await page.locator(`text=payment-${theirs.id}`).count(), 0);
  await page.getByRole('button', { name: 'Check hash chain' }).click();
  await page.getByText(/Not allowed for demo-ybl \(role psp\): 403/).waitFor();
  await page.goto(`${sw.base}/console#/banks`);
  await page.getByText('Net positions and settlement cycles are for auditors and admins.').waitFor();
  await page.goto(`${sw.base}/console#/try`);
  await page.getByText('Only admins set or clear fault rules.').waitFor();
  await closeClean(page);
});

test('a payment\'s refunds are listed on its page, and each opens as a saga of its own', async () => {
  const paid = await pay(sw.base, KEYS.okaxis, 'alice@okaxis', 'bob@ybl', '30.00');
  const refunded = await call(sw.base, KEYS.ybl, 'POST', `/v1/payments/${paid.id}/refunds`, {
    body: { amount: '10.00' }, headers: { 'Idempotency-Key': `console-refund-${process.pid}`, Prefer: 'wait=10' },
  });
  assert.equal(refunded.status, 201, JSON.stringify(refunded.body));
  const page = await signedIn(browser, sw.base, KEYS.okaxis); // the payer's PSP
  await page.goto(`${sw.base}/console#/payments/${paid.id}`);
  await page.getByRole('table', { name: 'Refunds' }).getByRole('link', { name: refunded.body.id }).click();
  await page.getByRole('heading', { level: 1 }).filter({ hasText: 'Refund' }).filter({ hasText: 'COMPLETED' }).waitFor();
  await page.getByRole('link', { name: paid.id }).waitFor(); // "Refund of"
  const events = await checkTimeline(page, sw.base, refunded.body.id, 'refunds');
  assert.equal(events[0].type, 'RefundRequested');
  await page.getByRole('link', { name: /Raw JSON of RefundRequested/ }).click();
  assert.deepEqual(JSON.parse(await page.getByLabel('Raw event JSON').textContent()), events[0]);
  await closeClean(page);
});

test('a payment in flight is shown live on its page until it ends', async () => {
  const rule = { operation: 'credit', action: 'delay', delay_ms: 5000, count: 1 };
  assert.equal((await call(sw.base, KEYS.admin, 'PUT', '/v1/admin/banks/HDFC/faults', { body: { rules: [rule] } })).status, 200);
  const sent = await call(sw.base, KEYS.okhdfc, 'POST', '/v1/payments', {
    body: { payer_vpa: 'dev@okhdfc', payee_vpa: 'alice@okaxis', amount: '21.00' }, // alice banks at HDFC
    headers: { 'Idempotency-Key': `console-slow-${process.pid}` },
  });
  assert.equal(sent.status, 201);
  const page = await signedIn(browser, sw.base, KEYS.auditor);
  const navigations = [];
  await page.goto(`${sw.base}/console#/payments/${sent.body.id}`);
  await page.getByRole('heading', { level: 1 }).filter({ hasText: 'PENDING' }).waitFor();
  page.on('framenavigated', (frame) => navigations.push(frame.url()));
  await page.getByRole('heading', { level: 1 }).filter({ hasText: 'COMPLETED' }).waitFor();
  assert.deepEqual(navigations, [], 'the page did not reload');
  await checkTimeline(page, sw.base, sent.body.id);
  await closeClean(page);
});

test('the payments list updates live, for an auditor and for the payer\'s PSP', async () => {
  await listUpdatesLive({ browser, base: sw.base, key: KEYS.auditor, payer: 'dev@okhdfc', payee: 'carol@paytm' });
  await listUpdatesLive({ browser, base: sw.base, key: KEYS.okaxis, payer: 'alice@okaxis', payee: 'hari@okhdfc' });
});

test('the list filters by status, VPA and rail, and pages', async () => {
  const page = await signedIn(browser, sw.base, KEYS.auditor);
  await page.getByLabel('Status').selectOption('REVERSED');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForURL(/status=REVERSED/);
  await page.locator('tbody tr').first().waitFor();
  const statuses = await page.locator('tbody tr .status').allTextContents();
  assert.ok(statuses.length > 0 && statuses.every((s) => s === 'REVERSED'), statuses.join());
  await page.goto(`${sw.base}/console#/payments?vpa=esha@ybl&rail=IMPS`);
  await page.locator('tbody tr').first().waitFor();
  const rows = await page.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.textContent));
  assert.ok(rows.every((t) => t.includes('esha@ybl') && t.includes('IMPS')), rows.join('\n'));
  await page.goto(`${sw.base}/console#/payments?rail=RTGS`);
  await page.getByText('No payments match these filters yet.').waitFor();
  for (let i = 0; i < 21; ++i) await pay(sw.base, KEYS.okhdfc, 'hari@okhdfc', 'bob@ybl', '1.00');
  await page.goto(`${sw.base}/console#/payments`);
  await page.getByRole('link', { name: 'Older' }).click();
  await page.waitForURL(/cursor=/);
  await page.getByRole('link', { name: 'Newest' }).waitFor();
  await closeClean(page);
});

test('the ledger streams live, pauses, resumes where it paused, and checks its hash chain', async () => {
  const page = await signedIn(browser, sw.base, KEYS.auditor);
  await page.getByRole('link', { name: 'Ledger' }).click();
  await page.getByText('Live', { exact: true }).waitFor();
  const first = await pay(sw.base, KEYS.okaxis, 'alice@okaxis', 'bob@ybl', '7.00');
  await page.locator(`a[href="#/payments/${first.id}"]`).first().waitFor();
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.getByText(/paused at #\d+/).waitFor();
  const paused = await pay(sw.base, KEYS.okaxis, 'alice@okaxis', 'bob@ybl', '8.00');
  assert.equal(await page.locator(`a[href="#/payments/${paused.id}"]`).count(), 0);
  await page.getByRole('button', { name: 'Resume' }).click();
  await page.locator(`a[href="#/payments/${paused.id}"]`).first().waitFor();
  const positions = await page.locator('tbody tr td:first-child').allTextContents();
  const numbers = positions.map(Number);
  assert.deepEqual(numbers, [...numbers].sort((a, b) => b - a), 'newest first, none twice');
  assert.equal(new Set(numbers).size, numbers.length);
  assert.equal(numbers.at(0) - numbers.at(-1) + 1, numbers.length, 'no event missed while paused');
  assert.equal(await page.getByText('NO: the chain breaks here').count(), 0);
  await page.getByRole('button', { name: 'Check hash chain' }).click();
  await page.getByText(/Hash chain intact: \d+ events checked/).waitFor();
  await closeClean(page);
});

test('banks show health, circuits and net positions as a table and a chart', async () => {
  await pay(sw.base, KEYS.okhdfc, 'dev@okhdfc', 'carol@paytm', '5000.00');
  const page = await signedIn(browser, sw.base, KEYS.admin);
  await page.getByRole('link', { name: 'Banks' }).click();
  const table = page.getByRole('table', { name: 'Banks' });
  await table.locator('tbody tr').nth(4).waitFor();
  const positions = (await call(sw.base, KEYS.admin, 'GET', '/v1/banks/AXIS/positions')).body;
  await page.locator('tr[data-bank="AXIS"] td', { hasText: positions.net }).first().waitFor();
  await page.getByRole('img', { name: /Net position per bank: HDFC/ }).waitFor();
  await page.getByRole('table', { name: 'Settlement cycles' }).waitFor();
  await page.screenshot({ path: screenshotPath('banks.png'), fullPage: true });
  await closeClean(page);
});

test('a remote bank that dies is shown DOWN with its circuit open, and UP again when it is back', async () => {
  const key = 'console-bank-key';
  const keySha256 = createHash('sha256').update(key).digest('hex');
  let bank = await startBank('HDFC', keySha256);
  const dir = mkdtempSync(path.join(tmpdir(), 'upi-console-'));
  const world = JSON.parse(readFileSync(new URL('../../specs/demo-world.json', import.meta.url)));
  world.banks.find((b) => b.code === 'HDFC').endpoint = bank.base;
  writeFileSync(path.join(dir, 'world.json'), JSON.stringify(world));
  writeFileSync(path.join(dir, 'bank.key'), `${key}\n`);
  const remote = await startSwitch(['--world', path.join(dir, 'world.json'), '--bank-key-file', path.join(dir, 'bank.key'),
    '--credentials', new URL('../../specs/demo-credentials.json', import.meta.url).pathname]);
  try {
    const page = await signedIn(browser, remote.base, KEYS.admin);
    await page.getByRole('link', { name: 'Banks' }).click();
    const hdfc = page.locator('tr[data-bank="HDFC"]');
    await hdfc.locator('.status', { hasText: 'CLOSED' }).waitFor();
    await bank.kill(); // heartbeats fail; five failures open the circuit; the page refreshes
    await hdfc.locator('.status', { hasText: 'DOWN' }).waitFor({ timeout: 30000 });
    assert.match(await hdfc.textContent(), /OPEN/); // OPEN or HALF_OPEN while it probes
    const failures = Number(await hdfc.locator('td.num').first().textContent());
    assert.ok(failures >= 5, `failures in a row: ${failures}`);
    await page.screenshot({ path: screenshotPath('banks-remote-down.png'), fullPage: true });
    bank = await startBank('HDFC', keySha256, new URL(bank.base).host);
    await hdfc.locator('.status', { hasText: 'UP' }).waitFor({ timeout: 30000 });
    await closeClean(page);
  } finally {
    await remote.stop();
    await bank.stop();
  }
});

test('the list is readable at phone width, and the console works from the keyboard', async () => {
  const page = await signedIn(browser, sw.base, KEYS.auditor, { width: 390, height: 844 });
  await page.locator('tbody tr').first().waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
  await page.screenshot({ path: screenshotPath('payments-phone.png') });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: screenshotPath('payments.png') });
  // The skip link leads to the content; the sections follow it in tab order; Enter opens one,
  // and focus lands on its heading.
  await page.locator('#skip').focus();
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
  await page.locator('#skip').focus();
  const order = [];
  for (let i = 0; i < 4; ++i) {
    await page.keyboard.press('Tab');
    order.push(await page.evaluate(() => document.activeElement.textContent));
  }
  assert.deepEqual(order, ['Payments', 'Ledger', 'Banks', 'Try it']);
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Banks' }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H1');
  await closeClean(page);
});

test('a switch that stops answering is shown as unreachable', async () => {
  const own = await startSwitch();
  const page = await signedIn(browser, own.base, KEYS.admin);
  await page.getByRole('table', { name: 'Payments' }).waitFor();
  await own.stop();
  await page.getByRole('link', { name: 'Banks' }).click();
  await page.getByRole('alert').filter({ hasText: 'does not answer' }).first().waitFor();
  await closeClean(page);
});

test('with --auth none the console needs no key and says who every caller is', async () => {
  const open = await startSwitch(['--auth', 'none']);
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(15000);
    await page.goto(`${open.base}/console`);
    await page.locator('#who').filter({ hasText: '· admin' }).waitFor();
    await page.getByRole('table', { name: 'Payments' }).waitFor();
    assert.equal(await page.getByLabel('API key').count(), 0);
    await context.close();
  } finally {
    await open.stop();
  }
});
