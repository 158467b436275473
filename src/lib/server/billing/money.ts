import type { Currency } from './currency';
import { divideHalfUp, formatScaled, parseDecimal } from './decimal';

/** Hourly rates are decimal strings in major units with up to 6 decimal places. */
export const RATE_SCALE = 6;
const RATE_UNIT = 10n ** BigInt(RATE_SCALE);
const SECONDS_PER_HOUR = 3600n;

/** Rate in millionths of a major unit per hour ("0.0104" → 10400n). */
export function parseRate(text: string): bigint | undefined {
	return parseDecimal(text, RATE_SCALE);
}

export function formatRate(rateMicros: bigint): string {
	return formatScaled(rateMicros, RATE_SCALE);
}

/**
 * The price of `seconds` at `rateMicros` per hour, in the currency's minor unit:
 * seconds × rate / 3600, exact, rounded once (half-up) to the currency's step.
 */
export function priceSeconds(seconds: bigint, rateMicros: bigint, cur: Currency): bigint {
	const numerator = seconds * rateMicros * 10n ** BigInt(cur.exponent);
	return divideHalfUp(numerator, SECONDS_PER_HOUR * RATE_UNIT, cur.step);
}

/**
 * priceSeconds for one rate and currency, with its constants worked out once: a statement
 * prices every run at the same rate. Same arithmetic, same result (money.spec.ts checks).
 */
export function secondsPricer(rateMicros: bigint, cur: Currency): (seconds: number) => bigint {
	const perSecond = rateMicros * 10n ** BigInt(cur.exponent);
	const unit = SECONDS_PER_HOUR * RATE_UNIT * cur.step;
	const twoUnits = 2n * unit;
	return (seconds) => ((2n * (BigInt(seconds) * perSecond) + unit) / twoUnits) * cur.step;
}

/** A major-unit decimal string ("12.5") in minor units, if it is exact in this currency. */
export function majorToMinor(text: string, cur: Currency): bigint | undefined {
	const minor = parseDecimal(text, cur.exponent);
	if (minor === undefined || minor % cur.step !== 0n) return undefined;
	return minor;
}

/** Minor units as a major-unit decimal string ("1234" USD → "12.34"; JPY "14" → "14"). */
export function minorToMajor(amountMinor: bigint | number, cur: Currency): string {
	return formatScaled(BigInt(amountMinor), cur.exponent, cur.exponent);
}
