import type { MessageKey, translator } from './i18n';

/** Stripe's decline and card-validation codes we say in our own words, in the page's language. */
const KNOWN = new Set([
	'card_declined',
	'generic_decline',
	'do_not_honor',
	'lost_card',
	'stolen_card',
	'fraudulent',
	'insufficient_funds',
	'expired_card',
	'incorrect_cvc',
	'invalid_cvc',
	'incorrect_number',
	'invalid_number',
	'incomplete_number',
	'processing_error',
	'card_velocity_exceeded',
	'authentication_required'
]);

export interface StripeErrorLike {
	type?: string;
	code?: string;
	decline_code?: string;
	message?: string;
}

/**
 * What to tell the payer about a failed confirmation: the decline code first (insufficient_funds
 * is more useful than card_declined), then the error code; a code we do not know keeps Stripe's
 * message (Stripe.js localizes it to the locale it was loaded with).
 */
export function paymentErrorMessage(error: StripeErrorLike, t: ReturnType<typeof translator>): string {
	for (const code of [error.decline_code, error.code]) {
		if (code && KNOWN.has(code)) return t(`decline.${code}` as MessageKey);
	}
	return error.message || t('paymentFailed');
}
