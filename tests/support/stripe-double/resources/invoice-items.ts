/** /v1/invoiceitems */
import type Stripe from 'stripe';
import { invalidRequest, missingParam } from '../errors';
import { idOf, newId, nowSeconds } from '../ids';
import { filterCreated, paginate } from '../lists';
import { checkKnown, given, has, mergeMetadata, optBool, optCurrency, optInt, optMetadata, optString, reqInt, reqString } from '../params';
import type { HandlerContext, Params } from '../types';
import { assertDraft, attachItem, detachItem, MAX_INVOICE_LINES, syncItem } from './invoice-flow';
import { taxRatesParam } from './tax-rates';

const UPDATE_PARAMS = [
	'amount',
	'description',
	'metadata',
	'period',
	'quantity',
	'discountable',
	'discounts',
	'tax_behavior',
	'tax_code',
	'tax_rates',
	'unit_amount_decimal',
	'price_data',
	'pricing',
	'quantity_decimal',
	'invoicing_rules'
];
/** On the wire a decimal is a string; the SDK types it as its Decimal class. */
const decimal = (n: number) => String(n) as unknown as Stripe.Decimal;

const CREATE_PARAMS = [...UPDATE_PARAMS, 'customer', 'customer_account', 'invoice', 'currency', 'subscription'];

function period(params: Params, fallback: { start: number; end: number }) {
	if (!has(params, 'period')) return fallback;
	const start = reqInt(params, ['period', 'start']);
	const end = reqInt(params, ['period', 'end']);
	if (end < start) throw invalidRequest('The end of the period must be greater than or equal to the start.', { param: 'period[end]' });
	return { start, end };
}

/** `amount`, or `quantity` × `unit_amount_decimal`. Negative amounts are credits, as in Stripe. */
function amountOf(params: Params, quantity: number, fallback?: number): number {
	const amount = optInt(params, ['amount']);
	if (amount !== undefined) return amount;
	const unit = optString(params, 'unit_amount_decimal');
	if (unit) {
		if (!/^-?\d+(\.\d+)?$/.test(unit)) throw invalidRequest(`Invalid decimal: ${unit}`, { param: 'unit_amount_decimal' });
		return Math.round(Number(unit) * quantity);
	}
	if (fallback !== undefined) return fallback;
	throw missingParam('amount');
}

/** The draft invoice an item may be attached to, or a 400. */
function draftInvoiceFor(ctx: HandlerContext, invoiceId: string, customerId: string) {
	const inv = ctx.state.load('invoices', invoiceId, { inUrl: false });
	if (inv.customer !== customerId) {
		throw invalidRequest(`The invoice ${inv.id} does not belong to customer ${customerId}.`, { param: 'invoice' });
	}
	assertDraft(inv);
	return inv;
}

/** A new invoice item from its params (POST /v1/invoiceitems, or one line of add_lines). */
function newItem(ctx: HandlerContext, p: Params, customer: string, currency: string): Stripe.InvoiceItem {
	const quantity = optInt(p, ['quantity'], { min: 0 }) ?? 1;
	const now = nowSeconds();
	const amount = amountOf(p, quantity);
	return {
		id: newId('ii'),
		object: 'invoiceitem',
		amount,
		currency,
		customer,
		customer_account: null,
		date: now,
		description: optString(p, 'description') ?? null,
		discountable: optBool(p, 'discountable') ?? true,
		discounts: [],
		invoice: null as string | null,
		livemode: false,
		metadata: mergeMetadata({}, optMetadata(p)),
		net_amount: amount,
		parent: null,
		period: period(p, { start: now, end: now }),
		pricing: null,
		proration: false,
		quantity,
		quantity_decimal: decimal(quantity),
		tax_rates: taxRatesParam(ctx.state, p, 'tax_rates') ?? [],
		test_clock: null
	};
}

export function createInvoiceItem(ctx: HandlerContext) {
	const p = ctx.params;
	checkKnown(p, CREATE_PARAMS);
	const customer = ctx.state.load('customers', reqString(p, 'customer'), { inUrl: false });
	const invoiceId = optString(p, 'invoice');
	const invoice = invoiceId ? draftInvoiceFor(ctx, invoiceId, customer.id) : null;
	const ii = newItem(ctx, p, customer.id, optCurrency(p) ?? invoice?.currency ?? customer.currency ?? 'usd');
	if (invoice) attachItem(invoice, ii, ctx.state);
	return ctx.state.add('invoiceItems', ii);
}

const LINE_PARAMS = [
	'amount',
	'description',
	'discountable',
	'discounts',
	'invoice_item',
	'metadata',
	'period',
	'price_data',
	'pricing',
	'quantity',
	'quantity_decimal',
	'tax_amounts',
	'tax_rates'
];

/**
 * POST /v1/invoices/:id/add_lines — several lines in one request (Stripe's bulk line API): each
 * is a new invoice item of the invoice's customer and currency (or an existing pending item).
 * The draft only; all lines are checked before any is added, so a refusal adds none.
 */
export function addInvoiceLines(ctx: HandlerContext) {
	const p = ctx.params;
	checkKnown(p, ['lines', 'expand', 'invoice_metadata']);
	const inv = ctx.state.load('invoices', ctx.id);
	assertDraft(inv);
	const lines = p.lines;
	if (lines === undefined) throw missingParam('lines');
	if (!Array.isArray(lines) || lines.length === 0 || lines.some((l) => typeof l !== 'object' || l === null)) {
		throw invalidRequest('Invalid array', { param: 'lines' });
	}
	const customer = ctx.state.load('customers', idOf(inv.customer)!, { inUrl: false });
	const items = (lines as Params[]).map((line, i) => {
		for (const key of Object.keys(line)) {
			if (!LINE_PARAMS.includes(key))
				throw invalidRequest(`Received unknown parameter: lines[${i}][${key}]`, { param: `lines[${i}][${key}]` });
		}
		if (has(line, 'price_data') || has(line, 'pricing'))
			throw invalidRequest('price_data is not supported by the test double', { param: `lines[${i}]` });
		if (has(line, 'invoice_item')) {
			const ii = ctx.state.load('invoiceItems', String(line.invoice_item), { inUrl: false });
			if (ii.invoice) throw invalidRequest(`The invoice item ${ii.id} is already on an invoice.`, { param: `lines[${i}][invoice_item]` });
			return ii;
		}
		return newItem(ctx, line, customer.id, inv.currency);
	});
	if (inv.lines.data.length + items.length > MAX_INVOICE_LINES) {
		throw invalidRequest(`An invoice can have at most ${MAX_INVOICE_LINES} line items.`, { param: 'lines' });
	}
	for (const ii of items) {
		if (!ctx.state.invoiceItems.has(ii.id)) ctx.state.add('invoiceItems', ii);
		attachItem(inv, ii, ctx.state);
	}
	return inv;
}

export function retrieveInvoiceItem(ctx: HandlerContext) {
	checkKnown(ctx.params, []);
	return ctx.state.load('invoiceItems', ctx.id);
}

/** The item's draft invoice (or null when pending); items on finalized invoices are frozen. */
function editableInvoiceOf(ctx: HandlerContext, ii: Stripe.InvoiceItem) {
	if (!ii.invoice) return null;
	const inv = ctx.state.invoices.get(idOf(ii.invoice) ?? '');
	if (inv) assertDraft(inv);
	return inv ?? null;
}

export function updateInvoiceItem(ctx: HandlerContext) {
	const p = ctx.params;
	checkKnown(p, UPDATE_PARAMS);
	const ii = ctx.state.load('invoiceItems', ctx.id);
	const inv = editableInvoiceOf(ctx, ii);
	const quantity = optInt(p, ['quantity'], { min: 0 }) ?? ii.quantity;
	const changes: Params = {
		amount: amountOf(p, quantity, ii.amount),
		quantity,
		quantity_decimal: decimal(quantity),
		description: optString(p, 'description'),
		discountable: optBool(p, 'discountable'),
		metadata: mergeMetadata(ii.metadata, optMetadata(p)),
		period: period(p, ii.period),
		tax_rates: taxRatesParam(ctx.state, p, 'tax_rates')
	};
	Object.assign(ii, given(changes));
	ii.net_amount = ii.amount;
	if (inv) syncItem(inv, ii, ctx.state);
	return ii;
}

export function deleteInvoiceItem(ctx: HandlerContext) {
	checkKnown(ctx.params, []);
	const ii = ctx.state.load('invoiceItems', ctx.id);
	const inv = editableInvoiceOf(ctx, ii);
	if (inv) detachItem(inv, ii, ctx.state);
	ctx.state.invoiceItems.delete(ii.id);
	return { id: ii.id, object: 'invoiceitem', deleted: true };
}

export function listInvoiceItems(ctx: HandlerContext) {
	checkKnown(ctx.params, ['customer', 'customer_account', 'invoice', 'pending', 'created', 'limit', 'starting_after', 'ending_before']);
	const customer = optString(ctx.params, 'customer');
	const invoice = optString(ctx.params, 'invoice');
	const pending = optBool(ctx.params, 'pending');
	const items = [...ctx.state.invoiceItems.values()].filter(
		(ii) =>
			(!customer || ii.customer === customer) &&
			(!invoice || ii.invoice === invoice) &&
			(pending === undefined || (ii.invoice === null) === pending)
	);
	return paginate(filterCreated(items, ctx.params), ctx.params, '/v1/invoiceitems');
}
