import { afterEach, describe, expect, it } from 'vitest';
import { startBilling, type BillingSetup } from '../support/billing';
import { readCharges } from '../support/ledger';

let setup: BillingSetup | undefined;
afterEach(async () => {
	await setup?.close();
	setup = undefined;
});

describe('graceful shutdown', () => {
	it('on SIGTERM lets an in-flight payment finish, then exits 0 with the ledger complete', async () => {
		setup = await startBilling('sqlite');
		setup.double.setLatency(800);
		const inFlight = setup.client.createPaymentIntent.mutate();
		await new Promise((r) => setTimeout(r, 200));
		const exit = setup.server.stop('SIGTERM');
		const intent = await inFlight;
		expect(await exit).toBe(0);
		expect(setup.double.paymentIntents().map((p) => p.id)).toEqual([intent.paymentIntentId]);
		const charges = await readCharges(setup.env.DATABASE_URL);
		expect(charges).toMatchObject([{ status: 'pending', stripe_id: intent.paymentIntentId }]);
		expect(setup.server.output()).toContain('"msg":"shutting down"');
	});

	it('refuses new connections once stopping', async () => {
		setup = await startBilling('sqlite');
		const { url } = setup.server;
		expect(await setup.server.stop('SIGINT')).toBe(0);
		await expect(fetch(`${url}/healthz`)).rejects.toThrow();
	});
});
