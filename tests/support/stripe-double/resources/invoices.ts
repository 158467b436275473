/** /v1/invoices */
import type Stripe from 'stripe';
import { isKnownPaymentMethod } from '../cards';
import { invalidRequest, missingParam } from '../errors';
import { idOf, newId, nowSeconds } from '../ids';
import { countedList, filterCreated, paginate } from '../lists';
import { search } from '../search';
import { checkKnown, given, has, mergeMetadata, optBool, optCurrency, optEnum, optInt, optMetadata, optString, reqString } from '../params';
import type { HandlerContext, Params } from '../types';
import { assertSupportedCurrency } from '../amounts';
import {
	MAX_INVOICE_LINES,
	assertPayable,
	attachItem,
	chargeInvoice,
	finalize,
	markPaid,
	markUncollectible,
	notEditable,
	recalculate,
	voidInvoice
} from './invoice-flow';
import { taxRatesParam } from './tax-rates';

const EDITABLE = [
	'auto_advance',
	'collection_method',
	'days_until_due',
	'due_date',
	'description',
	'footer',
	'metadata',
	'default_payment_method',
	'statement_descriptor',
	'custom_fields',
	'account_tax_ids',
	'automatic_tax',
	'payment_settings',
	'rendering',
	'default_source',
	'default_tax_rates',
	'discounts',
	'effective_at',
	'issuer',
	'on_behalf_of',
	'shipping_cost',
	'shipping_details',
	'transfer_data',
	'application_fee_amount',
	'number',
	'automatically_finalizes_at'
];
const CREATE_PARAMS = [
	...EDITABLE,
	'customer',
	'customer_account',
	'currency',
	'pending_invoice_items_behavior',
	'from_invoice',
	'subscription'
];
const COLLECTION_METHODS = ['charge_automatically', 'send_invoice'] as const;

function defaultPaymentMethod(ctx: HandlerContext): string | null | undefined {
	const pm = optString(ctx.params, 'default_payment_method');
	if (pm && !isKnownPaymentMethod(ctx.state, pm)) {
		throw invalidRequest(`No such PaymentMethod: '${pm}'`, { code: 'resource_missing', param: 'default_payment_method' });
	}
	return pm;
}

/** days_until_due is required for (and only allowed with) send_invoice; it becomes `due_date`. */
function dueDate(params: Params, collection: string, created: number): number | null {
	const days = optInt(params, ['days_until_due'], { min: 0, max: 730 });
	const due = optInt(params, ['due_date']);
	if (collection === 'send_invoice') {
		if (days === undefined && due === undefined) throw missingParam('days_until_due');
		return due ?? created + days! * 86_400;
	}
	if (days !== undefined || due !== undefined) {
		throw invalidRequest('You can only set `days_until_due` or `due_date` if `collection_method` is `send_invoice`.', {
			param: days !== undefined ? 'days_until_due' : 'due_date'
		});
	}
	return null;
}

function newInvoice(ctx: HandlerContext, customer: Stripe.Customer): Stripe.Invoice {
	const p = ctx.params;
	const created = nowSeconds();
	const id = newId('in');
	const collection = optEnum(p, 'collection_method', COLLECTION_METHODS) ?? 'charge_automatically';
	const autoAdvance = optBool(p, 'auto_advance') ?? false;
	const currency = optCurrency(p) ?? customer.currency ?? 'usd';
	assertSupportedCurrency(currency);
	return {
		id,
		object: 'invoice',
		account_country: 'US',
		account_name: 'Stripe Double',
		account_tax_ids: null,
		amount_due: 0,
		amount_overpaid: 0,
		amount_paid: 0,
		amount_remaining: 0,
		amount_shipping: 0,
		application: null,
		attempt_count: 0,
		attempted: false,
		auto_advance: autoAdvance,
		automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
		automatically_finalizes_at: autoAdvance ? created + 3600 : null,
		billing_reason: 'manual',
		collection_method: collection,
		created,
		currency,
		custom_fields: null,
		customer: customer.id,
		customer_account: null,
		customer_address: customer.address ?? null,
		customer_email: customer.email,
		customer_name: customer.name ?? null,
		customer_phone: customer.phone ?? null,
		customer_shipping: null,
		customer_tax_exempt: customer.tax_exempt ?? null,
		customer_tax_ids: [],
		default_payment_method: defaultPaymentMethod(ctx) ?? null,
		default_source: null,
		default_tax_rates: taxRatesParam(ctx.state, p, 'default_tax_rates') ?? [],
		description: optString(p, 'description') ?? null,
		discounts: [],
		due_date: dueDate(p, collection, created),
		effective_at: null,
		ending_balance: null,
		footer: optString(p, 'footer') ?? null,
		from_invoice: null,
		hosted_invoice_url: null,
		invoice_pdf: null,
		issuer: { type: 'self' },
		last_finalization_error: null,
		latest_revision: null,
		lines: countedList<Stripe.InvoiceLineItem>(`/v1/invoices/${id}/lines`),
		livemode: false,
		metadata: mergeMetadata({}, optMetadata(p)),
		next_payment_attempt: null,
		number: null,
		on_behalf_of: null,
		parent: null,
		payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
		period_end: created,
		period_start: created,
		post_payment_credit_notes_amount: 0,
		pre_payment_credit_notes_amount: 0,
		receipt_number: null,
		rendering: null,
		shipping_cost: null,
		shipping_details: null,
		starting_balance: 0,
		statement_descriptor: optString(p, 'statement_descriptor') ?? null,
		status: 'draft',
		status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
		subtotal: 0,
		subtotal_excluding_tax: 0,
		test_clock: null,
		total: 0,
		total_discount_amounts: [],
		total_excluding_tax: 0,
		total_pretax_credit_amounts: [],
		total_taxes: [],
		webhooks_delivered_at: null
	};
}

export function createInvoice(ctx: HandlerContext) {
	checkKnown(ctx.params, CREATE_PARAMS);
	const customer = ctx.state.load('customers', reqString(ctx.params, 'customer'), { inUrl: false });
	const behavior = optEnum(ctx.params, 'pending_invoice_items_behavior', ['exclude', 'include'] as const) ?? 'exclude';
	const invoice = newInvoice(ctx, customer);
	if (behavior === 'include') {
		const pending = [...ctx.state.invoiceItems.values()].filter(
			(ii) => ii.customer === customer.id && ii.invoice === null && ii.currency === invoice.currency
		);
		if (pending.length > MAX_INVOICE_LINES) {
			throw invalidRequest(
				`This customer has ${pending.length} pending invoice items; an invoice can have at most ${MAX_INVOICE_LINES} line items.`,
				{ param: 'pending_invoice_items_behavior' }
			);
		}
		for (const ii of pending) attachItem(invoice, ii, ctx.state);
	}
	ctx.state.add('invoices', invoice);
	ctx.emit('invoice.created', invoice);
	return invoice;
}

export function retrieveInvoice(ctx: HandlerContext) {
	checkKnown(ctx.params, []);
	return ctx.state.load('invoices', ctx.id);
}

export function updateInvoice(ctx: HandlerContext) {
	const p = ctx.params;
	checkKnown(p, EDITABLE);
	const inv = ctx.state.load('invoices', ctx.id);
	const onlyMetadata = Object.keys(p).every((k) => k === 'metadata' || k === 'expand' || k === 'auto_advance');
	if (!onlyMetadata && inv.status !== 'draft' && inv.status !== 'open') throw notEditable(inv);
	// taxes are fixed at finalization
	if (has(p, 'default_tax_rates') && inv.status !== 'draft') throw notEditable(inv);
	const collection = optEnum(p, 'collection_method', COLLECTION_METHODS) ?? inv.collection_method;
	const changes: Params = {
		metadata: mergeMetadata(inv.metadata, optMetadata(p)),
		auto_advance: optBool(p, 'auto_advance'),
		description: optString(p, 'description'),
		footer: optString(p, 'footer'),
		default_payment_method: defaultPaymentMethod(ctx),
		default_tax_rates: inv.status === 'draft' ? taxRatesParam(ctx.state, p, 'default_tax_rates') : undefined,
		collection_method: collection,
		due_date:
			has(p, 'days_until_due') || has(p, 'due_date') || has(p, 'collection_method') ? dueDate(p, collection, inv.created) : undefined
	};
	Object.assign(inv, given(changes));
	if (inv.status === 'draft') recalculate(inv, ctx.state);
	return inv;
}

export function deleteInvoice(ctx: HandlerContext) {
	checkKnown(ctx.params, []);
	const inv = ctx.state.load('invoices', ctx.id);
	if (inv.status !== 'draft') throw invalidRequest('You can only delete draft invoices.', { code: 'invoice_not_editable' });
	for (const ii of [...ctx.state.invoiceItems.values()]) if (ii.invoice === inv.id) ctx.state.invoiceItems.delete(ii.id);
	ctx.state.invoices.delete(inv.id);
	return { id: inv.id, object: 'invoice', deleted: true };
}

export function listInvoices(ctx: HandlerContext) {
	checkKnown(ctx.params, [
		'customer',
		'customer_account',
		'status',
		'collection_method',
		'created',
		'due_date',
		'limit',
		'starting_after',
		'ending_before',
		'subscription'
	]);
	const filters: Params = {
		customer: optString(ctx.params, 'customer'),
		status: optEnum(ctx.params, 'status', ['draft', 'open', 'paid', 'uncollectible', 'void'] as const),
		collection_method: optEnum(ctx.params, 'collection_method', COLLECTION_METHODS)
	};
	const items = [...ctx.state.invoices.values()].filter((inv) =>
		Object.entries(filters).every(([key, value]) => !value || inv[key as keyof Stripe.Invoice] === value)
	);
	return paginate(filterCreated(items, ctx.params), ctx.params, '/v1/invoices');
}

export function listInvoiceLines(ctx: HandlerContext) {
	checkKnown(ctx.params, ['limit', 'starting_after', 'ending_before']);
	const inv = ctx.state.load('invoices', ctx.id);
	return paginate(inv.lines.data, ctx.params, `/v1/invoices/${inv.id}/lines`, false);
}

export function finalizeInvoice(ctx: HandlerContext) {
	checkKnown(ctx.params, ['auto_advance']);
	const inv = ctx.state.load('invoices', ctx.id);
	const autoAdvance = optBool(ctx.params, 'auto_advance');
	if (autoAdvance !== undefined && inv.status === 'draft') inv.auto_advance = autoAdvance;
	return finalize(ctx.state, ctx.emit, inv);
}

export function payInvoiceHandler(ctx: HandlerContext) {
	checkKnown(ctx.params, ['payment_method', 'paid_out_of_band', 'off_session', 'forgive', 'mandate', 'source']);
	const inv = ctx.state.load('invoices', ctx.id);
	if (optBool(ctx.params, 'paid_out_of_band')) {
		assertPayable(inv);
		return markPaid(ctx.emit, inv, true);
	}
	const customer = ctx.state.customers.get(idOf(inv.customer) ?? '');
	const pm =
		optString(ctx.params, 'payment_method') ??
		idOf(inv.default_payment_method) ??
		idOf(customer?.invoice_settings.default_payment_method) ??
		null;
	return chargeInvoice(ctx.state, ctx.emit, inv, pm);
}

export function voidInvoiceHandler(ctx: HandlerContext) {
	checkKnown(ctx.params, []);
	return voidInvoice(ctx.emit, ctx.state.load('invoices', ctx.id));
}

export function markUncollectibleHandler(ctx: HandlerContext) {
	checkKnown(ctx.params, []);
	return markUncollectible(ctx.emit, ctx.state.load('invoices', ctx.id));
}

/** GET /v1/invoices/search?query=… (Stripe's search query language; see search.ts) */
export function searchInvoices(ctx: HandlerContext) {
	checkKnown(ctx.params, ['query', 'limit', 'page']);
	return search([...ctx.state.invoices.values()], ctx.params, {
		fields: ['created', 'currency', 'customer', 'metadata', 'number', 'receipt_number', 'status', 'subscription', 'total'],
		url: '/v1/invoices/search',
		visibleBefore: Date.now() - ctx.searchLagMs,
		createdAt: (id) => ctx.state.createdMs.get(id) ?? 0
	});
}
