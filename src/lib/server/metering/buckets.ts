import { TZDate } from '@date-fns/tz';
// subpaths: the package index would load all of date-fns
import { addDays } from 'date-fns/addDays';
import { addMonths } from 'date-fns/addMonths';
import { startOfDay } from 'date-fns/startOfDay';
import { startOfMonth } from 'date-fns/startOfMonth';

export type BucketSize = 'hour' | 'day' | 'month';

/** A stretch of time [start, end) in ms. */
export interface Interval {
	start: number;
	end: number;
}

/** More buckets than this are refused: a year of hours (8,784) fits. */
export const MAX_BUCKETS = 10_000;

const HOUR = 3_600_000;
const APPROX_MS: Record<BucketSize, number> = { hour: HOUR, day: 23 * HOUR, month: 28 * 24 * HOUR };

/** An upper bound on how many buckets [from, to) holds, known before making any. */
export function bucketCountBound(from: number, to: number, size: BucketSize): number {
	return Math.ceil((to - from) / APPROX_MS[size]) + 2;
}

const offsetOf = (instant: number, timeZone: string) => -new TZDate(instant, timeZone).getTimezoneOffset() * 60_000;

/**
 * The zone's UTC offset at an instant. Offsets change a few times a year, so one found
 * equal six hours apart holds in between: a year of hours costs ~1,500 zone lookups, not 8,784.
 */
let knownOffset = { timeZone: '', from: 0, to: 0, offset: 0 };
function offsetAt(instant: number, timeZone: string): number {
	const k = knownOffset;
	if (k.timeZone === timeZone && instant >= k.from && instant < k.to) return k.offset;
	const offset = offsetOf(instant, timeZone);
	const later = instant + 6 * HOUR;
	knownOffset = { timeZone, from: instant, to: offsetOf(later, timeZone) === offset ? later : instant + 1, offset };
	return offset;
}

/** The calendar start of the bucket holding `instant`, and the start of the next, in `timeZone`. */
function calendarBucket(instant: number, size: BucketSize, timeZone: string): Interval {
	if (size === 'hour') {
		// hours by the zone's offset: a local hour repeated when the clocks go back is two buckets
		const offset = offsetAt(instant, timeZone);
		const start = instant - ((((instant + offset) % HOUR) + HOUR) % HOUR);
		return { start, end: start + HOUR };
	}
	const local = new TZDate(instant, timeZone);
	if (size === 'month') {
		const first = startOfMonth(local);
		return { start: first.getTime(), end: addMonths(first, 1).getTime() };
	}
	// a local day is 23 or 25 hours when the clocks change
	const first = startOfDay(local);
	return { start: first.getTime(), end: addDays(first, 1).getTime() };
}

/** The last `days` calendar days in `timeZone`, today included: [midnight `days - 1` days ago, `now`). */
export function lastDays(now: number, days: number, timeZone: string): Interval {
	return { start: addDays(startOfDay(new TZDate(now, timeZone)), 1 - days).getTime(), end: now };
}

/**
 * The buckets covering [from, to): calendar hours, days or months in `timeZone`, the first
 * and last cut to the range, so the seconds in them add up to the seconds of the range.
 */
export function bucketsOf(from: number, to: number, size: BucketSize, timeZone: string): Interval[] {
	const buckets: Interval[] = [];
	let cursor = from;
	while (cursor < to) {
		const calendar = calendarBucket(cursor, size, timeZone);
		const end = Math.min(calendar.end, to);
		buckets.push({ start: cursor, end });
		cursor = end;
	}
	return buckets;
}

/**
 * Seconds of `intervals` inside each bucket. Both lists are sorted and neither overlaps
 * itself (runs never overlap), so one pass over each does it. Times are on whole seconds.
 */
export function secondsPerBucket(intervals: readonly Interval[], buckets: readonly Interval[]): number[] {
	const seconds = new Array<number>(buckets.length).fill(0);
	let i = 0;
	for (let b = 0; b < buckets.length; b++) {
		const bucket = buckets[b];
		while (i < intervals.length && intervals[i].end <= bucket.start) i++;
		let ms = 0;
		for (let j = i; j < intervals.length && intervals[j].start < bucket.end; j++) {
			ms += Math.max(0, Math.min(intervals[j].end, bucket.end) - Math.max(intervals[j].start, bucket.start));
		}
		seconds[b] = Math.round(ms / 1000);
	}
	return seconds;
}
