/** /v1/payment_intents */
import type Stripe from 'stripe';
import { assertChargeable } from '../amounts';
import { resolvePaymentMethod } from '../cards';
import { invalidRequest, missingParam } from '../errors';
import { deepClone } from '../form';
import { newId, nowSeconds, randomString } from '../ids';
import { filterCreated, paginate } from '../lists';
import { search } from '../search';
import { checkKnown, given, has, mergeMetadata, optBool, optCurrency, optEnum, optMetadata, optString, reqInt } from '../params';
import type { HandlerContext, Params } from '../types';
import { CONFIRMABLE, cancelIntent, confirmIntent } from './payment-flow';

const COMMON = [
	'amount',
	'currency',
	'customer',
	'description',
	'metadata',
	'receipt_email',
	'payment_method',
	'payment_method_data',
	'payment_method_types',
	'payment_method_options',
	'payment_method_configuration',
	'excluded_payment_method_types',
	'setup_future_usage',
	'shipping',
	'statement_descriptor',
	'statement_descriptor_suffix',
	'transfer_group',
	'application_fee_amount',
	'capture_method',
	'transfer_data',
	'amount_details',
	'payment_details',
	'hooks',
	'allowed_payment_method_types',
	'customer_account'
];
const CREATE_PARAMS = [
	...COMMON,
	'automatic_payment_methods',
	'confirm',
	'confirmation_method',
	'confirmation_token',
	'error_on_requires_action',
	'mandate',
	'mandate_data',
	'off_session',
	'on_behalf_of',
	'radar_options',
	'return_url',
	'use_stripe_sdk'
];
const CONFIRM_PARAMS = [
	'client_secret',
	'payment_method',
	'payment_method_data',
	'payment_method_options',
	'payment_method_types',
	'receipt_email',
	'return_url',
	'setup_future_usage',
	'shipping',
	'off_session',
	'mandate',
	'mandate_data',
	'error_on_requires_action',
	'use_stripe_sdk',
	'capture_method',
	'confirmation_token',
	'radar_options',
	'amount_details',
	'payment_details',
	'hooks',
	'allowed_payment_method_types',
	'excluded_payment_method_types',
	'amount_to_confirm'
];
const CANCEL_REASONS = ['duplicate', 'fraudulent', 'requested_by_customer', 'abandoned'] as const;
const FUTURE_USAGE = ['off_session', 'on_session'] as const;

/** `setup_future_usage`: undefined = not given, null = cleared with ''. */
function setupFutureUsage(params: Params): 'off_session' | 'on_session' | null | undefined {
	if (params.setup_future_usage === '') return null;
	return optEnum(params, 'setup_future_usage', FUTURE_USAGE);
}
const AMOUNT_LIMITS = { min: 1, max: 99_999_999 };

/** `allowed_payment_method_types[]` (API 2026) or the older `payment_method_types[]`. */
function paymentMethodTypes(params: Params): string[] | undefined {
	const name = has(params, 'allowed_payment_method_types') ? 'allowed_payment_method_types' : 'payment_method_types';
	const v = params[name];
	if (v === undefined) return undefined;
	if (!Array.isArray(v) || v.some((t) => typeof t !== 'string' || !t)) throw invalidRequest('Invalid array', { param: name });
	return v;
}

function automaticPaymentMethods(params: Params) {
	const explicitTypes = ['allowed_payment_method_types', 'payment_method_types'].find((k) => has(params, k));
	if (has(params, 'automatic_payment_methods') && explicitTypes) {
		throw invalidRequest(`You may only specify one of these parameters: automatic_payment_methods, ${explicitTypes}.`, {
			param: 'automatic_payment_methods'
		});
	}
	if (paymentMethodTypes(params)) return null;
	if (!has(params, 'automatic_payment_methods')) return { allow_redirects: 'always', enabled: true };
	const enabled = optBool(params, 'automatic_payment_methods', 'enabled');
	if (enabled === undefined) throw missingParam('automatic_payment_methods[enabled]');
	const redirects = optString(params, 'automatic_payment_methods', 'allow_redirects') ?? 'always';
	return enabled ? { allow_redirects: redirects, enabled: true } : null;
}

function newPaymentIntent(ctx: HandlerContext): Stripe.PaymentIntent {
	const p = ctx.params;
	const amount = reqInt(p, ['amount'], AMOUNT_LIMITS);
	const currency = optCurrency(p);
	if (!currency) throw missingParam('currency');
	assertChargeable(amount, currency);
	const automatic = automaticPaymentMethods(p);
	const customer = optString(p, 'customer');
	if (customer) ctx.state.load('customers', customer, { inUrl: false });
	const id = newId('pi');
	return {
		id,
		object: 'payment_intent',
		allowed_payment_method_types: paymentMethodTypes(p) ?? null,
		amount,
		amount_capturable: 0,
		amount_details: { tip: {} },
		amount_received: 0,
		application: null,
		application_fee_amount: null,
		automatic_payment_methods: automatic,
		canceled_at: null,
		cancellation_reason: null,
		capture_method: optString(p, 'capture_method') ?? 'automatic_async',
		client_secret: `${id}_secret_${randomString(25)}`,
		confirmation_method: 'automatic',
		created: nowSeconds(),
		currency,
		customer: customer ?? null,
		customer_account: null,
		description: optString(p, 'description') ?? null,
		excluded_payment_method_types: null,
		last_payment_error: null,
		latest_charge: null,
		livemode: false,
		managed_payments: null,
		metadata: mergeMetadata({}, optMetadata(p)),
		next_action: null,
		on_behalf_of: null,
		payment_method: null,
		payment_method_configuration_details: null,
		payment_method_options: { card: { installments: null, mandate_options: null, network: null, request_three_d_secure: 'automatic' } },
		payment_method_types: paymentMethodTypes(p) ?? ['card'],
		payment_record: null,
		processing: null,
		receipt_email: optString(p, 'receipt_email') ?? null,
		review: null,
		setup_future_usage: setupFutureUsage(p) ?? null,
		shipping: null,
		source: null,
		statement_descriptor: null,
		statement_descriptor_suffix: null,
		status: 'requires_payment_method',
		transfer_data: null,
		transfer_group: null
	};
}

/** With a publishable key, Stripe only serves the PaymentIntent whose client_secret was given. */
function loadIntent(ctx: HandlerContext) {
	const pi = ctx.state.load('paymentIntents', ctx.id);
	if (ctx.auth.mode === 'publishable' && ctx.auth.clientSecret !== pi.client_secret) {
		throw invalidRequest('The client_secret provided does not match the client_secret associated with the PaymentIntent.', {
			param: 'client_secret'
		});
	}
	return pi;
}

function paymentMethodParam(ctx: HandlerContext) {
	return resolvePaymentMethod(ctx.state, optString(ctx.params, 'payment_method'), ctx.params.payment_method_data);
}

function attachPaymentMethod(pi: Stripe.PaymentIntent, pm: Stripe.PaymentMethod | null) {
	if (!pm) return;
	pi.payment_method = pm.id;
	pi.status = 'requires_confirmation';
}

export function createPaymentIntent(ctx: HandlerContext) {
	checkKnown(ctx.params, CREATE_PARAMS);
	const pi = newPaymentIntent(ctx);
	const confirm = optBool(ctx.params, 'confirm') ?? false;
	if (!confirm) attachPaymentMethod(pi, paymentMethodParam(ctx));
	ctx.state.add('paymentIntents', pi);
	ctx.emit('payment_intent.created', pi);
	if (!confirm) return pi;
	return confirmIntent(ctx.state, ctx.emit, pi, {
		payment_method: optString(ctx.params, 'payment_method'),
		payment_method_data: ctx.params.payment_method_data
	});
}

export function retrievePaymentIntent(ctx: HandlerContext) {
	checkKnown(ctx.params, ['client_secret']);
	return loadIntent(ctx);
}

function assertAmountEditable(pi: Stripe.PaymentIntent) {
	if (CONFIRMABLE.includes(pi.status)) return;
	throw invalidRequest(
		`This PaymentIntent's amount could not be updated because it has a status of ${pi.status}. You may only update the amount of a PaymentIntent with one of the following statuses: ${CONFIRMABLE.join(', ')}.`,
		{ code: 'payment_intent_unexpected_state', param: 'amount', payment_intent: deepClone(pi) }
	);
}

export function updatePaymentIntent(ctx: HandlerContext) {
	const p = ctx.params;
	checkKnown(p, COMMON);
	const pi = loadIntent(ctx);
	if (['amount', 'currency', 'payment_method', 'payment_method_data', 'customer'].some((k) => has(p, k))) assertAmountEditable(pi);
	const customer = optString(p, 'customer');
	if (customer) ctx.state.load('customers', customer, { inUrl: false });
	const changes: Params = {
		amount: has(p, 'amount') ? reqInt(p, ['amount'], AMOUNT_LIMITS) : undefined,
		currency: optCurrency(p),
		customer,
		description: optString(p, 'description'),
		receipt_email: optString(p, 'receipt_email'),
		setup_future_usage: setupFutureUsage(p),
		metadata: mergeMetadata(pi.metadata, optMetadata(p))
	};
	if (changes.amount !== undefined || changes.currency !== undefined) {
		assertChargeable(changes.amount ?? pi.amount, changes.currency ?? pi.currency, changes.amount !== undefined ? 'amount' : 'currency');
	}
	const pm = paymentMethodParam(ctx);
	Object.assign(pi, given(changes));
	attachPaymentMethod(pi, pm);
	return pi;
}

export function confirmPaymentIntentHandler(ctx: HandlerContext) {
	checkKnown(ctx.params, CONFIRM_PARAMS);
	const pi = loadIntent(ctx);
	if (has(ctx.params, 'receipt_email')) pi.receipt_email = optString(ctx.params, 'receipt_email') ?? null;
	const futureUsage = setupFutureUsage(ctx.params);
	if (futureUsage !== undefined) pi.setup_future_usage = futureUsage;
	return confirmIntent(ctx.state, ctx.emit, pi, {
		payment_method: optString(ctx.params, 'payment_method'),
		payment_method_data: ctx.params.payment_method_data
	});
}

export function cancelPaymentIntent(ctx: HandlerContext) {
	checkKnown(ctx.params, ['cancellation_reason']);
	const reason = optEnum(ctx.params, 'cancellation_reason', CANCEL_REASONS) ?? null;
	return cancelIntent(ctx.emit, loadIntent(ctx), reason);
}

export function listPaymentIntents(ctx: HandlerContext) {
	checkKnown(ctx.params, ['customer', 'customer_account', 'created', 'limit', 'starting_after', 'ending_before']);
	const customer = optString(ctx.params, 'customer');
	let items = [...ctx.state.paymentIntents.values()];
	if (customer) items = items.filter((pi) => pi.customer === customer);
	return paginate(filterCreated(items, ctx.params), ctx.params, '/v1/payment_intents');
}

/** GET /v1/payment_intents/search?query=… (Stripe's search query language; see search.ts) */
export function searchPaymentIntents(ctx: HandlerContext) {
	checkKnown(ctx.params, ['query', 'limit', 'page']);
	return search([...ctx.state.paymentIntents.values()], ctx.params, {
		fields: ['amount', 'created', 'currency', 'customer', 'metadata', 'status'],
		url: '/v1/payment_intents/search',
		visibleBefore: Date.now() - ctx.searchLagMs,
		createdAt: (id) => ctx.state.createdMs.get(id) ?? 0
	});
}
