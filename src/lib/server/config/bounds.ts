import type { Currency } from '../billing/currency';
import { minorToMajor, RATE_SCALE } from '../billing/money';

/** The largest amount Stripe accepts for one charge, in minor units (eight digits, docs.stripe.com/currencies). */
export const STRIPE_MAX_MINOR = 99_999_999n;
/** A leap year: a charge covers at most about a year of usage, so a year at the highest rate must still be one chargeable amount. */
const HOURS_PER_YEAR = 366n * 24n;

/** The highest hourly rate, in whole minor units per hour, so a year of it fits STRIPE_MAX_MINOR even after rounding. */
export function maxRateMicros(cur: Currency): bigint {
	return ((STRIPE_MAX_MINOR / HOURS_PER_YEAR) * 10n ** BigInt(RATE_SCALE)) / 10n ** BigInt(cur.exponent);
}

/** The highest monthly cap: twelve capped months must fit one charge too. */
export const maxMonthlyCapMinor = () => STRIPE_MAX_MINOR / 12n;

export const rateBound = (cur: Currency) =>
	`must be at most ${minorToMajor(STRIPE_MAX_MINOR / HOURS_PER_YEAR, cur)} (${cur.code.toUpperCase()} per hour): a year at that rate must fit Stripe's largest amount, ${STRIPE_MAX_MINOR} minor units`;

export const capBound = (cur: Currency) =>
	`must be at most ${minorToMajor(maxMonthlyCapMinor(), cur)} (${cur.code.toUpperCase()}): a year of capped months must fit Stripe's largest amount, ${STRIPE_MAX_MINOR} minor units`;
