import { describe, expect, it } from 'vitest';
import { spansInWindow } from './window';

const s = (n: number) => n * 1000;

describe('billable spans of runs in a window', () => {
	const runs = [
		{ id: 1, boot_time: s(0), last_seen_at: s(100) },
		{ id: 2, boot_time: s(200), last_seen_at: s(400) }
	];

	it('bills every run from boot when never billed', () => {
		expect(spansInWindow(runs, null, s(1000))).toEqual([
			{ runId: 1, start: s(0), end: s(100), firstBilling: true },
			{ runId: 2, start: s(200), end: s(400), firstBilling: true }
		]);
	});

	it('starts at the last charge and marks a run already billed in part', () => {
		expect(spansInWindow(runs, s(250), s(1000))).toEqual([{ runId: 2, start: s(250), end: s(400), firstBilling: false }]);
	});

	it('ends at the window end', () => {
		expect(spansInWindow(runs, null, s(300))).toEqual([
			{ runId: 1, start: s(0), end: s(100), firstBilling: true },
			{ runId: 2, start: s(200), end: s(300), firstBilling: true }
		]);
	});

	it('starts no earlier than METERING_START', () => {
		expect(spansInWindow(runs, null, s(1000), s(300))).toEqual([{ runId: 2, start: s(300), end: s(400), firstBilling: true }]);
	});

	it('never bills an overlap twice when a clock was skewed', () => {
		const skewed = [
			{ id: 1, boot_time: s(0), last_seen_at: s(100) },
			{ id: 2, boot_time: s(90), last_seen_at: s(150) }
		];
		const spans = spansInWindow(skewed, null, s(1000));
		expect(spans.map((x) => [x.start, x.end])).toEqual([
			[s(0), s(100)],
			[s(100), s(150)]
		]);
	});
});
