import type { Currency } from './currency';
import { priceSeconds } from './money';
import { monthSplitter } from './months';

export interface PricingRules {
	currency: Currency;
	/** hourly rate in millionths of a major unit */
	rateMicros: bigint;
	minimumSeconds: number;
	incrementSeconds: number;
	/** per server and calendar month, in minor units */
	monthlyCapMinor?: bigint;
	timeZone: string;
}

/** One run's billable stretch inside the window; times in ms on whole seconds. */
export interface RunSpan {
	runId: number;
	start: number;
	end: number;
	/** true when this window holds the run's first billable second (the minimum applies once per run) */
	firstBilling: boolean;
}

export interface StatementLine {
	runId: number;
	periodStart: number;
	periodEnd: number;
	month: string;
	meteredSeconds: number;
	billableSeconds: number;
	amountMinor: bigint;
}

export interface Statement {
	lines: StatementLine[];
	meteredSeconds: number;
	billableSeconds: number;
	amountMinor: bigint;
	minimumApplied: boolean;
	capApplied: boolean;
}

/** Seconds a run is billed for: the minimum for a short first billing, then rounded up to the increment. */
export function billableSecondsOf(metered: number, firstBilling: boolean, rules: PricingRules): number {
	const atLeast = firstBilling ? Math.max(metered, rules.minimumSeconds) : metered;
	return Math.ceil(atLeast / rules.incrementSeconds) * rules.incrementSeconds;
}

/**
 * Prices the runs of one server's window: one line per run and calendar month, each
 * rounded once; then the monthly cap trims the lines of any month that would exceed it.
 * `chargedByMonth` holds what earlier live charges already billed per month.
 */
export function priceStatement(
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
			// the extra from the minimum or the increment goes on the run's last piece
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
	const capApplied = rules.monthlyCapMinor !== undefined && applyCap(lines, rules.monthlyCapMinor, chargedByMonth);
	return {
		lines,
		meteredSeconds: sum(lines, (l) => l.meteredSeconds),
		billableSeconds: sum(lines, (l) => l.billableSeconds),
		amountMinor: lines.reduce((total, l) => total + l.amountMinor, 0n),
		minimumApplied,
		capApplied
	};
}

/** Lowers line amounts, in order, so no month goes over the cap. Returns whether anything was cut. */
function applyCap(lines: StatementLine[], capMinor: bigint, chargedByMonth: ReadonlyMap<string, bigint>): boolean {
	const used = new Map(chargedByMonth);
	let cut = false;
	for (const line of lines) {
		const before = used.get(line.month) ?? 0n;
		const room = capMinor > before ? capMinor - before : 0n;
		if (line.amountMinor > room) {
			line.amountMinor = room;
			cut = true;
		}
		used.set(line.month, before + line.amountMinor);
	}
	return cut;
}

function sum<T>(items: readonly T[], pick: (item: T) => number): number {
	let total = 0;
	for (const item of items) total += pick(item);
	return total;
}
