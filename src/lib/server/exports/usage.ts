import { currency } from '../billing/currency';
import { minorToMajor } from '../billing/money';
import type { Usage } from '../metering/usage';

export const USAGE_COLUMNS = ['start', 'end', 'seconds', 'amount_minor', 'amount', 'currency'] as const;

/** The usage API's buckets as CSV rows (amounts are the API's estimate), a thousand at a time. */
export async function* usageRows(usage: Usage): AsyncGenerator<Record<(typeof USAGE_COLUMNS)[number], unknown>[]> {
	const cur = currency(usage.currency);
	for (let i = 0; i < usage.buckets.length; i += 1000) {
		yield usage.buckets.slice(i, i + 1000).map((b) => ({
			start: b.start,
			end: b.end,
			seconds: b.seconds,
			amount_minor: b.amountMinor,
			amount: minorToMajor(b.amountMinor, cur),
			currency: usage.currency
		}));
	}
}
