/** /v1/customers */
import type Stripe from 'stripe';
import { isKnownPaymentMethod } from '../cards';
import { invalidRequest } from '../errors';
import { newId, nowSeconds, randomString } from '../ids';
import { filterCreated, paginate } from '../lists';
import { checkKnown, has, mergeMetadata, optInt, optMetadata, optString } from '../params';
import type { State } from '../state';
import type { HandlerContext, Params } from '../types';

const PARAMS = [
	'address',
	'balance',
	'cash_balance',
	'coupon',
	'description',
	'email',
	'invoice_prefix',
	'invoice_settings',
	'metadata',
	'name',
	'next_invoice_sequence',
	'payment_method',
	'phone',
	'preferred_locales',
	'promotion_code',
	'shipping',
	'source',
	'tax',
	'tax_exempt',
	'tax_id_data',
	'test_clock',
	'validate',
	'default_source',
	'business_name',
	'individual_name'
];
const INVOICE_SETTINGS = ['custom_fields', 'default_payment_method', 'footer', 'rendering_options'];

/** `invoice_settings[default_payment_method]`: undefined = unchanged, null = cleared. */
function defaultPaymentMethod(state: State, params: Params, customerId: string | null): string | null | undefined {
	const settings = params.invoice_settings;
	if (settings === undefined) return undefined;
	if (settings === '') return null;
	if (typeof settings !== 'object' || Array.isArray(settings)) throw invalidRequest('Invalid object', { param: 'invoice_settings' });
	for (const key of Object.keys(settings)) {
		if (!INVOICE_SETTINGS.includes(key)) {
			throw invalidRequest(`Received unknown parameter: invoice_settings[${key}]`, {
				code: 'parameter_unknown',
				param: `invoice_settings[${key}]`
			});
		}
	}
	const pm = optString(params, 'invoice_settings', 'default_payment_method');
	if (pm && !isKnownPaymentMethod(state, pm)) {
		throw invalidRequest(`No such PaymentMethod: '${pm}'`, { code: 'resource_missing', param: 'invoice_settings[default_payment_method]' });
	}
	// like Stripe, a stored card must be attached to this customer first (test tokens like pm_card_visa are let through)
	const stored = pm ? state.paymentMethods.get(pm) : undefined;
	if (stored && stored.customer !== customerId) {
		throw invalidRequest(
			`The customer does not have a payment method with the ID ${pm}. The payment method must be attached to the customer.`,
			{ code: 'resource_missing', param: 'invoice_settings[default_payment_method]' }
		);
	}
	return pm;
}

/** `preferred_locales[]`: undefined = unchanged, '' clears. */
function preferredLocales(params: Params): string[] | undefined {
	const v = params.preferred_locales;
	if (v === undefined) return undefined;
	if (v === '') return [];
	if (!Array.isArray(v) || v.some((l) => typeof l !== 'string' || !/^[a-z]{2}(-[A-Za-z]{2,4})?$/.test(l))) {
		throw invalidRequest('Invalid array', { param: 'preferred_locales' });
	}
	return v;
}

function contactFields(params: Params) {
	const out: Params = {};
	for (const key of ['email', 'name', 'description', 'phone']) {
		if (has(params, key)) out[key] = optString(params, key);
	}
	// the invoice balance (positive: the customer owes it; negative: a credit), applied at the next finalization
	const balance = optInt(params, ['balance']);
	if (balance !== undefined) out.balance = balance;
	return out;
}

export function createCustomer(ctx: HandlerContext) {
	checkKnown(ctx.params, PARAMS);
	const id = newId('cus', 14);
	const defaultPm = defaultPaymentMethod(ctx.state, ctx.params, id);
	const customer: Stripe.Customer = {
		id,
		object: 'customer',
		address: null,
		balance: 0,
		created: nowSeconds(),
		currency: null,
		default_source: null,
		delinquent: false,
		description: null,
		discount: null,
		email: null,
		invoice_prefix: randomString(8, 'ABCDEF0123456789'),
		invoice_settings: { custom_fields: null, default_payment_method: defaultPm ?? null, footer: null, rendering_options: null },
		livemode: false,
		metadata: mergeMetadata({}, optMetadata(ctx.params)),
		name: null,
		next_invoice_sequence: 1,
		phone: null,
		preferred_locales: preferredLocales(ctx.params) ?? [],
		shipping: null,
		tax_exempt: 'none',
		test_clock: null,
		...contactFields(ctx.params)
	};
	return ctx.state.add('customers', customer);
}

export function retrieveCustomer(ctx: HandlerContext) {
	checkKnown(ctx.params, []);
	return ctx.state.load('customers', ctx.id);
}

export function updateCustomer(ctx: HandlerContext) {
	checkKnown(ctx.params, PARAMS);
	const customer = ctx.state.load('customers', ctx.id);
	const defaultPm = defaultPaymentMethod(ctx.state, ctx.params, customer.id);
	const metadata = mergeMetadata(customer.metadata, optMetadata(ctx.params));
	const locales = preferredLocales(ctx.params);
	Object.assign(customer, contactFields(ctx.params), { metadata }, locales ? { preferred_locales: locales } : {});
	if (defaultPm !== undefined) customer.invoice_settings.default_payment_method = defaultPm;
	return customer;
}

export function listCustomers(ctx: HandlerContext) {
	checkKnown(ctx.params, ['email', 'created', 'limit', 'starting_after', 'ending_before', 'test_clock']);
	const email = optString(ctx.params, 'email');
	let items = [...ctx.state.customers.values()];
	if (email) items = items.filter((c) => c.email === email);
	return paginate(filterCreated(items, ctx.params), ctx.params, '/v1/customers');
}

/** GET /v1/customers/:id/payment_methods — the cards attached to the customer (saved for future use). */
export function listCustomerPaymentMethods(ctx: HandlerContext) {
	checkKnown(ctx.params, ['type', 'allow_redisplay', 'limit', 'starting_after', 'ending_before']);
	const customer = ctx.state.load('customers', ctx.id);
	const type = optString(ctx.params, 'type');
	const items = [...ctx.state.paymentMethods.values()].filter((pm) => pm.customer === customer.id && (!type || pm.type === type));
	return paginate(items, ctx.params, `/v1/customers/${customer.id}/payment_methods`);
}

/** GET /v1/payment_methods/:id */
export function retrievePaymentMethod(ctx: HandlerContext) {
	checkKnown(ctx.params, []);
	return ctx.state.load('paymentMethods', ctx.id);
}
