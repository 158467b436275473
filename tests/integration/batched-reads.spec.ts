import fc from 'fast-check';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { reserveCharge, settleCharge } from '../../src/lib/server/billing/charges';
import { batchedReads, storeReads, type FactReads } from '../../src/lib/server/billing/reads';
import { parseDatabaseUrl } from '../../src/lib/server/config';
import { openStore, type Store } from '../../src/lib/server/db';
import { addServer } from '../../src/lib/server/metering/fleet';
import { recordSample } from '../../src/lib/server/metering/runs';
import { DATABASES, freshDatabase } from '../support/databases';
import { checkpointed, draft, t0 } from '../support/statement-property';

/**
 * The customers and servers tables price many servers at once through batchedReads: one UNION ALL per kind of read
 * instead of a query per server. Every read must answer, server by server, exactly what the single read answers —
 * whatever each server's ledger holds (never billed, paid, open or failed charges, runs across a month boundary) and
 * however the servers' answers interleave in one statement.
 */
type Step =
	{ kind: 'boot'; gap: number; length: number } | { kind: 'charge'; endBack: number; outcome: 'succeeded' | 'pending' | 'failed' };
const step: fc.Arbitrary<Step> = fc.oneof(
	{ weight: 3, arbitrary: fc.record({ kind: fc.constant('boot' as const), gap: fc.nat(4000), length: fc.nat(40_000) }) },
	{
		weight: 1,
		arbitrary: fc.record({
			kind: fc.constant('charge' as const),
			endBack: fc.nat(90_000),
			outcome: fc.constantFrom('succeeded' as const, 'pending' as const, 'failed' as const)
		})
	}
);

async function history(store: Store, serverId: string, steps: Step[]) {
	let now = t0;
	let chargedAt = t0;
	for (const s of steps) {
		if (s.kind === 'boot') {
			const boot = now + s.gap * 1000;
			await recordSample(store, serverId, boot, boot);
			await recordSample(store, serverId, boot, boot + s.length * 1000);
			now = Math.max(now, boot + s.length * 1000);
			continue;
		}
		const windowEnd = Math.max(chargedAt, now - s.endBack * 1000);
		const statement = await checkpointed(store, windowEnd, undefined, serverId);
		if (statement.periodStart === null || statement.billableSeconds === 0) continue;
		const charge = await reserveCharge(store, draft(statement, windowEnd, serverId), windowEnd);
		if (!charge) continue;
		chargedAt = windowEnd;
		if (s.outcome !== 'pending') await settleCharge(store, charge.id, s.outcome, windowEnd);
	}
}

/** Every read, for every server, all at once (as billingStatuses makes them). */
async function everything(reads: FactReads, ids: string[]) {
	const one = async (id: string) => {
		const billed = await reads.billedSoFar(id);
		const { runId, frontier } = billed.state;
		const from = Number.isFinite(frontier) ? frontier : null;
		const runs = await reads.runsFrom(id, runId, from);
		const through = runs[Math.floor(runs.length / 2)];
		const [server, latestRun, after, summary, open, last, months] = await Promise.all([
			reads.server(id),
			reads.latestRun(id),
			through ? reads.runsFrom(id, runId, from, through) : null,
			through ? reads.runsSummary(id, runId, from, through) : null,
			reads.openCharge(id),
			reads.lastSettledCharge(id),
			reads.billedMonths(id, ['2026-11', '2026-12', '2027-01'], '100')
		]);
		return { server, latestRun, billed, runs, after, summary, open, last, months: [...months] };
	};
	return Promise.all(ids.map(one));
}

const bytes = (value: unknown) => JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? `${v}n` : v));

describe.each(DATABASES)('batched reads on %s', (kind) => {
	it('answer every server exactly as the reads one at a time, in one statement per kind', async () => {
		const database = parseDatabaseUrl(await freshDatabase(kind));
		await fc.assert(
			fc.asyncProperty(fc.array(fc.array(step, { maxLength: 12 }), { minLength: 1, maxLength: 6 }), async (servers) => {
				const store = await openStore(database);
				try {
					await sql`delete from charge_items`.execute(store.db);
					await sql`delete from charge_servers`.execute(store.db);
					await sql`delete from charges`.execute(store.db);
					await sql`delete from runs`.execute(store.db);
					await sql`delete from servers`.execute(store.db);
					const ids = servers.map((_, i) => `s-${i}`);
					for (const [i, steps] of servers.entries()) {
						await addServer(store, { id: ids[i], name: ids[i], meteringStart: t0 }, t0);
						await history(store, ids[i], steps);
					}
					// the single reads' shapes of query (their SQL), and how many statements the batched reads ran
					const singleTexts: string[] = [];
					const single = store.db.withPlugin({
						transformQuery: (args) => (singleTexts.push(store.db.getExecutor().compileQuery(args.node, args.queryId).sql), args.node),
						transformResult: async (args) => args.result
					});
					let statements = 0;
					const counted = store.db.withPlugin({
						transformQuery: (args) => args.node,
						transformResult: async (args) => (statements++, args.result)
					});
					const batched = await everything(batchedReads({ db: counted, dialect: store.dialect }), ids);
					expect(bytes(batched)).toBe(bytes(await everything(storeReads({ db: single }), ids)));
					// one statement per shape of query (at most 25 servers a statement; 6 at most here)
					expect(statements).toBe(new Set(singleTexts).size);
					// an unknown server fails alike, without failing the others of its batch
					const reads = batchedReads(store);
					const [missing, known] = await Promise.allSettled([reads.server('nope'), reads.server(ids[0])]);
					expect(missing.status === 'rejected' && (missing.reason as Error).message).toBe('No server with id "nope"');
					expect(known.status).toBe('fulfilled');
				} finally {
					await store.close();
				}
			}),
			{ numRuns: kind === 'sqlite' ? 25 : 10 }
		);
	});

	it('answer the same for more servers than one statement holds (25 a statement, the last one padded)', async () => {
		const store = await openStore(parseDatabaseUrl(await freshDatabase(kind)));
		try {
			const ids = Array.from({ length: 61 }, (_, i) => `many-${String(i).padStart(2, '0')}`);
			for (const [i, id] of ids.entries()) {
				await addServer(store, { id, name: id, meteringStart: t0 }, t0);
				// every third server never seen; the others with one to three boots, the first billed
				const steps: Step[] = Array.from({ length: i % 3 }, (_, b) => ({ kind: 'boot', gap: 600 * b, length: 3600 + i }));
				if (i % 3 === 2) steps.splice(1, 0, { kind: 'charge', endBack: 0, outcome: 'succeeded' });
				await history(store, id, steps);
			}
			expect(bytes(await everything(batchedReads(store), ids))).toBe(bytes(await everything(storeReads(store), ids)));
		} finally {
			await store.close();
		}
	});
});
