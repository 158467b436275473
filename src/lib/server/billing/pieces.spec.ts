import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chainRuns, RunChain, UNBILLED, type ChainState, type StoredRun } from './chain';
import { currency } from './currency';
import { parseRate } from './money';
import { priceMonths, type BilledMonth, type MonthLine, type PricingRules } from './pricing';

/**
 * The ledger's promise, as a property: however usage is cut into charges — every minute or
 * once at the end, some of them canceled — the charges that stand cost exactly what one
 * charge at the end costs, and bill exactly its seconds (so no second twice, none lost).
 * The model keeps runs, charges and their lines the way the database does, and computes
 * each charge with the same functions the app uses (chain.ts, pricing.ts).
 */

interface ModelCharge {
	live: boolean;
	state: ChainState;
	lines: MonthLine[];
	amountMinor: bigint;
	billableSeconds: number;
}

/** The runs as stored at time `t`: those booted by then, seen up to `t`, each starting after everything seen before it. */
function runsAt(runs: { boot: number; lastSeen: number }[], t: number): StoredRun[] {
	const stored: StoredRun[] = [];
	let seen = -Infinity;
	runs.forEach((run, index) => {
		if (run.boot > t) return;
		const lastSeen = Math.min(run.lastSeen, t);
		stored.push({ id: index + 1, billable_from: Math.max(run.boot, seen), last_seen_at: lastSeen });
		seen = Math.max(seen, lastSeen);
	});
	return stored;
}

function billedFrom(charges: ModelCharge[]): Map<string, BilledMonth> {
	const billed = new Map<string, { secondsByRate: Map<string, number>; amountMinor: bigint }>();
	for (const charge of charges.filter((c) => c.live)) {
		for (const line of charge.lines) {
			let month = billed.get(line.month);
			if (!month) billed.set(line.month, (month = { secondsByRate: new Map(), amountMinor: 0n }));
			month.secondsByRate.set(line.rate, (month.secondsByRate.get(line.rate) ?? 0) + line.billableSeconds);
			month.amountMinor += line.amountMinor;
		}
	}
	return billed;
}

function charge(rules: PricingRules, runs: StoredRun[], t: number, meteringStart: number | null, earlier: ModelCharge[]) {
	const live = earlier.filter((c) => c.live);
	const chain = new RunChain(rules, live.at(-1)?.state ?? UNBILLED);
	for (const run of chainRuns(runs, t, meteringStart)) chain.add(run);
	const priced = priceMonths(rules, chain.months.values(), billedFrom(earlier));
	return { state: chain.state, lines: priced.lines, amountMinor: priced.amountMinor, billableSeconds: chain.billableSeconds };
}

const MINUTE = 60_000;
const start = Date.UTC(2026, 10, 30, 20, 0, 0); // a few hours before December starts, in every zone below

const arbitraryRules = fc.record({
	code: fc.constantFrom('jpy', 'usd', 'kwd', 'eur'),
	rate: fc.constantFrom('100', '0.0104', '12.5', '1.234', '3600'),
	minimumSeconds: fc.constantFrom(0, 60, 300),
	incrementSeconds: fc.constantFrom(1, 60, 900, 3600),
	cap: fc.option(fc.constantFrom('1', '50', '5000'), { nil: undefined }),
	timeZone: fc.constantFrom('UTC', 'Asia/Tokyo', 'America/New_York', 'Europe/Berlin')
});

/** Runs one after another: gaps and lengths from seconds (flapping) to hours. */
const arbitraryRuns = fc.array(
	fc.record({
		gapSeconds: fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 9000 })),
		seconds: fc.oneof(fc.integer({ min: 0, max: 90 }), fc.integer({ min: 0, max: 20_000 }))
	}),
	{ minLength: 1, maxLength: 8 }
);

function toRules(r: {
	code: string;
	rate: string;
	minimumSeconds: number;
	incrementSeconds: number;
	cap?: string;
	timeZone: string;
}): PricingRules {
	const cur = currency(r.code);
	const capMinor = r.cap === undefined ? undefined : BigInt(r.cap) * 10n ** BigInt(cur.exponent);
	return {
		currency: cur,
		rateMicros: parseRate(r.rate)!,
		minimumSeconds: r.minimumSeconds,
		incrementSeconds: r.incrementSeconds,
		monthlyCapMinor: capMinor,
		timeZone: r.timeZone
	};
}

describe('billing in pieces costs what billing once costs', () => {
	it('for random runs, rules, zones and cuts into charges (some canceled), the charges that stand equal one charge at the end', () => {
		fc.assert(
			fc.property(
				arbitraryRules,
				arbitraryRuns,
				fc.array(fc.record({ atMinute: fc.integer({ min: 0, max: 1000 }), canceled: fc.boolean() }), { maxLength: 12 }),
				fc.option(fc.integer({ min: 0, max: 300 }), { nil: null }),
				(r, shape, cuts, meteringMinute) => {
					const rules = toRules(r);
					const runs: { boot: number; lastSeen: number }[] = [];
					let cursor = start;
					for (const piece of shape) {
						const boot = cursor + piece.gapSeconds * 1000;
						runs.push({ boot, lastSeen: boot + piece.seconds * 1000 });
						cursor = boot + piece.seconds * 1000;
					}
					const end = cursor + 1000;
					const meteringStart = meteringMinute === null ? null : start + meteringMinute * MINUTE;
					const charges: ModelCharge[] = [];
					const times = cuts.map((c) => ({ t: start + c.atMinute * MINUTE, canceled: c.canceled })).sort((a, b) => a.t - b.t);
					for (const { t, canceled } of [...times, { t: end, canceled: false }]) {
						const made = charge(rules, runsAt(runs, t), t, meteringStart, charges);
						charges.push({ ...made, live: !canceled });
					}
					const once = charge(rules, runsAt(runs, end), end, meteringStart, []);
					const live = charges.filter((c) => c.live);
					expect(live.reduce((sum, c) => sum + c.amountMinor, 0n)).toBe(once.amountMinor);
					expect(live.reduce((sum, c) => sum + c.billableSeconds, 0)).toBe(once.billableSeconds);
					// billed time never exceeds the time that passed, plus one run's padding at the end
					const first = Math.max(runs[0].boot, meteringStart ?? -Infinity);
					const padding = Math.max(r.minimumSeconds, r.incrementSeconds);
					expect(once.billableSeconds).toBeLessThanOrEqual(Math.max(0, (end - first) / 1000) + padding);
				}
			),
			{ numRuns: 1000 }
		);
	});

	it('a 70-minute run with a one-hour increment costs 2 h whether paid at 10, 20 and 70 minutes or once', () => {
		const rules = toRules({ code: 'jpy', rate: '100', minimumSeconds: 60, incrementSeconds: 3600, timeZone: 'UTC' });
		const runs = [{ boot: Date.UTC(2026, 10, 10), lastSeen: Date.UTC(2026, 10, 10) + 70 * MINUTE }];
		const charges: ModelCharge[] = [];
		for (const minute of [10, 20, 70]) {
			const t = runs[0].boot + minute * MINUTE;
			charges.push({ ...charge(rules, runsAt(runs, t), t, null, charges), live: true });
		}
		expect(charges.map((c) => c.amountMinor)).toEqual([100n, 0n, 100n]);
		expect(charge(rules, runsAt(runs, runs[0].lastSeen), runs[0].lastSeen, null, []).amountMinor).toBe(200n);
	});

	it('a 90-second run with the 60-second minimum costs 90 s whether paid at 30 and 90 seconds or once', () => {
		const rules = toRules({ code: 'usd', rate: '36', minimumSeconds: 60, incrementSeconds: 1, timeZone: 'UTC' });
		const runs = [{ boot: Date.UTC(2026, 10, 10), lastSeen: Date.UTC(2026, 10, 10) + 90_000 }];
		const first = charge(rules, runsAt(runs, runs[0].boot + 30_000), runs[0].boot + 30_000, null, []);
		const second = charge(rules, runsAt(runs, runs[0].lastSeen), runs[0].lastSeen, null, [{ ...first, live: true }]);
		// $36/h = 1 ¢ a second: 60 s (the minimum) then 30 s more
		expect([first.amountMinor, second.amountMinor]).toEqual([60n, 30n]);
		expect(charge(rules, runsAt(runs, runs[0].lastSeen), runs[0].lastSeen, null, []).amountMinor).toBe(90n);
	});

	it('200 six-second boots ten seconds apart bill the ~2,000 s they spanned (plus one minimum at the end), not 200 minimums', () => {
		const rules = toRules({ code: 'jpy', rate: '3600', minimumSeconds: 60, incrementSeconds: 1, timeZone: 'UTC' });
		const t0 = Date.UTC(2026, 10, 10);
		const runs = Array.from({ length: 200 }, (_, i) => ({ boot: t0 + i * 10_000, lastSeen: t0 + i * 10_000 + 6000 }));
		const end = runs.at(-1)!.lastSeen;
		const once = charge(rules, runsAt(runs, end), end, null, []);
		// 12,000 s before (a minimum per boot); now the time from the first boot to the last sighting, plus one minimum
		expect(once.billableSeconds).toBeLessThanOrEqual((end - t0) / 1000 + 60);
		expect(once.billableSeconds).toBeGreaterThanOrEqual((end - t0) / 1000 - 200 * 4);
		expect(once.amountMinor).toBe(BigInt(once.billableSeconds)); // ¥3600/h = ¥1 a second
	});
});
