import type { RunSpan } from './pricing';

export interface RunTimes {
	id: number;
	boot_time: number;
	last_seen_at: number;
}

/**
 * The billable stretches of runs inside a window starting at `windowStart` (null: from
 * the beginning) and ending at `windowEnd`. A run counts from max(boot, meteringStart);
 * runs never overlap (a skewed clock cannot bill one second twice). `runs` are sorted by boot.
 */
export function spansInWindow(runs: readonly RunTimes[], windowStart: number | null, windowEnd: number, meteringStart?: number): RunSpan[] {
	const spans: RunSpan[] = [];
	let previousEnd = meteringStart ?? -Infinity;
	for (const run of runs) {
		const billableFrom = Math.max(run.boot_time, previousEnd);
		previousEnd = Math.max(previousEnd, run.last_seen_at);
		const start = windowStart === null ? billableFrom : Math.max(billableFrom, windowStart);
		const end = Math.min(run.last_seen_at, windowEnd);
		if (end <= start) continue;
		spans.push({ runId: run.id, start, end, firstBilling: windowStart === null || billableFrom >= windowStart });
	}
	return spans;
}
