import { monthSplitter } from './months';

/**
 * How a server's runs become billable time, as one chain through its runs in order.
 *
 * Each run is billed from `s` = the later of its own start and the end of the billed time
 * before it, for max(its seconds, the minimum), rounded up to the increment: the padded
 * interval [s, s + padded). The next run starts after that interval, so padding never
 * reaches into time the next run bills, and 200 six-second boots bill the time they
 * spanned, not 200 minimums. The chain depends only on the runs as seen so far, so
 * billing it in pieces (each charge bills what the chain reached beyond the previous
 * charge's frontier) adds up to billing it once.
 */
export interface ChainRules {
	minimumSeconds: number;
	incrementSeconds: number;
	timeZone: string;
}

/** A run's billable stretch, already clamped: from ≥ meteringStart, until ≤ the next run's start and the window's end. */
export interface ChainRun {
	id: number;
	from: number;
	until: number;
}

/** Where billing stopped: the run it stopped in, where that run's billing started, and the end of the time billed. */
export interface ChainState {
	runId: number | null;
	runStart: number;
	frontier: number;
}

export const UNBILLED: ChainState = Object.freeze({ runId: null, runStart: -Infinity, frontier: -Infinity });

/** New billable time in one calendar month. */
export interface MonthUsage {
	month: string;
	start: number;
	end: number;
	seconds: number;
	/** runs with time in the month (a chain adds each run once) */
	runCount: number;
}

const SECOND = 1000;

export class RunChain {
	/** new billable seconds by month key ("2026-11"), in order */
	readonly months = new Map<string, MonthUsage>();
	/** seconds the servers were really up beyond the frontier */
	meteredSeconds = 0;
	/** new billable seconds (with minimum and increment) */
	billableSeconds = 0;
	minimumApplied = false;
	/** the first new billable instant */
	firstStart: number | undefined;
	readonly #split: ReturnType<typeof monthSplitter>;

	constructor(
		readonly rules: ChainRules,
		/** where earlier charges stopped; moves forward as runs are added */
		public state: ChainState = UNBILLED
	) {
		this.#split = monthSplitter(rules.timeZone);
	}

	add(run: ChainRun): void {
		const { state, rules } = this;
		const start = run.id === state.runId ? state.runStart : Math.max(run.from, state.frontier);
		if (run.until <= start) return;
		const metered = (run.until - start) / SECOND;
		const atLeast = Math.max(metered, rules.minimumSeconds);
		const padded = Math.ceil(atLeast / rules.incrementSeconds) * rules.incrementSeconds;
		const end = start + padded * SECOND;
		if (end <= state.frontier) return;
		const newStart = Math.max(start, state.frontier);
		if (atLeast > metered) this.minimumApplied = true;
		this.meteredSeconds += Math.max(0, run.until - newStart) / SECOND;
		this.billableSeconds += (end - newStart) / SECOND;
		this.firstStart ??= newStart;
		for (const piece of this.#split(newStart, end)) {
			let usage = this.months.get(piece.month);
			if (!usage)
				this.months.set(piece.month, (usage = { month: piece.month, start: piece.start, end: piece.end, seconds: 0, runCount: 0 }));
			usage.seconds += (piece.end - piece.start) / SECOND;
			usage.end = piece.end;
			usage.runCount++;
		}
		this.state = { runId: run.id, runStart: start, frontier: end };
	}

	/** An independent chain in the same state (settled runs are chained once, then copied: checkpoint.ts). */
	copy(): RunChain {
		const copy = new RunChain(this.rules, this.state);
		for (const [key, usage] of this.months) copy.months.set(key, { ...usage });
		copy.meteredSeconds = this.meteredSeconds;
		copy.billableSeconds = this.billableSeconds;
		copy.minimumApplied = this.minimumApplied;
		copy.firstStart = this.firstStart;
		return copy;
	}
}

/** Stored runs as the chain takes them, each clamped to the next run's start, meteringStart and the window's end. */
export interface StoredRun {
	id: number;
	billable_from: number;
	last_seen_at: number;
}

export function chainRuns(runs: readonly StoredRun[], windowEnd: number, meteringStart: number | null | undefined): ChainRun[] {
	const out: ChainRun[] = [];
	const floor = meteringStart ?? -Infinity;
	for (let i = 0; i < runs.length; i++) {
		const run = runs[i];
		const next = runs[i + 1];
		const until = Math.min(run.last_seen_at, next ? next.billable_from : Infinity, windowEnd);
		out.push({ id: run.id, from: Math.max(run.billable_from, floor), until });
	}
	return out;
}
