// The console's user journeys, each against a running switch; the embedded and the durable test
// files run them. Every wait is Playwright's polling with a deadline, never a sleep.
import assert from 'node:assert/strict';
import { KEYS, call, closeClean, pay, screenshotPath, signedIn } from './harness.mjs';

// Sends a payment from the Try it page and returns its id once the page shows its outcome.
export async function sendFromTryIt(page, payer, payee, amount) {
  await page.getByRole('link', { name: 'Try it' }).click();
  await page.getByLabel('Payer VPA').fill(payer);
  await page.getByLabel('Payee VPA').fill(payee);
  await page.getByLabel('Amount (₹)').fill(amount);
  await page.getByRole('button', { name: 'Send' }).click();
  const result = page.locator('[data-payment]');
  await result.locator('.status').filter({ hasNotText: 'PENDING' }).waitFor();
  return result.getAttribute('data-payment');
}

// Opens a payment's (or a refund's) page and checks its timeline holds every ledger event of
// it, in order.
export async function checkTimeline(page, base, id, kind = 'payments') {
  await page.goto(`${base}/console#/${kind}/${id}`);
  const events = (await call(base, KEYS.admin, 'GET', `/v1/${kind}/${id}/events`)).body.events;
  const items = page.getByRole('list', { name: 'Ledger events' }).locator('li');
  await page.waitForFunction((n) => document.querySelectorAll('ol.timeline li').length === n, events.length);
  assert.deepEqual(await items.evaluateAll((lis) => lis.map((li) => li.dataset.type)), events.map((e) => e.type));
  return events;
}

export async function paymentCompletes({ browser, base, shots }) {
  const page = await signedIn(browser, base, KEYS.okaxis);
  const id = await sendFromTryIt(page, 'alice@okaxis', 'bob@ybl', '150.00');
  await page.getByRole('link', { name: id }).click();
  await page.getByRole('heading', { level: 1 }).filter({ hasText: 'COMPLETED' }).waitFor();
  const events = await checkTimeline(page, base, id);
  assert.equal(events.at(-1).type, 'PaymentCompleted');
  const path = await page.getByRole('list', { name: 'Saga path' }).locator('li').allTextContents();
  assert.deepEqual([path[0], path.at(-1)], ['Requested', 'COMPLETED']);
  assert.ok(path.includes('Debited') && path.includes('Credited'), path.join(' → '));
  // Each event's raw JSON is one link away, and is the ledger's own.
  await page.getByRole('link', { name: /Raw JSON of DebitRequested/ }).click();
  const raw = JSON.parse(await page.getByLabel('Raw event JSON').textContent());
  assert.deepEqual(raw, events.find((e) => e.type === 'DebitRequested'));
  await page.goBack();
  await page.getByRole('list', { name: 'Ledger events' }).waitFor();
  if (shots) await page.screenshot({ path: screenshotPath('payment.png'), fullPage: true });
  await closeClean(page);
  return id;
}

// An admin sets a credit fault at the payee's bank; the next payment there is REVERSED, and its
// page shows the reversal.
export async function creditFaultReverses({ browser, base }) {
  const page = await signedIn(browser, base, KEYS.admin);
  await page.getByRole('link', { name: 'Try it' }).click();
  await page.getByLabel('Bank').selectOption('ICICI'); // bob@ybl banks at ICICI
  await page.getByLabel('Operation').selectOption('credit');
  await page.getByLabel('Action').selectOption('fail');
  await page.getByLabel('Count').fill('1');
  await page.getByRole('button', { name: 'Set rule' }).click();
  await page.getByText('ICICI: credit → fail, 1 left').waitFor();
  const id = await sendFromTryIt(page, 'alice@okaxis', 'bob@ybl', '99.00');
  await page.locator('[data-payment] .status', { hasText: 'REVERSED' }).waitFor();
  await page.getByRole('link', { name: id }).click();
  await page.getByRole('heading', { level: 1 }).filter({ hasText: 'REVERSED' }).waitFor();
  const path = await page.getByRole('list', { name: 'Saga path' }).locator('li').allTextContents();
  for (const step of ['Credit declined', 'Reversal sent', 'Debit reversed', 'REVERSED']) {
    assert.ok(path.includes(step), `${step} missing from ${path.join(' → ')}`);
  }
  const events = await checkTimeline(page, base, id);
  for (const type of ['CreditFailed', 'ReversalRequested', 'ReversalSucceeded', 'PaymentReversed']) {
    assert.ok(events.some((e) => e.type === type), type);
  }
  // The rule was used up: clearing leaves none, and the next payment completes.
  await page.getByRole('link', { name: 'Try it' }).click();
  await page.getByLabel('Bank').selectOption('ICICI');
  await page.getByRole('button', { name: 'Clear rules' }).click();
  await page.getByText('ICICI: no fault rules in force.').waitFor();
  await closeClean(page);
  return id;
}

// A payment the list shows live, without a reload, to a reader and to the payer's PSP.
export async function listUpdatesLive({ browser, base, key, payer, payee }) {
  const page = await signedIn(browser, base, key);
  await page.getByRole('table', { name: 'Payments' }).waitFor();
  await page.getByText('Live', { exact: true }).waitFor();
  const navigations = [];
  page.on('framenavigated', (frame) => navigations.push(frame.url()));
  const sent = await pay(base, KEYS.admin, payer, payee, '42.00');
  const row = page.locator(`tr[data-id="${sent.id}"]`);
  await row.locator('.status', { hasText: 'COMPLETED' }).waitFor();
  assert.deepEqual(navigations, [], 'the page did not reload');
  await closeClean(page);
}
