import { afterEach, describe, expect, it } from 'vitest';
import { createBillingClient } from '../../src/lib/client';
import { startBilling, type BillingSetup } from '../support/billing';
import { expectConsistentLedger, readCharges } from '../support/ledger';
import { startServer, type TestServer } from '../support/server';
import { until } from '../support/until';

/** ¥100 a second is more than a year of it fits in one Stripe amount: a monthly cap keeps that rate valid (config/bounds.ts) */
const FAST_RATE_CAP = '8000000';

let setup: BillingSetup | undefined;
let second: TestServer | undefined;
afterEach(async () => {
	await second?.kill();
	await setup?.close();
	second = undefined;
	setup = undefined;
});

async function customerWithCard(setup: BillingSetup) {
	return fetch(`${setup.double.url}/v1/customers`, {
		method: 'POST',
		headers: { authorization: `Bearer ${setup.env.STRIPE_SECRET_KEY}`, 'content-type': 'application/x-www-form-urlencoded' },
		body: 'email=auto%40example.com&invoice_settings[default_payment_method]=pm_card_visa'
	}).then((r) => r.json() as Promise<{ id: string }>);
}

describe('automatic billing on BILLING_SCHEDULE', () => {
	it('two instances on one PostgreSQL bill each tick once, up to the tick, charging the saved card', async () => {
		// ¥100 a second, a tick every 2 seconds
		setup = await startBilling('postgres', { HOURLY_RATE: '360000', MONTHLY_CAP: FAST_RATE_CAP });
		const customer = await customerWithCard(setup);
		const env = { ...setup.env, STRIPE_CUSTOMER_ID: customer.id, BILLING_SCHEDULE: '*/2 * * * * *' };
		await setup.restart(env);
		second = await startServer(env);
		const { double } = setup;
		const paid = new Set<string>();
		// Stripe collects each invoice from the saved card (the double needs telling)
		await until(
			async () => {
				for (const invoice of double.invoices().filter((i) => i.status === 'open' && !paid.has(i.id))) {
					paid.add(invoice.id);
					await double.payInvoice(invoice.id);
				}
				await double.flushWebhooks();
				return paid.size >= 3;
			},
			'three scheduled invoices',
			20_000,
			100
		);
		await double.flushWebhooks();
		const charges = (await readCharges(setup.env.DATABASE_URL)).filter((c) => c.status !== 'failed');
		const ticks = await import('pg').then(async ({ default: pg }) => {
			const client = new pg.Client({ connectionString: setup!.env.DATABASE_URL });
			await client.connect();
			try {
				return (
					await client.query(
						'select charge.schedule_tick, count(*)::int as n from charges charge where schedule_tick is not null group by schedule_tick'
					)
				).rows;
			} finally {
				await client.end();
			}
		});
		expect(ticks.every((row) => row.n === 1)).toBe(true);
		for (const charge of charges.filter((c) => c.kind === 'invoice')) {
			expect(charge.period_end % 2000, 'a scheduled charge ends at its tick').toBe(0);
			const invoice = double.get(charge.stripe_id!);
			expect(invoice.collection_method).toBe('charge_automatically');
			expect(invoice.total).toBe(charge.amount_minor);
		}
		expectConsistentLedger(charges);
		const logs = setup.server.output() + second.output();
		expect(logs).not.toContain('"level":50');
	}, 60_000);

	it('billNow bills a tick once however often it is pressed', async () => {
		setup = await startBilling('sqlite', { HOURLY_RATE: '360000', MONTHLY_CAP: FAST_RATE_CAP, MUTATION_RATE_LIMIT: '1000' });
		const client = createBillingClient(setup.server.url);
		const reports = await Promise.all([client.billNow.mutate(), client.billNow.mutate(), client.billNow.mutate()]);
		const outcomes = reports.map((r) => r.outcome).sort();
		expect(reports.filter((r) => r.invoiced === 1)).toHaveLength(1);
		expect(setup.double.invoices()).toHaveLength(1);
		expect(outcomes.filter((o) => o === 'billed')).toHaveLength(1);
		// within the same second the tick is the same; later ticks find the open invoice and skip
		await new Promise((r) => setTimeout(r, 1100));
		const later = await client.billNow.mutate();
		expect(later).toMatchObject({ outcome: 'billed', invoiced: 0, skipped: 1 });
		expect(setup.double.invoices()).toHaveLength(1);
	});
});
