import type { ChainRules, MonthUsage } from './chain';
import type { Currency } from './currency';
import { formatRate, parseRate, secondsPricer } from './money';

export interface PricingRules extends ChainRules {
	currency: Currency;
	/** hourly rate in millionths of a major unit */
	rateMicros: bigint;
	/** per server and calendar month, in minor units */
	monthlyCapMinor?: bigint;
}

/** What live charges already billed a server in one month: seconds per rate (formatRate string), and money. */
export interface BilledMonth {
	secondsByRate: ReadonlyMap<string, number>;
	amountMinor: bigint;
}

/** One line of a charge: a server's new billable time in one calendar month, priced. */
export interface MonthLine {
	month: string;
	periodStart: number;
	periodEnd: number;
	billableSeconds: number;
	runCount: number;
	/** the rate the seconds are billed at (formatRate) */
	rate: string;
	amountMinor: bigint;
}

export interface PricedMonths {
	lines: MonthLine[];
	amountMinor: bigint;
	capApplied: boolean;
}

/**
 * Prices new billable time month by month, cumulatively: a month costs its whole billable
 * time at each rate, rounded once (half-up), capped at the monthly cap, minus what live
 * charges already billed in it. So paying every minute or once a month gives the same total.
 */
export function priceMonths(rules: PricingRules, months: Iterable<MonthUsage>, billed: ReadonlyMap<string, BilledMonth>): PricedMonths {
	const rate = formatRate(rules.rateMicros);
	const price = secondsPricer(rules.rateMicros, rules.currency);
	const lines: MonthLine[] = [];
	let amountMinor = 0n;
	let capApplied = false;
	for (const usage of months) {
		const before = billed.get(usage.month);
		let uncapped = price((before?.secondsByRate.get(rate) ?? 0) + usage.seconds);
		for (const [otherRate, seconds] of before?.secondsByRate ?? []) {
			if (otherRate !== rate) uncapped += secondsPricer(parseRate(otherRate)!, rules.currency)(seconds);
		}
		let total = uncapped;
		if (rules.monthlyCapMinor !== undefined && total > rules.monthlyCapMinor) {
			total = rules.monthlyCapMinor;
			capApplied = true;
		}
		const already = before?.amountMinor ?? 0n;
		const amount = total > already ? total - already : 0n;
		amountMinor += amount;
		lines.push({
			month: usage.month,
			periodStart: usage.start,
			periodEnd: usage.end,
			billableSeconds: usage.seconds,
			runCount: usage.runCount,
			rate,
			amountMinor: amount
		});
	}
	return { lines, amountMinor, capApplied };
}
