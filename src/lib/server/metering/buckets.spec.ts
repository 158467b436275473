import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketCountBound, bucketsOf, secondsPerBucket, type BucketSize, type Interval } from './buckets';

const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);

/** Sorted, non-overlapping intervals on whole seconds inside [from, to), as runs are. */
const intervals = (from: number, to: number) =>
	fc.uniqueArray(fc.integer({ min: from / 1000, max: to / 1000 }), { minLength: 0, maxLength: 40 }).map((points) => {
		const sorted = points.sort((a, b) => a - b).map((s) => s * 1000);
		const list: Interval[] = [];
		for (let i = 0; i + 1 < sorted.length; i += 2) list.push({ start: sorted[i], end: sorted[i + 1] });
		return list;
	});

const overlapSeconds = (list: Interval[], from: number, to: number) =>
	list.reduce((sum, i) => sum + Math.max(0, Math.min(i.end, to) - Math.max(i.start, from)) / 1000, 0);

describe('usage buckets', () => {
	it('makes a 25-hour day when Berlin leaves summer time and a 23-hour one when it enters it', () => {
		const autumn = bucketsOf(at('2026-10-24T22:00:00Z'), at('2026-10-26T23:00:00Z'), 'day', 'Europe/Berlin');
		expect(autumn.map((b) => (b.end - b.start) / HOUR)).toEqual([25, 24]);
		const spring = bucketsOf(at('2026-03-28T23:00:00Z'), at('2026-03-29T22:00:00Z'), 'day', 'Europe/Berlin');
		expect(spring.map((b) => (b.end - b.start) / HOUR)).toEqual([23]);
	});

	it('starts months at local midnight and cuts the first and last bucket to the range', () => {
		const months = bucketsOf(at('2026-10-15T12:00:00Z'), at('2026-12-02T00:00:00Z'), 'month', 'America/New_York');
		expect(months.map((b) => new Date(b.start).toISOString())).toEqual([
			'2026-10-15T12:00:00.000Z',
			'2026-11-01T04:00:00.000Z', // EDT midnight
			'2026-12-01T05:00:00.000Z' // EST midnight
		]);
		expect(new Date(months[2].end).toISOString()).toBe('2026-12-02T00:00:00.000Z');
	});

	it('makes a year of hours, fast', () => {
		const started = performance.now();
		const hours = bucketsOf(at('2027-12-31T18:30:00Z'), at('2028-12-31T18:30:00Z'), 'hour', 'Asia/Kolkata');
		expect(hours).toHaveLength(8784); // 2028 is a leap year
		expect(hours.every((h) => h.end - h.start === HOUR && h.start % HOUR === HOUR / 2)).toBe(true); // Kolkata's hours start at :30 UTC
		expect(performance.now() - started).toBeLessThan(3000);
		expect(bucketCountBound(at('2028-01-01T00:00:00Z'), at('2029-01-01T00:00:00Z'), 'hour')).toBeGreaterThanOrEqual(8784);
	});

	const cases: [string, string, string][] = [
		// Berlin: summer time ends 25 Oct 2026, then the month changes
		['Europe/Berlin', '2026-10-23T05:17:09Z', '2026-11-02T10:00:00Z'],
		// New York: EDT ends on 1 Nov 2026, the first day of the month
		['America/New_York', '2026-10-30T00:00:00Z', '2026-11-03T07:30:00Z']
	];
	for (const [timeZone, fromIso, toIso] of cases) {
		for (const size of ['hour', 'day', 'month'] as BucketSize[]) {
			it(`${size} buckets in ${timeZone} add up to the metered seconds across the month boundary and the DST change`, () => {
				const from = at(fromIso);
				const to = at(toIso);
				const buckets = bucketsOf(from, to, size, timeZone);
				expect(buckets.length).toBeLessThanOrEqual(bucketCountBound(from, to, size));
				fc.assert(
					fc.property(intervals(from - 86_400_000, to + 86_400_000), (list) => {
						const seconds = secondsPerBucket(list, buckets);
						const sum = seconds.reduce((a, b) => a + b, 0);
						expect(sum).toBe(overlapSeconds(list, from, to));
						seconds.forEach((s, i) => expect(s).toBe(overlapSeconds(list, buckets[i].start, buckets[i].end)));
					})
				);
			});
		}
	}
});
