import { describe, expect, it } from 'vitest';
import { RunChain, UNBILLED, type ChainState } from './chain';
import { currency } from './currency';
import { majorToMinor, minorToMajor, parseRate, priceSeconds } from './money';
import { priceMonths, type BilledMonth, type PricingRules } from './pricing';

const HOUR = 3600;
const T0 = Date.UTC(2026, 10, 10, 0, 0, 0); // 2026-11-10T00:00Z

function rules(overrides: Partial<PricingRules> & { rate?: string; code?: string } = {}): PricingRules {
	const { rate = '100', code = 'jpy', ...rest } = overrides;
	return {
		currency: currency(code),
		rateMicros: parseRate(rate)!,
		minimumSeconds: 60,
		incrementSeconds: 1,
		timeZone: 'UTC',
		...rest
	};
}

interface TestRun {
	id: number;
	from: number;
	until: number;
}

const run = (seconds: number, start = T0, id = 1): TestRun => ({ id, from: start, until: start + seconds * 1000 });

/** Chains the runs from `state` and prices what they add against `billed`: what one charge computes. */
function priceStatement(runs: TestRun[], r: PricingRules, billed = new Map<string, BilledMonth>(), state: ChainState = UNBILLED) {
	const chain = new RunChain(r, state);
	for (const each of runs) chain.add(each);
	const priced = priceMonths(r, chain.months.values(), billed);
	return { ...priced, billableSeconds: chain.billableSeconds, minimumApplied: chain.minimumApplied, state: chain.state };
}

const billedAt = (rate: string, seconds: number, amountMinor: bigint): BilledMonth => ({
	secondsByRate: new Map([[rate, seconds]]),
	amountMinor
});

describe('price of one run (hand-computed)', () => {
	it.each([
		// [label, seconds, rate, currency, expected minor, expected billable seconds]
		['59 s JPY 100/h: minimum 60 s → 1.67 → ¥2', 59, '100', 'jpy', 2n, 60],
		['60 s JPY 100/h → 1.67 → ¥2', 60, '100', 'jpy', 2n, 60],
		['61 s JPY 100/h → 1.69 → ¥2', 61, '100', 'jpy', 2n, 61],
		['1 h JPY 100/h → ¥100', HOUR, '100', 'jpy', 100n, HOUR],
		['30 days JPY 100/h → 720 h → ¥72,000', 30 * 24 * HOUR, '100', 'jpy', 72_000n, 30 * 24 * HOUR],
		['1 h USD 0.0104/h → 1.04 ¢ → 1 ¢', HOUR, '0.0104', 'usd', 1n, HOUR],
		['30 days USD 0.0104/h → 748.8 ¢ → 749 ¢', 30 * 24 * HOUR, '0.0104', 'usd', 749n, 30 * 24 * HOUR],
		['61 s USD 12.50/h → 21.18 ¢ → 21 ¢', 61, '12.50', 'usd', 21n, 61],
		['1 h EUR 0.99/h → 99 c', HOUR, '0.99', 'eur', 99n, HOUR],
		['1 h KWD 1.234/h → 1234 fils → 1230 (last digit 0)', HOUR, '1.234', 'kwd', 1230n, HOUR],
		['1 h KWD 1.235/h → 1235 fils → 1240 (half-up)', HOUR, '1.235', 'kwd', 1240n, HOUR],
		['30 min KWD 1.234/h → 617 fils → 620', 1800, '1.234', 'kwd', 620n, 1800]
	])('%s', (_label, seconds, rate, code, expectedMinor, expectedSeconds) => {
		const statement = priceStatement([run(seconds)], rules({ rate, code }));
		expect(statement.amountMinor).toBe(expectedMinor);
		expect(statement.billableSeconds).toBe(expectedSeconds);
	});

	it('rounds half-up exactly at .5 (18 s of ¥100/h is ¥0.5 → ¥1, 17 s is ¥0.47 → ¥0)', () => {
		expect(priceStatement([run(18)], rules({ minimumSeconds: 0 })).amountMinor).toBe(1n);
		expect(priceStatement([run(17)], rules({ minimumSeconds: 0 })).amountMinor).toBe(0n);
	});

	it('flags the minimum only when it raised the time', () => {
		expect(priceStatement([run(59)], rules()).minimumApplied).toBe(true);
		expect(priceStatement([run(60)], rules()).minimumApplied).toBe(false);
	});

	it('applies the minimum once per run: a run billed at 30 s (as 60 s) and again at 90 s costs 90 s in all', () => {
		const first = priceStatement([run(30)], rules());
		expect(first.billableSeconds).toBe(60);
		const second = priceStatement([run(90)], rules(), new Map([['2026-11', billedAt('100', 60, first.amountMinor)]]), first.state);
		expect(second.billableSeconds).toBe(30);
		expect(first.amountMinor + second.amountMinor).toBe(priceSeconds(90n, parseRate('100')!, currency('jpy'))); // ¥3, not ¥4
	});

	it('rounds each run up to the billing increment (61 s in 15-min steps → 900 s → ¥25)', () => {
		const statement = priceStatement([run(61)], rules({ incrementSeconds: 900 }));
		expect(statement.billableSeconds).toBe(900);
		expect(statement.amountMinor).toBe(25n);
	});

	it('bills one line per server and month, runs summed and rounded once', () => {
		// three runs of 20 s at ¥100/h with no minimum: 60 s → ¥1.67 → ¥2 (not ¥1 + ¥1 + ¥1)
		const runs = [run(20, T0, 1), run(20, T0 + 60_000, 2), run(20, T0 + 120_000, 3)];
		const statement = priceStatement(runs, rules({ minimumSeconds: 0 }));
		expect(statement.lines.map((l) => [l.amountMinor, l.runCount])).toEqual([[2n, 3]]);
		expect(statement.amountMinor).toBe(2n);
	});
});

describe('calendar months and the monthly cap', () => {
	const tokyoEdge = Date.UTC(2026, 10, 30, 14, 0, 0); // 23:00 on Nov 30 in Tokyo

	it('splits a run at midnight of the 1st in BILLING_TIMEZONE (Asia/Tokyo = UTC+9)', () => {
		const statement = priceStatement([run(2 * HOUR, tokyoEdge)], rules({ timeZone: 'Asia/Tokyo' }));
		expect(statement.lines.map((l) => [l.month, l.billableSeconds, l.amountMinor])).toEqual([
			['2026-11', HOUR, 100n],
			['2026-12', HOUR, 100n]
		]);
		expect(statement.lines[0].periodEnd).toBe(Date.UTC(2026, 10, 30, 15, 0, 0));
	});

	it('keeps the same run in one month in UTC', () => {
		const statement = priceStatement([run(2 * HOUR, tokyoEdge)], rules());
		expect(statement.lines.map((l) => l.month)).toEqual(['2026-11']);
		expect(statement.amountMinor).toBe(200n);
	});

	it('stops at the cap when it is reached mid-month, and starts afresh next month', () => {
		// USD 10/h, cap $50: $40 already billed in November, 2 h more ($20) → only $10 fits
		const r = rules({ rate: '10', code: 'usd', monthlyCapMinor: 5000n });
		const statement = priceStatement([run(2 * HOUR)], r, new Map([['2026-11', billedAt('10', 4 * HOUR, 4000n)]]));
		expect(statement.amountMinor).toBe(1000n);
		expect(statement.capApplied).toBe(true);
		const december = priceStatement([run(2 * HOUR, Date.UTC(2026, 11, 5))], r, new Map([['2026-11', billedAt('10', 6 * HOUR, 5000n)]]));
		expect(december.amountMinor).toBe(2000n);
		expect(december.capApplied).toBe(false);
	});

	it('caps a run that crosses a month boundary month by month', () => {
		// ¥100/h, cap ¥150/month, 21:00 Nov 30 → 01:00 Dec 1 in Tokyo:
		// November's 3 h (¥300) are cut to ¥150, December's 1 h (¥100) is untouched
		const r = rules({ timeZone: 'Asia/Tokyo', monthlyCapMinor: 150n });
		const statement = priceStatement([run(4 * HOUR, tokyoEdge - 2 * HOUR * 1000)], r);
		expect(statement.lines.map((l) => l.amountMinor)).toEqual([150n, 100n]);
		expect(statement.capApplied).toBe(true);
	});
});

describe('money conversions', () => {
	it('never uses floats: 0.1 + 0.2 style rates stay exact', () => {
		// 0.1/h + 0.2/h over 1000 h = 300.00 USD exactly
		const usd = currency('usd');
		expect(priceSeconds(1000n * 3600n, parseRate('0.1')! + parseRate('0.2')!, usd)).toBe(30000n);
	});

	it('converts major amounts to minor units only when exact for the currency', () => {
		expect(majorToMinor('49.99', currency('usd'))).toBe(4999n);
		expect(majorToMinor('5000', currency('jpy'))).toBe(5000n);
		expect(majorToMinor('0.5', currency('jpy'))).toBeUndefined();
		expect(majorToMinor('1.235', currency('kwd'))).toBeUndefined(); // Stripe wants the last digit 0
		expect(majorToMinor('1.230', currency('kwd'))).toBe(1230n);
	});

	it('renders minor units back in major units with the currency exponent', () => {
		expect(minorToMajor(1234n, currency('usd'))).toBe('12.34');
		expect(minorToMajor(15n, currency('usd'))).toBe('0.15');
		expect(minorToMajor(14n, currency('jpy'))).toBe('14');
		expect(minorToMajor(1230n, currency('kwd'))).toBe('1.230');
	});

	it('knows Stripe minimum charges', () => {
		expect(currency('jpy').minimumMinor).toBe(50n);
		expect(currency('usd').minimumMinor).toBe(50n);
		expect(currency('eur').minimumMinor).toBe(50n);
	});
});
