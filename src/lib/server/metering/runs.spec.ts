import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, transaction, type Store } from '../db';
import { extendLatestRuns, recordSampleIn, type Sample } from './runs';

const open: Store[] = [];
afterEach(async () => {
	await Promise.all(open.splice(0).map((s) => s.close()));
});

async function store(servers: string[]): Promise<Store> {
	const s = await openStore({ kind: 'sqlite', path: join(mkdtempSync(join(tmpdir(), 'sb-runs-')), 'billing.db') });
	open.push(s);
	for (const id of servers) {
		await s.db
			.insertInto('servers')
			.values({
				id,
				name: id,
				is_local: 0,
				hourly_rate: null,
				stripe_customer_id: null,
				agent_token_hash: null,
				created_at: 0,
				metering_start: 0
			})
			.execute();
	}
	return s;
}

const rows = (s: Store) =>
	s.db
		.selectFrom('runs')
		.select(['server_id', 'boot_time', 'last_seen_at', 'billable_from'])
		.orderBy('server_id')
		.orderBy('boot_time')
		.execute();

const SERVERS = ['a', 'b', 'c'];
const T0 = Date.UTC(2026, 10, 30);

describe('heartbeats recorded in bulk', () => {
	it('leave the runs exactly as one-by-one recording does, whatever the boots, replays and clock steps', async () => {
		const batch = fc.array(
			fc.record({
				server: fc.constantFrom(...SERVERS),
				// a few boots (within 5 s of each other counts as the same), some earlier than the last (a clock step)
				boot: fc.constantFrom(0, 2, 100, 3000, 2900),
				seen: fc.integer({ min: 0, max: 10_000 })
			}),
			{ minLength: 1, maxLength: 6 }
		);
		await fc.assert(
			fc.asyncProperty(fc.array(batch, { minLength: 1, maxLength: 5 }), async (batches) => {
				const [bulk, single] = [await store(SERVERS), await store(SERVERS)];
				for (const beats of batches) {
					// one beat per server, as the ingest hands over to the bulk path
					const once = [...new Map(beats.map((b) => [b.server, b])).values()];
					const samples: Sample[] = once.map((b) => ({
						serverId: b.server,
						bootTime: T0 + b.boot * 1000,
						seenAt: T0 + (b.boot + b.seen) * 1000
					}));
					await transaction(bulk, async (tx) => {
						const fast = await extendLatestRuns(tx, samples);
						for (const sample of samples) if (!fast.has(sample)) await recordSampleIn(tx, sample.serverId, sample.bootTime, sample.seenAt);
					});
					await transaction(single, async (tx) => {
						for (const sample of samples) await recordSampleIn(tx, sample.serverId, sample.bootTime, sample.seenAt);
					});
				}
				expect(await rows(bulk)).toEqual(await rows(single));
			}),
			{ numRuns: 60 }
		);
		// 120 fresh databases, each migrated: seconds on a busy two-core machine
	}, 60_000);
});
