/**
 * Stripe's test payment methods and card numbers, and the charge attempt they produce.
 * https://docs.stripe.com/testing
 */
import type Stripe from 'stripe';
import { invalidRequest, missingParam } from './errors';
import { newId, nowSeconds } from './ids';
import type { State } from './state';
import type { Params } from './types';

export interface Decline {
	code: string;
	decline_code?: string;
	message: string;
}

const TEST_PAYMENT_METHODS: Record<string, string> = {
	pm_card_visa: '4242424242424242',
	pm_card_visa_debit: '4000056655665556',
	pm_card_mastercard: '5555555555554444',
	pm_card_amex: '378282246310005',
	pm_card_discover: '6011111111111117',
	pm_card_chargeDeclined: '4000000000000002',
	pm_card_chargeDeclinedInsufficientFunds: '4000000000009995',
	pm_card_chargeDeclinedLostCard: '4000000000009987',
	pm_card_chargeDeclinedStolenCard: '4000000000009979',
	pm_card_chargeDeclinedExpiredCard: '4000000000000069',
	pm_card_chargeDeclinedIncorrectCvc: '4000000000000127',
	pm_card_chargeDeclinedProcessingError: '4000000000000119',
	pm_card_chargeDeclinedFraudulent: '4100000000000019'
};

const DECLINED = 'Your card was declined.';
const DECLINES: Record<string, Decline> = {
	'4000000000000002': { code: 'card_declined', decline_code: 'generic_decline', message: DECLINED },
	'4000000000009995': { code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' },
	'4000000000009987': { code: 'card_declined', decline_code: 'lost_card', message: DECLINED },
	'4000000000009979': { code: 'card_declined', decline_code: 'stolen_card', message: DECLINED },
	'4100000000000019': { code: 'card_declined', decline_code: 'fraudulent', message: DECLINED },
	'4000000000000069': { code: 'expired_card', decline_code: 'expired_card', message: 'Your card has expired.' },
	'4000000000000127': { code: 'incorrect_cvc', decline_code: 'incorrect_cvc', message: "Your card's security code is incorrect." },
	'4000000000000119': {
		code: 'processing_error',
		decline_code: 'processing_error',
		message: 'An error occurred while processing your card. Try again in a little bit.'
	}
};

export function luhnValid(digits: string): boolean {
	let sum = 0;
	for (let i = 0; i < digits.length; i++) {
		let d = Number(digits[digits.length - 1 - i]);
		if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
		sum += d;
	}
	return digits.length >= 12 && sum % 10 === 0;
}

function brandOf(number: string): string {
	if (/^4/.test(number)) return 'visa';
	if (/^(5[1-5]|2[2-7])/.test(number)) return 'mastercard';
	if (/^3[47]/.test(number)) return 'amex';
	if (/^(6011|65)/.test(number)) return 'discover';
	return 'unknown';
}

/** The decline a card number produces, or null when the charge succeeds. */
export function declineFor(number: string): Decline | null {
	if (!luhnValid(number)) return { code: 'incorrect_number', message: 'Your card number is incorrect.' };
	return DECLINES[number] ?? null;
}

function paymentMethodObject(number: string, billing: Params | undefined): Stripe.PaymentMethod {
	return {
		id: newId('pm'),
		object: 'payment_method',
		allow_redisplay: 'unspecified',
		billing_details: { address: null, email: null, name: null, phone: null, tax_id: null, ...(billing ?? {}) },
		card: {
			brand: brandOf(number),
			checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
			country: 'US',
			display_brand: brandOf(number),
			exp_month: 12,
			exp_year: new Date().getFullYear() + 3,
			fingerprint: newId('fp', 16).slice(3),
			funding: 'credit',
			last4: number.slice(-4),
			networks: { available: [brandOf(number)], preferred: null },
			wallet: null,
			generated_from: null,
			regulated_status: 'unregulated',
			three_d_secure_usage: { supported: true }
		},
		created: nowSeconds(),
		customer: null,
		customer_account: null,
		livemode: false,
		metadata: {},
		type: 'card'
	};
}

function storeCard(state: State, number: string, billing?: Params): Stripe.PaymentMethod {
	const pm = state.add('paymentMethods', paymentMethodObject(number, billing));
	state.cardNumbers.set(pm.id, number);
	return pm;
}

/**
 * Resolves `payment_method` (a stored `pm_…` or a test token like `pm_card_visa`) or
 * `payment_method_data[card][number]` into a stored PaymentMethod.
 */
export function resolvePaymentMethod(
	state: State,
	ref: string | null | undefined,
	data: Params | undefined,
	param = 'payment_method'
): Stripe.PaymentMethod | null {
	if (ref) return loadPaymentMethod(state, ref, param);
	if (!data || typeof data !== 'object') return null;
	if (data.type !== 'card')
		throw invalidRequest('Only card payment methods are supported by the test double.', { param: 'payment_method_data[type]' });
	const number = typeof data.card?.number === 'string' ? data.card.number.replace(/[\s-]/g, '') : '';
	if (!number) throw missingParam('payment_method_data[card][number]');
	return storeCard(state, number, data.billing_details);
}

/** A stored `pm_…`, or a test token like `pm_card_visa` (stored as a new PaymentMethod), or a 400. */
export function loadPaymentMethod(state: State, ref: string, param = 'payment_method'): Stripe.PaymentMethod {
	const stored = state.paymentMethods.get(ref);
	if (stored) return stored;
	const number = TEST_PAYMENT_METHODS[ref];
	if (!number) throw invalidRequest(`No such PaymentMethod: '${ref}'`, { code: 'resource_missing', param });
	return storeCard(state, number);
}

/** Whether a payment method reference is something the double can charge (used to validate defaults). */
export function isKnownPaymentMethod(state: State, ref: string): boolean {
	return state.paymentMethods.has(ref) || ref in TEST_PAYMENT_METHODS;
}

/** Runs a charge for `pm`; records the Charge and returns it with the decline, if any. */
export function attemptCharge(
	state: State,
	pm: Stripe.PaymentMethod,
	input: { amount: number; currency: string; customer: string | null; paymentIntent: string | null; description?: string | null }
) {
	const decline = declineFor(state.cardNumbers.get(pm.id) ?? '');
	// the Charge fields the double does not model (balance transaction, billing details, …) are absent
	const charge = state.add('charges', {
		id: newId('ch'),
		object: 'charge',
		amount: input.amount,
		amount_captured: decline ? 0 : input.amount,
		amount_refunded: 0,
		captured: !decline,
		created: nowSeconds(),
		currency: input.currency,
		customer: input.customer,
		description: input.description ?? null,
		failure_code: decline?.code ?? null,
		failure_message: decline?.message ?? null,
		livemode: false,
		metadata: {},
		outcome: decline
			? {
					advice_code: null,
					network_advice_code: null,
					network_decline_code: null,
					network_status: 'declined_by_network',
					reason: decline.decline_code ?? decline.code,
					risk_level: 'normal',
					seller_message: 'The bank did not return any further details with this decline.',
					type: 'issuer_declined'
				}
			: {
					advice_code: null,
					network_advice_code: null,
					network_decline_code: null,
					network_status: 'approved_by_network',
					reason: null,
					risk_level: 'normal',
					seller_message: 'Payment complete.',
					type: 'authorized'
				},
		paid: !decline,
		payment_intent: input.paymentIntent,
		payment_method: pm.id,
		refunded: false,
		status: decline ? 'failed' : 'succeeded'
	} satisfies Partial<Stripe.Charge> as Stripe.Charge);
	return { charge, decline };
}
