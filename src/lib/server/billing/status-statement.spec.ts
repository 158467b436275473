import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { priceOpenWindow, type OpenWindow } from './statement';
import { priceStatusWindow, type PricedPrefix } from './status-statement';
import type { RunTimes } from './window';

const T0 = Date.UTC(2026, 9, 20);
const configArb = fc
	.record({
		MINIMUM_BILLABLE_SECONDS: fc.constantFrom('0', '60', '900'),
		BILLING_INCREMENT_SECONDS: fc.constantFrom('1', '60'),
		MONTHLY_CAP: fc.constantFrom(undefined, '50', '3000'),
		BILLING_TIMEZONE: fc.constantFrom('UTC', 'Asia/Tokyo'),
		METERING_START: fc.constantFrom(undefined, '2026-10-25T00:00:00Z')
	})
	.map((env) => loadConfig({ SERVER_NAME: 'x', ...Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) }));

/** runs in boot order, of any length, sometimes overlapping; times on whole seconds */
const runsArb = fc
	.array(fc.record({ gap: fc.integer({ min: -86_400, max: 20 * 86_400 }), up: fc.integer({ min: 0, max: 15 * 86_400 }) }), {
		maxLength: 12
	})
	.map((shape) => {
		let boot = T0;
		return shape.map((r, i): RunTimes => {
			boot += Math.max(1, r.gap) * 1000;
			return { id: i + 1, boot_time: boot, last_seen_at: boot + r.up * 1000 };
		});
	});

describe('the status prices the live run only, with the same result', () => {
	it('matches priceOpenWindow for any window, live run, clock and cap', async () => {
		await fc.assert(
			fc.asyncProperty(
				configArb,
				runsArb,
				fc.option(fc.integer({ min: 0, max: 120 * 86_400 }), { nil: null }),
				// the window ends anywhere, or (mostly) after every run was last seen, as it does for a live server
				fc.oneof(
					{ arbitrary: fc.integer({ min: -86_400, max: 150 * 86_400 }), weight: 1 },
					{ arbitrary: fc.integer({ min: 0, max: 40 * 86_400 }).map((s) => -1 - s), weight: 3 }
				),
				fc.constantFrom('last', 'none', 'other'),
				fc.dictionary(fc.constantFrom('2026-10', '2026-11', '2026-12', '2027-01'), fc.bigInt({ min: 0n, max: 4000n })),
				async (config, runs, startOffset, endOffset, live, charged) => {
					const window: OpenWindow = { windowStart: startOffset === null ? null : T0 + startOffset * 1000, runs };
					const latest = Math.max(T0, ...runs.map((r) => r.last_seen_at));
					const windowEnd = endOffset < 0 ? latest + (-1 - endOffset) * 1000 : T0 + endOffset * 1000;
					const liveRun = live === 'none' || runs.length === 0 ? undefined : { id: live === 'last' ? runs.length : 1 };
					const months = new Map(Object.entries(charged));
					const chargedIn = async () => months;
					const memo: { prefix?: Promise<PricedPrefix> } = {};
					const server = { hourly_rate: null };
					const expected = await priceOpenWindow(config, server, window, windowEnd, liveRun, chargedIn);
					const { lines: _lines, ...totals } = expected;
					// twice: the second answer comes from the memo
					for (let i = 0; i < 2; i++) {
						const { lines, ...status } = await priceStatusWindow(config, server, window, windowEnd, liveRun, chargedIn, memo);
						expect(status).toEqual(totals);
						expect(lines.length === 0 || lines.length === expected.lines.length).toBe(true);
					}
				}
			),
			{ numRuns: 500 }
		);
	});
});
