/**
 * Invoice tax and totals with manual tax rates, computed like Stripe:
 *
 * - Tax is computed and rounded per line item (each line's `taxes[].amount` is a whole number of minor
 *   units), and the invoice's `total_taxes` are the sums of its lines' taxes — so an invoice's tax can
 *   differ from "rate × subtotal, rounded once" by up to half a minor unit per line. (Stripe's object model
 *   says as much: line taxes are integers and total_taxes aggregate them; docs.stripe.com/invoicing/taxes/tax-rates
 *   recommends rates per line item.) Rounding is half-up (away from zero for credits), to the currency's
 *   step, so three-decimal currencies keep their last digit 0.
 * - A line's rates are its invoice item's `tax_rates`, or else the invoice's `default_tax_rates`.
 * - Exclusive rate: tax = amount × p / 100, added on top: total = subtotal + exclusive taxes.
 * - Inclusive rate: the amount already contains it: tax = amount × p / (100 + Σ inclusive p);
 *   total = subtotal, total_excluding_tax = subtotal − inclusive taxes.
 */
import { stripeStep } from '../../../src/lib/currency-exponent';

/** A line's tax as the SDK types it (its enums are open), enough to total it. */
interface TaxLike {
	amount: number;
	tax_behavior: string;
	tax_rate_details: { tax_rate: string | { id: string } } | null;
	taxable_amount: number | null;
}

export interface LineTax {
	amount: number;
	tax_behavior: 'inclusive' | 'exclusive';
	tax_rate_details: { tax_rate: string };
	taxability_reason: 'standard_rated';
	taxable_amount: number;
	type: 'tax_rate_details';
}

interface RateLike {
	id: string;
	percentage: number;
	inclusive: boolean;
}

const SCALE = 10_000n; // percentages carry at most 4 decimal places

const scaled = (percentage: number) => BigInt(Math.round(percentage * Number(SCALE)));

/** numerator / denominator rounded half away from zero to a multiple of step. */
function divideRound(numerator: bigint, denominator: bigint, step: bigint): number {
	const negative = numerator < 0n;
	const n = negative ? -numerator : numerator;
	const unit = denominator * step;
	const q = ((2n * n + unit) / (2n * unit)) * step;
	return Number(negative ? -q : q);
}

export function lineTaxes(amount: number, currency: string, rates: RateLike[]): LineTax[] {
	const step = BigInt(stripeStep(currency));
	const inclusiveSum = rates.filter((r) => r.inclusive).reduce((sum, r) => sum + scaled(r.percentage), 0n);
	const inclusiveTotal = rates
		.filter((r) => r.inclusive)
		.reduce((sum, r) => sum + divideRound(BigInt(amount) * scaled(r.percentage), 100n * SCALE + inclusiveSum, step), 0);
	return rates.map((rate) => {
		const p = scaled(rate.percentage);
		const tax = rate.inclusive
			? divideRound(BigInt(amount) * p, 100n * SCALE + inclusiveSum, step)
			: divideRound(BigInt(amount) * p, 100n * SCALE, step);
		return {
			amount: tax,
			tax_behavior: rate.inclusive ? 'inclusive' : 'exclusive',
			tax_rate_details: { tax_rate: rate.id },
			taxability_reason: 'standard_rated',
			taxable_amount: amount - inclusiveTotal,
			type: 'tax_rate_details'
		};
	});
}

export interface Totals {
	subtotal: number;
	subtotal_excluding_tax: number;
	total: number;
	total_excluding_tax: number;
	total_taxes: LineTax[];
	/** Σ of all taxes (the figure older API versions called `tax`) */
	tax: number;
}

/** Invoice totals from its lines (each line with `amount` and its computed `taxes`). */
export function invoiceTotals(lines: { amount: number; taxes: readonly TaxLike[] | null }[]): Totals {
	const subtotal = lines.reduce((sum, l) => sum + l.amount, 0);
	const byRate = new Map<string, LineTax>();
	let inclusive = 0;
	let exclusive = 0;
	for (const line of lines) {
		for (const t of line.taxes ?? []) {
			const inclusiveTax = t.tax_behavior === 'inclusive';
			if (inclusiveTax) inclusive += t.amount;
			else exclusive += t.amount;
			const rate = t.tax_rate_details?.tax_rate;
			const rateId = typeof rate === 'string' ? rate : (rate?.id ?? '');
			const key = `${rateId}:${t.tax_behavior}`;
			const agg = byRate.get(key);
			if (agg) {
				agg.amount += t.amount;
				agg.taxable_amount += t.taxable_amount ?? 0;
			} else {
				byRate.set(key, {
					amount: t.amount,
					tax_behavior: inclusiveTax ? 'inclusive' : 'exclusive',
					tax_rate_details: { tax_rate: rateId },
					taxability_reason: 'standard_rated',
					taxable_amount: t.taxable_amount ?? 0,
					type: 'tax_rate_details'
				});
			}
		}
	}
	return {
		subtotal,
		subtotal_excluding_tax: subtotal - inclusive,
		total: subtotal + exclusive,
		total_excluding_tax: subtotal - inclusive,
		total_taxes: [...byRate.values()],
		tax: inclusive + exclusive
	};
}
