// The operator console against the durable switch (PostgreSQL): a payment COMPLETED with its
// timeline, a credit fault REVERSED, and the live list.
import { after, before, test } from 'node:test';
import { KEYS, launchBrowser, startSwitch } from './harness.mjs';
import { creditFaultReverses, listUpdatesLive, paymentCompletes } from './flows.mjs';

const url = process.env.UPI_TEST_DATABASE_URL;
if (!url) {
  console.log('[  SKIPPED ] UPI_TEST_DATABASE_URL is not set');
  process.exit(0);
}

let sw;
let browser;
before(async () => {
  sw = await startSwitch(['--database-url', url, '--database-schema', `console${process.pid}`]);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await sw?.stop();
});

test('durable: a payment COMPLETED with every ledger event in order', async () => {
  await paymentCompletes({ browser, base: sw.base, shots: false });
});

test('durable: an admin credit fault makes the next payment REVERSED', async () => {
  await creditFaultReverses({ browser, base: sw.base });
});

test('durable: the payments list updates live', async () => {
  await listUpdatesLive({ browser, base: sw.base, key: KEYS.auditor, payer: 'dev@okhdfc', payee: 'carol@paytm' });
});
