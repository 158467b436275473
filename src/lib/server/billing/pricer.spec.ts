import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { currency } from './currency';
import { parseRate, priceSeconds, secondsPricer } from './money';
import { monthSplitter } from './months';
import {
	billableSecondsOf,
	priceStatement,
	StatementPricer,
	type PricingRules,
	type RunSpan,
	type Statement,
	type StatementLine
} from './pricing';

/** priceStatement as it was written before it became a fold over StatementPricer: the reference. */
function referencePriceStatement(
	runs: readonly RunSpan[],
	rules: PricingRules,
	chargedByMonth: ReadonlyMap<string, bigint> = new Map()
): Statement {
	const split = monthSplitter(rules.timeZone);
	const lines: StatementLine[] = [];
	let minimumApplied = false;
	for (const run of runs) {
		const pieces = split(run.start, run.end);
		if (pieces.length === 0) continue;
		const metered = (run.end - run.start) / 1000;
		const billable = billableSecondsOf(metered, run.firstBilling, rules);
		if (run.firstBilling && metered < rules.minimumSeconds) minimumApplied = true;
		pieces.forEach((piece, index) => {
			const pieceMetered = (piece.end - piece.start) / 1000;
			const extra = index === pieces.length - 1 ? billable - metered : 0;
			const seconds = pieceMetered + extra;
			lines.push({
				runId: run.runId,
				periodStart: piece.start,
				periodEnd: piece.end,
				month: piece.month,
				meteredSeconds: pieceMetered,
				billableSeconds: seconds,
				amountMinor: priceSeconds(BigInt(seconds), rules.rateMicros, rules.currency)
			});
		});
	}
	let capApplied = false;
	if (rules.monthlyCapMinor !== undefined) {
		const used = new Map(chargedByMonth);
		for (const line of lines) {
			const before = used.get(line.month) ?? 0n;
			const room = rules.monthlyCapMinor > before ? rules.monthlyCapMinor - before : 0n;
			if (line.amountMinor > room) {
				line.amountMinor = room;
				capApplied = true;
			}
			used.set(line.month, before + line.amountMinor);
		}
	}
	return {
		lines,
		meteredSeconds: lines.reduce((n, l) => n + l.meteredSeconds, 0),
		billableSeconds: lines.reduce((n, l) => n + l.billableSeconds, 0),
		amountMinor: lines.reduce((n, l) => n + l.amountMinor, 0n),
		minimumApplied,
		capApplied
	};
}

const T0 = Date.UTC(2026, 0, 1);
const rulesArb = fc
	.record({
		code: fc.constantFrom('jpy', 'usd', 'kwd', 'isk'),
		rate: fc.constantFrom('100', '0.0104', '12.5', '1.234', '0', '99999.999999'),
		minimumSeconds: fc.integer({ min: 0, max: 600 }),
		incrementSeconds: fc.constantFrom(1, 60, 900, 3600),
		cap: fc.option(fc.constantFrom(0n, 50n, 5000n, 1_000_000n), { nil: undefined }),
		timeZone: fc.constantFrom('UTC', 'Asia/Tokyo', 'America/New_York', 'Australia/Lord_Howe')
	})
	.map((r): PricingRules => ({
		currency: currency(r.code),
		rateMicros: parseRate(r.rate)!,
		minimumSeconds: r.minimumSeconds,
		incrementSeconds: r.incrementSeconds,
		monthlyCapMinor: r.cap,
		timeZone: r.timeZone
	}));
const spansArb = fc
	.array(
		fc.record({
			startSeconds: fc.integer({ min: 0, max: 400 * 86_400 }),
			seconds: fc.integer({ min: 0, max: 45 * 86_400 }),
			firstBilling: fc.boolean()
		}),
		{ maxLength: 30 }
	)
	.map((runs) =>
		runs.map((r, i): RunSpan => ({
			runId: i + 1,
			start: T0 + r.startSeconds * 1000,
			end: T0 + (r.startSeconds + r.seconds) * 1000,
			firstBilling: r.firstBilling
		}))
	);
const chargedArb = fc
	.dictionary(fc.constantFrom('2026-01', '2026-02', '2026-03', '2026-07', '2027-01'), fc.bigInt({ min: 0n, max: 2_000_000n }))
	.map((d) => new Map(Object.entries(d)));

describe('pricing one run at a time', () => {
	it('prices exactly as the reference: lines, totals, minimum and cap flags', () => {
		fc.assert(
			fc.property(spansArb, rulesArb, chargedArb, (spans, rules, charged) => {
				expect(priceStatement(spans, rules, charged)).toEqual(referencePriceStatement(spans, rules, charged));
			}),
			{ numRuns: 400 }
		);
	});

	it('gives the same totals when a copy taken part-way prices the rest', () => {
		fc.assert(
			fc.property(spansArb, rulesArb, chargedArb, fc.nat(), (spans, rules, charged, at) => {
				const cut = spans.length === 0 ? 0 : at % (spans.length + 1);
				const prefix = new StatementPricer(rules, charged);
				spans.slice(0, cut).forEach((s) => prefix.add(s));
				const rest = prefix.copy();
				spans.slice(cut).forEach((s) => rest.add(s));
				const { lines: _lines, ...totals } = referencePriceStatement(spans, rules, charged);
				const { lines, ...copied } = rest.statement();
				expect(copied).toEqual(totals);
				expect(lines).toEqual([]);
			}),
			{ numRuns: 400 }
		);
	});

	it('prices seconds with hoisted constants exactly as priceSeconds', () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 0, max: 400 * 86_400 }),
				fc.bigInt({ min: 0n, max: 10n ** 12n }),
				fc.constantFrom('jpy', 'usd', 'kwd', 'isk', 'bhd', 'eur'),
				(seconds, rateMicros, code) => {
					expect(secondsPricer(rateMicros, currency(code))(seconds)).toBe(priceSeconds(BigInt(seconds), rateMicros, currency(code)));
				}
			),
			{ numRuns: 2000 }
		);
	});
});
