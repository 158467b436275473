import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../db';
import { ensureLocalServer } from '../metering/servers';
import { reserveCharge, settleCharge, type ChargeDraft } from './charges';

const open: Store[] = [];
afterEach(async () => {
	await Promise.all(open.splice(0).map((s) => s.close()));
});

const draft = (basedOn: number | null, periodStart: number): ChargeDraft => ({
	customerId: 'default',
	serverId: 'local',
	kind: 'invoice',
	periodStart,
	periodEnd: periodStart + 3600_000,
	netMinor: 100n,
	taxMinor: 0n,
	amountMinor: 100n,
	taxRate: null,
	taxInclusive: false,
	currency: 'jpy',
	description: 'test',
	servers: [
		{
			serverId: 'local',
			periodStart,
			periodEnd: periodStart + 3600_000,
			state: { runId: null, runStart: periodStart + 3600_000, frontier: periodStart + 3600_000 },
			basedOn
		}
	],
	items: []
});

describe('reserving a charge', () => {
	it('writes nothing when the server was billed (and paid) since the draft was priced — another instance, say', async () => {
		const store = await openStore({ kind: 'sqlite', path: join(mkdtempSync(join(tmpdir(), 'sb-charges-')), 'billing.db') });
		open.push(store);
		await ensureLocalServer(store, 'web-1', null, 0);
		// instance A bills the hour and is paid at once (a saved card); instance B priced the same hour before that
		const a = (await reserveCharge(store, draft(null, 0), 1))!;
		await settleCharge(store, a.id, 'succeeded', 2);
		expect(await reserveCharge(store, draft(null, 0), 3)).toBeUndefined();
		// priced after A, it goes through
		expect((await reserveCharge(store, draft(a.id, 3600_000), 4))?.period_start).toBe(3600_000);
		const rows = await store.db.selectFrom('charges').select(['id', 'period_start']).execute();
		expect(rows).toHaveLength(2);
	});
});
