import fc from 'fast-check';
import { expect } from 'vitest';
import { reserveCharge, settleCharge, type ChargeDraft } from '../../src/lib/server/billing/charges';
import { loadChainedWindow } from '../../src/lib/server/billing/checkpoint';
import { currency } from '../../src/lib/server/billing/currency';
import { billedMonths } from '../../src/lib/server/billing/ledger';
import { parseRate } from '../../src/lib/server/billing/money';
import type { PricingRules } from '../../src/lib/server/billing/pricing';
import { chainThrough, loadOpenWindow, priceChain, priceWindow, type OpenStatement } from '../../src/lib/server/billing/statement';
import type { Store } from '../../src/lib/server/db';
import { DEFAULT_CUSTOMER_ID } from '../../src/lib/server/db/schema';
import { recordSample } from '../../src/lib/server/metering/runs';
import { ensureLocalServer, getServer, LOCAL_SERVER_ID } from '../../src/lib/server/metering/servers';

export const rules: PricingRules = {
	currency: currency('jpy'),
	rateMicros: parseRate('100')!,
	minimumSeconds: 60,
	incrementSeconds: 60,
	monthlyCapMinor: 5000n,
	timeZone: 'Asia/Tokyo'
};
/** three hours before a month ends in Tokyo: runs cross into the next month */
export const t0 = Date.UTC(2026, 10, 30, 12, 0, 0);

type Op =
	| { kind: 'boot'; gap: number; length: number }
	| { kind: 'seen'; back: number; extra: number }
	| { kind: 'charge'; endBack: number; outcome: 'succeeded' | 'pending' | 'failed' }
	| { kind: 'statement'; endOffset: number; live: 'none' | 'latest' | 'older' };

const op: fc.Arbitrary<Op> = fc.oneof(
	{
		weight: 3,
		arbitrary: fc.record({
			kind: fc.constant('boot' as const),
			gap: fc.integer({ min: 0, max: 4000 }),
			length: fc.integer({ min: 0, max: 40_000 })
		})
	},
	// a sample of one of the last boots: the current one growing, or a late one extending a settled run
	{
		weight: 3,
		arbitrary: fc.record({
			kind: fc.constant('seen' as const),
			back: fc.integer({ min: 0, max: 3 }),
			extra: fc.integer({ min: -100, max: 5000 })
		})
	},
	{
		weight: 1,
		arbitrary: fc.record({
			kind: fc.constant('charge' as const),
			endBack: fc.integer({ min: 0, max: 90_000 }),
			outcome: fc.constantFrom('succeeded' as const, 'pending' as const, 'failed' as const)
		})
	},
	{
		weight: 4,
		arbitrary: fc.record({
			kind: fc.constant('statement' as const),
			endOffset: fc.integer({ min: -60_000, max: 90_000 }),
			live: fc.constantFrom('none' as const, 'latest' as const, 'older' as const)
		})
	}
);

/** The statement as every caller gets it: from the store's checkpoint when it holds. */
export async function checkpointed(
	store: Store,
	windowEnd: number,
	liveRun?: { id: number },
	serverId = LOCAL_SERVER_ID
): Promise<OpenStatement> {
	const server = await getServer(store, serverId);
	const window = await loadChainedWindow(store, rules, server);
	return priceWindow(store, rules, window, server, windowEnd, liveRun, (months, rate) => billedMonths(store, server.id, months, rate));
}

/** The statement computed from scratch: every run since billing stopped, read and chained. */
async function full(store: Store, windowEnd: number, liveRun?: { id: number }): Promise<OpenStatement> {
	const server = await getServer(store, LOCAL_SERVER_ID);
	const window = await loadOpenWindow(store, server.id);
	const chain = chainThrough(rules, window, windowEnd, server.metering_start, liveRun);
	return priceChain(rules, window.billed, chain, windowEnd, (months, rate) => billedMonths(store, server.id, months, rate));
}

const bytes = (statement: OpenStatement) => JSON.stringify(statement, (_key, value) => (typeof value === 'bigint' ? `${value}n` : value));

export function draft(statement: OpenStatement, windowEnd: number, serverId = LOCAL_SERVER_ID): ChargeDraft {
	const periodStart = Math.min(statement.periodStart!, windowEnd);
	const periodEnd = Math.max(windowEnd, periodStart + 1000);
	return {
		customerId: DEFAULT_CUSTOMER_ID,
		serverId,
		kind: 'invoice',
		periodStart,
		periodEnd,
		netMinor: statement.amountMinor,
		taxMinor: 0n,
		amountMinor: statement.amountMinor,
		taxRate: null,
		taxInclusive: false,
		currency: 'jpy',
		description: 'property',
		servers: [{ serverId, periodStart, periodEnd, state: statement.state, basedOn: statement.basedOn }],
		items: statement.lines.map((line) => ({ ...line, serverId, description: line.month }))
	};
}

/**
 * Random histories — boots, late samples extending settled runs, charges landing (paid, open or
 * failed) — with statements in between: the checkpointed statement is byte for byte the one
 * computed from every run.
 */
export async function checkpointedEqualsFull(openEmpty: () => Promise<Store>, numRuns: number): Promise<void> {
	await fc.assert(
		fc.asyncProperty(
			fc.option(fc.integer({ min: 0, max: 40_000 })),
			fc.array(op, { minLength: 1, maxLength: 40, size: 'max' }),
			async (meteringStart, ops) => {
				const store = await openEmpty();
				try {
					await ensureLocalServer(store, 'web-1', meteringStart === null ? null : t0 + meteringStart * 1000, 0);
					const boots: { boot: number; seen: number }[] = [];
					let now = t0;
					let chargedAt = t0;
					const compare = async (windowEnd: number, live: 'none' | 'latest' | 'older') => {
						const runs = await store.db.selectFrom('runs').select('id').orderBy('billable_from').orderBy('id').execute();
						const id = live === 'latest' ? runs.at(-1)?.id : live === 'older' ? runs.at(-2)?.id : undefined;
						const liveRun = id === undefined ? undefined : { id };
						// twice: the second reads from the checkpoint the first left
						for (let i = 0; i < 2; i++)
							expect(bytes(await checkpointed(store, windowEnd, liveRun))).toBe(bytes(await full(store, windowEnd, liveRun)));
					};
					for (const step of ops) {
						if (step.kind === 'boot') {
							const boot = now + step.gap * 1000;
							boots.push({ boot, seen: boot + step.length * 1000 });
							await recordSample(store, LOCAL_SERVER_ID, boot, boot);
							await recordSample(store, LOCAL_SERVER_ID, boot, boot + step.length * 1000);
							now = Math.max(now, boot + step.length * 1000);
						} else if (step.kind === 'seen') {
							const run = boots.at(-1 - step.back);
							if (!run) continue;
							run.seen = Math.max(run.boot, run.seen + step.extra * 1000);
							await recordSample(store, LOCAL_SERVER_ID, run.boot, run.seen);
							now = Math.max(now, run.seen);
						} else if (step.kind === 'charge') {
							const windowEnd = Math.max(chargedAt, now - step.endBack * 1000);
							const statement = await checkpointed(store, windowEnd);
							if (statement.periodStart === null || statement.billableSeconds === 0) continue;
							const charge = await reserveCharge(store, draft(statement, windowEnd), windowEnd);
							if (!charge) continue;
							chargedAt = windowEnd;
							if (step.outcome !== 'pending') await settleCharge(store, charge.id, step.outcome, windowEnd);
						} else await compare(now + step.endOffset * 1000, step.live);
					}
					await compare(now, 'latest');
				} finally {
					await store.close();
				}
			}
		),
		{ numRuns }
	);
}
