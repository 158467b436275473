import { afterEach, describe, expect, it } from 'vitest';
import { startBilling, type BillingSetup } from '../support/billing';
import { DATABASES } from '../support/databases';

let setup: BillingSetup | undefined;
afterEach(async () => {
	await setup?.close();
	setup = undefined;
});

const SERVERS = 200;
const iso = (ms: number) => new Date(ms).toISOString();

describe.each(DATABASES)('heartbeat batches on %s', (kind) => {
	it('takes concurrent batches for the same servers without a deadlock or a lost sighting', async () => {
		setup = await startBilling(kind, { MUTATION_RATE_LIMIT: '1000' });
		const { client } = setup;
		const boot = Math.floor(Date.now() / 1000) * 1000 - 3600_000;
		for (let i = 0; i < SERVERS; i++) await client.addServer.mutate({ id: `s-${i}`, name: `s-${i}`, meteringStart: iso(boot) });
		const batch = (seen: number) => ({
			beats: Array.from({ length: SERVERS }, (_, i) => ({ serverId: `s-${i}`, bootTime: iso(boot), seenAt: iso(seen) }))
		});
		await client.heartbeat.mutate(batch(boot + 60_000));
		// a collector (or retries) sending several batches at once, each moving every server's run
		const answers = await Promise.all(Array.from({ length: 8 }, (_, k) => client.heartbeat.mutate(batch(boot + (120 + k) * 1000))));
		expect(answers.every((a) => a.samples === SERVERS)).toBe(true);
		const statuses = await Promise.all([0, 57, 199].map((i) => client.billingStatus.query({ serverId: `s-${i}` })));
		// the latest sighting wins, whichever batch committed last
		for (const status of statuses) expect(status.lastSeenAt).toBe(iso(boot + 127_000));
		expect(statuses.every((s) => s.billableSeconds === 127)).toBe(true);
	});
});
