import type { Currency } from './currency';
import { secondsPricer } from './money';
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
	const pricer = new StatementPricer(rules, chargedByMonth);
	for (const run of runs) pricer.add(run);
	return pricer.statement();
}

/**
 * priceStatement one run at a time, with the same result: the cap trims lines in order, so
 * a line's cut depends only on the lines before it. A copy taken after the runs that no
 * longer change (`copy`) lets the status price only the run still growing.
 */
export class StatementPricer {
	readonly lines: StatementLine[] = [];
	meteredSeconds = 0;
	billableSeconds = 0;
	amountMinor = 0n;
	minimumApplied = false;
	capApplied = false;
	/** what the window has billed so far per month, on top of `chargedByMonth` (monthly cap) */
	#used: Map<string, bigint>;
	readonly #split: ReturnType<typeof monthSplitter>;
	readonly #price: (seconds: number) => bigint;

	constructor(
		readonly rules: PricingRules,
		private readonly chargedByMonth: ReadonlyMap<string, bigint> = new Map(),
		/** false: totals only (the status needs no lines) */
		private readonly keepLines = true,
		used?: Map<string, bigint>
	) {
		this.#used = new Map(used);
		this.#split = monthSplitter(rules.timeZone);
		this.#price = secondsPricer(rules.rateMicros, rules.currency);
	}

	add(run: RunSpan): void {
		const { rules } = this;
		const pieces = this.#split(run.start, run.end);
		if (pieces.length === 0) return;
		const metered = (run.end - run.start) / 1000;
		const billable = billableSecondsOf(metered, run.firstBilling, rules);
		if (run.firstBilling && metered < rules.minimumSeconds) this.minimumApplied = true;
		for (let index = 0; index < pieces.length; index++) {
			const piece = pieces[index];
			const pieceMetered = (piece.end - piece.start) / 1000;
			// the extra from the minimum or the increment goes on the run's last piece
			const extra = index === pieces.length - 1 ? billable - metered : 0;
			const seconds = pieceMetered + extra;
			let amountMinor = this.#price(seconds);
			if (rules.monthlyCapMinor !== undefined) amountMinor = this.#cap(piece.month, amountMinor, rules.monthlyCapMinor);
			this.meteredSeconds += pieceMetered;
			this.billableSeconds += seconds;
			this.amountMinor += amountMinor;
			if (this.keepLines) {
				this.lines.push({
					runId: run.runId,
					periodStart: piece.start,
					periodEnd: piece.end,
					month: piece.month,
					meteredSeconds: pieceMetered,
					billableSeconds: seconds,
					amountMinor
				});
			}
		}
	}

	/** Lowers a line's amount so its month stays within the cap. */
	#cap(month: string, amountMinor: bigint, capMinor: bigint): bigint {
		const before = this.#used.get(month) ?? this.chargedByMonth.get(month) ?? 0n;
		const room = capMinor > before ? capMinor - before : 0n;
		const allowed = amountMinor > room ? room : amountMinor;
		if (allowed < amountMinor) this.capApplied = true;
		this.#used.set(month, before + allowed);
		return allowed;
	}

	/** An independent pricer in the same state, without lines; `chargedByMonth` may know more months. */
	copy(chargedByMonth: ReadonlyMap<string, bigint> = this.chargedByMonth): StatementPricer {
		const copy = new StatementPricer(this.rules, chargedByMonth, false, this.#used);
		copy.meteredSeconds = this.meteredSeconds;
		copy.billableSeconds = this.billableSeconds;
		copy.amountMinor = this.amountMinor;
		copy.minimumApplied = this.minimumApplied;
		copy.capApplied = this.capApplied;
		return copy;
	}

	statement(): Statement {
		const { lines, meteredSeconds, billableSeconds, amountMinor, minimumApplied, capApplied } = this;
		return { lines, meteredSeconds, billableSeconds, amountMinor, minimumApplied, capApplied };
	}
}
