import { TZDate } from '@date-fns/tz';
// subpaths: the package index would load all of date-fns
import { addMonths } from 'date-fns/addMonths';
import { format } from 'date-fns/format';
import { startOfMonth } from 'date-fns/startOfMonth';

/** A calendar month in a time zone: its key ("2026-11") and its instants [start, end) in ms. */
export interface Month {
	key: string;
	start: number;
	end: number;
}

export function monthOf(instant: number, timeZone: string): Month {
	const first = startOfMonth(new TZDate(instant, timeZone));
	return {
		key: format(first, 'yyyy-MM'),
		start: first.getTime(),
		end: addMonths(first, 1).getTime()
	};
}

/** Months already worked out, per time zone: a month is the same for every request that asks. */
const recentMonths = new Map<string, Month[]>();
const RECENT = 36;

function knownMonthOf(instant: number, timeZone: string): Month {
	let months = recentMonths.get(timeZone);
	if (!months) recentMonths.set(timeZone, (months = []));
	for (const month of months) if (instant >= month.start && instant < month.end) return month;
	const month = monthOf(instant, timeZone);
	months.push(month);
	if (months.length > RECENT) months.shift();
	return month;
}

/**
 * Splits [start, end) at month boundaries. Consecutive calls mostly land in the same
 * month, so the last month is remembered: 100,000 runs cost a handful of time-zone lookups.
 */
export function monthSplitter(timeZone: string) {
	let month: Month | undefined;
	const find = (instant: number) => {
		if (!month || instant < month.start || instant >= month.end) month = knownMonthOf(instant, timeZone);
		return month;
	};
	return (start: number, end: number): Array<{ month: string; start: number; end: number }> => {
		const pieces = [];
		let cursor = start;
		while (cursor < end) {
			const m = find(cursor);
			const pieceEnd = Math.min(end, m.end);
			pieces.push({ month: m.key, start: cursor, end: pieceEnd });
			cursor = pieceEnd;
		}
		return pieces;
	};
}
