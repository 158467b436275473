/** PaymentIntent state transitions shared by the API handlers and the in-process test controls. */
import type Stripe from 'stripe';
import { attemptCharge, resolvePaymentMethod } from '../cards';
import { cardError, invalidRequest } from '../errors';
import { deepClone } from '../form';
import { idOf, nowSeconds } from '../ids';
import type { State } from '../state';
import type { ApiObject, Params } from '../types';

export type Emit = (type: string, object: ApiObject) => void;

export const CONFIRMABLE = ['requires_payment_method', 'requires_confirmation', 'requires_action'];
export const CANCELABLE = ['requires_payment_method', 'requires_capture', 'requires_confirmation', 'requires_action', 'processing'];

export function unexpectedState(pi: Stripe.PaymentIntent, action: 'confirm' | 'cancel', allowed: string[]) {
	const past = action === 'confirm' ? 'confirmed' : 'canceled';
	return invalidRequest(
		`You cannot ${action} this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be ${past}: ${allowed.join(', ')}.`,
		{ code: 'payment_intent_unexpected_state', payment_intent: deepClone(pi) }
	);
}

export interface ConfirmInput {
	payment_method?: string | null;
	payment_method_data?: Params;
}

function paymentMethodFor(state: State, pi: Stripe.PaymentIntent, input: ConfirmInput): Stripe.PaymentMethod {
	const pm =
		resolvePaymentMethod(state, input.payment_method, input.payment_method_data) ??
		(pi.payment_method ? resolvePaymentMethod(state, idOf(pi.payment_method), undefined) : null);
	if (pm) return pm;
	throw invalidRequest(
		"You cannot confirm this PaymentIntent because it's missing a payment method. You can either update the PaymentIntent with a payment method and then confirm it again, or confirm it again directly with a payment method.",
		{ code: 'payment_intent_unexpected_state', param: 'payment_method', payment_intent: deepClone(pi) }
	);
}

/**
 * Confirms `pi` like Stripe does with test cards: success → `succeeded`; a decline puts the
 * PaymentIntent back to `requires_payment_method` with `last_payment_error` and throws a 402 card error.
 */
export function confirmIntent(state: State, emit: Emit, pi: Stripe.PaymentIntent, input: ConfirmInput): Stripe.PaymentIntent {
	if (!CONFIRMABLE.includes(pi.status)) throw unexpectedState(pi, 'confirm', CONFIRMABLE);
	const pm = paymentMethodFor(state, pi, input);
	const { charge, decline } = attemptCharge(state, pm, {
		amount: pi.amount,
		currency: pi.currency,
		customer: idOf(pi.customer),
		paymentIntent: pi.id,
		description: pi.description
	});
	pi.latest_charge = charge.id;
	if (decline) {
		const error = { ...decline, charge: charge.id, payment_method: deepClone(pm) };
		pi.status = 'requires_payment_method';
		pi.payment_method = null;
		pi.last_payment_error = {
			type: 'card_error',
			doc_url: `https://stripe.com/docs/error-codes/${decline.code.replace(/_/g, '-')}`,
			...error
		};
		emit('payment_intent.payment_failed', pi);
		throw cardError({ ...error, payment_intent: deepClone(pi) });
	}
	pi.payment_method = pm.id;
	// like Stripe: a card confirmed for future use is attached to the PaymentIntent's customer (not made its default)
	if (pi.setup_future_usage && pi.customer && !pm.customer) {
		pm.customer = idOf(pi.customer);
		emit('payment_method.attached', pm);
	}
	pi.status = 'succeeded';
	pi.amount_received = pi.amount;
	pi.last_payment_error = null;
	emit('payment_intent.succeeded', pi);
	return pi;
}

export function cancelIntent(
	emit: Emit,
	pi: Stripe.PaymentIntent,
	reason: Stripe.PaymentIntent.CancellationReason | null
): Stripe.PaymentIntent {
	if (!CANCELABLE.includes(pi.status)) throw unexpectedState(pi, 'cancel', CANCELABLE);
	pi.status = 'canceled';
	pi.canceled_at = nowSeconds();
	pi.cancellation_reason = reason;
	emit('payment_intent.canceled', pi);
	return pi;
}
