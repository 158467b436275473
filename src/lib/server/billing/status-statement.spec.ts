import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UNBILLED, type StoredRun } from './chain';
import { currency } from './currency';
import { parseRate } from './money';
import type { PricingRules } from './pricing';
import { chainThrough, priceChain, type OpenWindow } from './statement';
import { priceStatusWindow, type ChainedPrefix } from './status-statement';

const rules: PricingRules = {
	currency: currency('jpy'),
	rateMicros: parseRate('100')!,
	minimumSeconds: 60,
	incrementSeconds: 60,
	monthlyCapMinor: 500n,
	timeZone: 'Asia/Tokyo'
};
const t0 = Date.UTC(2026, 10, 30, 12, 0, 0);

describe('the status shortcut (settled runs chained once, the live run per request)', () => {
	it('prices exactly what the plain chain prices, for any runs, live run, clock and billed months', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(fc.record({ gap: fc.integer({ min: 0, max: 4000 }), length: fc.integer({ min: 0, max: 40_000 }) }), {
					minLength: 1,
					maxLength: 6
				}),
				fc.boolean(),
				fc.integer({ min: -3000, max: 90_000 }),
				fc.integer({ min: 0, max: 300 }),
				async (shape, live, endOffset, billedAmount) => {
					const runs: StoredRun[] = [];
					let cursor = t0;
					shape.forEach((piece, i) => {
						const from = cursor + piece.gap * 1000;
						runs.push({ id: i + 1, billable_from: from, last_seen_at: from + piece.length * 1000 });
						cursor = from + piece.length * 1000;
					});
					const window: OpenWindow = { billed: { periodEnd: null, chargeId: null, state: UNBILLED }, runs };
					const windowEnd = cursor + endOffset * 1000;
					const liveRun = live ? { id: runs.length } : undefined;
					const billed = async () => new Map([['2026-11', { secondsByRate: new Map([['100', 3600]]), amountMinor: BigInt(billedAmount) }]]);
					const memo: { prefix?: ChainedPrefix } = {};
					const plain = await priceChain(rules, window, chainThrough(rules, window, windowEnd, null, liveRun), windowEnd, billed);
					// asked twice: the second answer comes from the memo
					for (let i = 0; i < 2; i++) {
						const fast = await priceStatusWindow(rules, window, windowEnd, null, liveRun, billed, memo);
						expect(fast).toEqual(plain);
					}
				}
			),
			{ numRuns: 300 }
		);
	});
});
