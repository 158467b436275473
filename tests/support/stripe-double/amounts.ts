/**
 * What Stripe refuses about an amount before any card is tried: currencies it does not support,
 * amounts that are not a multiple of the currency's step (three-decimal currencies want the last
 * digit 0; ISK whole krónur), and charges below its minimum (`amount_too_small`). The minimums are the
 * app's own table (src/lib/server/billing/currency.ts), so the app and the double cannot drift apart.
 */
import { stripeExponent, stripeStep } from '../../../src/lib/currency-exponent';
import { formatMinor } from '../../../src/lib/format';
import { DOCUMENTED_MINIMUM_MINOR, minimumChargeMinor, SUPPORTED_CURRENCIES } from '../../../src/lib/server/billing/currency';
import { invalidRequest } from './errors';

/** "$0.50", "¥50", "HUF 175.00" with plain spaces (Stripe's messages have no no-break spaces). */
const money = (amount: number, currency: string) => formatMinor(amount, currency, 'en').replace(/\u00a0/g, ' ');

export function assertSupportedCurrency(currency: string, param = 'currency'): void {
	if (stripeExponent(currency) !== undefined) return;
	throw invalidRequest(`Invalid currency: ${currency}. Stripe currently supports these currencies: ${SUPPORTED_CURRENCIES.join(', ')}`, {
		param
	});
}

/** Three-decimal currencies (bhd, jod, kwd, omr, tnd) and ISK only take amounts that are a multiple of their step. */
export function assertAmountStep(amount: number, currency: string, param = 'amount'): void {
	const step = stripeStep(currency);
	if (amount % step === 0) return;
	const why =
		step === 10
			? `the last of its three decimal digits must be 0 (a multiple of 10 ${currency} minor units)`
			: `${currency} amounts must be whole units (a multiple of ${step} minor units)`;
	throw invalidRequest(`Invalid amount: ${amount} ${currency}: ${why}.`, { param });
}

/** Stripe's `amount_too_small`, with its two message forms (settlement currency, or converted). */
export function amountTooSmall(amount: number, currency: string, param = 'amount') {
	const minimum = minimumChargeMinor(currency)!;
	const message =
		currency in DOCUMENTED_MINIMUM_MINOR
			? `Amount must be at least ${money(minimum, currency)} ${currency}`
			: `Amount must convert to at least 50 cents. ${money(amount, currency)} converts to less than that (the test double's minimum for ${currency} is ${money(minimum, currency)}).`;
	return invalidRequest(message, { code: 'amount_too_small', param });
}

export function isBelowMinimum(amount: number, currency: string): boolean {
	return amount > 0 && amount < (minimumChargeMinor(currency) ?? 0);
}

/** The checks a PaymentIntent's amount goes through on create and update. */
export function assertChargeable(amount: number, currency: string, param = 'amount'): void {
	assertSupportedCurrency(currency);
	assertAmountStep(amount, currency, param);
	if (isBelowMinimum(amount, currency)) throw amountTooSmall(amount, currency, param);
}
