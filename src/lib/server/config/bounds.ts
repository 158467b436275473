import type { Currency } from '../billing/currency';
import { formatRate, minorToMajor, RATE_SCALE } from '../billing/money';

/** The largest amount Stripe accepts for one charge, in minor units (eight digits, docs.stripe.com/currencies). */
export const STRIPE_MAX_MINOR = 99_999_999n;
/** A leap year: a charge covers at most about a year of usage, so a year at the highest rate must still be one chargeable amount. */
const HOURS_PER_YEAR = 366n * 24n;

/**
 * The highest hourly rate: whole minor units per hour such that a year of it fits STRIPE_MAX_MINOR
 * even after rounding. With a monthly cap (itself bounded so twelve capped months fit) a charge
 * stays within the maximum whatever the rate, so the rate may go up to the cap: one hour at most
 * reaches a whole month's cap.
 */
export function maxRateMicros(cur: Currency, monthlyCapMinor?: bigint): bigint {
	const yearBound = STRIPE_MAX_MINOR / HOURS_PER_YEAR;
	const boundMinor = monthlyCapMinor !== undefined && monthlyCapMinor > yearBound ? monthlyCapMinor : yearBound;
	return (boundMinor * 10n ** BigInt(RATE_SCALE)) / 10n ** BigInt(cur.exponent);
}

/** The highest monthly cap: twelve capped months must fit one charge too. */
export const maxMonthlyCapMinor = () => STRIPE_MAX_MINOR / 12n;

export const rateBound = (cur: Currency, monthlyCapMinor?: bigint) =>
	`must be at most ${formatRate(maxRateMicros(cur, monthlyCapMinor))} (${cur.code.toUpperCase()} per hour): ${
		monthlyCapMinor === undefined ? 'a year at that rate must fit' : 'no more than MONTHLY_CAP, and a year of capped months fits'
	} Stripe's largest amount, ${STRIPE_MAX_MINOR} minor units`;

export const capBound = (cur: Currency) =>
	`must be at most ${minorToMajor(maxMonthlyCapMinor(), cur)} (${cur.code.toUpperCase()}): a year of capped months must fit Stripe's largest amount, ${STRIPE_MAX_MINOR} minor units`;
