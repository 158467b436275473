import { divideHalfUp, formatScaled, parseDecimal } from './decimal';

/** Tax rates are percentages with up to 4 decimals ("10", "8.25"). */
const TAX_SCALE = 4;
const HUNDRED = 100n * 10n ** BigInt(TAX_SCALE);

export interface TaxRule {
	/** percent, decimal string; "0": no tax */
	rate: string;
	/** the prices (the lines' amounts) include the tax */
	inclusive: boolean;
}

export interface Taxed {
	netMinor: bigint;
	taxMinor: bigint;
	grossMinor: bigint;
}

export function parseTaxRate(text: string): bigint | undefined {
	const scaled = parseDecimal(text, TAX_SCALE);
	return scaled !== undefined && scaled <= HUNDRED ? scaled : undefined;
}

/** "10.0000" → "10": one spelling per rate (Stripe tax rates are remembered by it). */
export function normalTaxRate(text: string): string {
	return formatScaled(parseTaxRate(text)!, TAX_SCALE);
}

/**
 * Net, tax and gross of a charge whose lines sum to `linesMinor`, the tax rounded once
 * (half-up, to the currency's step) for the whole charge. Exclusive: the lines are net and
 * the tax is added; inclusive: the lines are gross and the tax is the part of them it makes up.
 */
export function applyTax(linesMinor: bigint, rule: TaxRule, step = 1n): Taxed {
	const rate = parseTaxRate(rule.rate)!;
	if (rate === 0n) return { netMinor: linesMinor, taxMinor: 0n, grossMinor: linesMinor };
	if (rule.inclusive) {
		const net = divideHalfUp(linesMinor * HUNDRED, HUNDRED + rate, step);
		return { netMinor: net, taxMinor: linesMinor - net, grossMinor: linesMinor };
	}
	const tax = divideHalfUp(linesMinor * rate, HUNDRED, step);
	return { netMinor: linesMinor, taxMinor: tax, grossMinor: linesMinor + tax };
}
