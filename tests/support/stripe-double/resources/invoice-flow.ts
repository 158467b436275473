/** Invoice lines, totals and status transitions shared by handlers and test controls. */
import type Stripe from 'stripe';
import { stripeStep } from '../../../../src/lib/currency-exponent';
import { assertAmountStep, isBelowMinimum } from '../amounts';
import { attemptCharge, loadPaymentMethod } from '../cards';
import { cardError, invalidRequest } from '../errors';
import { deepClone } from '../form';
import { idOf, newId, nowSeconds, randomString } from '../ids';
import { invoiceTotals, lineTaxes } from '../invoice-totals';
import type { CountedList } from '../lists';
import type { State } from '../state';
import type { Emit } from './payment-flow';

/** Stripe's limit on line items per invoice (docs: "Invoices can have up to 250 line items"). */
export const MAX_INVOICE_LINES = 250;

export const notEditable = (inv: Stripe.Invoice) =>
	invalidRequest(`You can only modify draft invoices; invoice ${inv.id} has status ${inv.status}.`, { code: 'invoice_not_editable' });

export function assertDraft(inv: Stripe.Invoice): void {
	if (inv.status !== 'draft') throw notEditable(inv);
}

function lineFor(ii: Stripe.InvoiceItem, invoiceId: string): Stripe.InvoiceLineItem {
	return {
		id: newId('il'),
		object: 'line_item',
		amount: ii.amount,
		currency: ii.currency,
		description: ii.description,
		discount_amounts: [],
		discountable: ii.discountable,
		discounts: [],
		invoice: invoiceId,
		livemode: false,
		metadata: { ...ii.metadata },
		parent: {
			type: 'invoice_item_details',
			invoice_item_details: { invoice_item: ii.id, proration: false, proration_details: { credited_items: null }, subscription: null },
			subscription_item_details: null
		},
		period: { ...ii.period },
		pretax_credit_amounts: [],
		pricing: ii.pricing,
		quantity: ii.quantity,
		quantity_decimal: ii.quantity_decimal,
		subscription: null,
		subtotal: ii.amount,
		taxes: []
	};
}

const itemIdOf = (line: Stripe.InvoiceLineItem): string | undefined => line.parent?.invoice_item_details?.invoice_item;

/** Re-derives every line's taxes and the invoice totals (see invoice-totals.ts for Stripe's rounding). */
export function recalculate(inv: Stripe.Invoice, state: State): void {
	for (const line of inv.lines.data) {
		const ii = state.invoiceItems.get(itemIdOf(line) ?? '');
		const rates = ii?.tax_rates?.length ? ii.tax_rates : (inv.default_tax_rates ?? []);
		line.taxes = lineTaxes(line.amount, inv.currency, rates);
	}
	const { tax: _tax, ...totals } = invoiceTotals(inv.lines.data);
	const due = Math.max(0, totals.total + (inv.status === 'draft' ? 0 : inv.starting_balance));
	Object.assign(inv, totals, { amount_due: due, amount_remaining: Math.max(0, due - inv.amount_paid) });
	(inv.lines as CountedList<Stripe.InvoiceLineItem>).total_count = inv.lines.data.length;
}

const lineIndex = (inv: Stripe.Invoice, iiId: string) => inv.lines.data.findIndex((l: Stripe.InvoiceLineItem) => itemIdOf(l) === iiId);

export const tooManyLines = (inv: Stripe.Invoice) =>
	invalidRequest(
		`An invoice can have at most ${MAX_INVOICE_LINES} line items; invoice ${inv.id} already has ${inv.lines.data.length}. Create another invoice for the remaining items.`,
		{ param: 'invoice' }
	);

export function attachItem(inv: Stripe.Invoice, ii: Stripe.InvoiceItem, state: State): void {
	assertDraft(inv);
	if (inv.lines.data.length >= MAX_INVOICE_LINES) throw tooManyLines(inv);
	if (ii.currency !== inv.currency) {
		throw invalidRequest(`The currency of the invoice item (${ii.currency}) must match the currency of the invoice (${inv.currency}).`, {
			param: 'currency'
		});
	}
	ii.invoice = inv.id;
	inv.lines.data.push(lineFor(ii, inv.id));
	recalculate(inv, state);
}

/** Re-renders the line of `ii` after the item changed. */
export function syncItem(inv: Stripe.Invoice, ii: Stripe.InvoiceItem, state: State): void {
	const i = lineIndex(inv, ii.id);
	if (i >= 0) inv.lines.data[i] = { ...lineFor(ii, inv.id), id: inv.lines.data[i].id };
	recalculate(inv, state);
}

export function detachItem(inv: Stripe.Invoice, ii: Stripe.InvoiceItem, state: State): void {
	const i = lineIndex(inv, ii.id);
	if (i >= 0) inv.lines.data.splice(i, 1);
	recalculate(inv, state);
}

export function markPaid(emit: Emit, inv: Stripe.Invoice, outOfBand = false): Stripe.Invoice {
	const now = nowSeconds();
	if (outOfBand) inv.amount_paid_off_stripe = inv.amount_remaining;
	inv.amount_paid += inv.amount_remaining;
	Object.assign(inv, { amount_remaining: 0, status: 'paid', next_payment_attempt: null, automatically_finalizes_at: null });
	inv.status_transitions.paid_at = now;
	emit('invoice.paid', inv);
	if (!outOfBand) emit('invoice.payment_succeeded', inv);
	return inv;
}

/**
 * Finalizes a draft like Stripe: the customer's balance is applied (a debit raises the amount due, a
 * credit lowers it), and an amount due below Stripe's minimum charge is not charged at all — Stripe
 * marks the invoice paid without a payment (amount_paid 0) and moves the amount to the customer's
 * balance, to be added to their next invoice (docs: API reference "Invoices"; "Customer invoice balance").
 */
export function finalize(state: State, emit: Emit, inv: Stripe.Invoice): Stripe.Invoice {
	if (inv.status !== 'draft') {
		throw invalidRequest("This invoice is already finalized, you can't re-finalize a non-draft invoice.", { code: 'invoice_not_editable' });
	}
	const customer = state.customers.get(idOf(inv.customer) ?? '');
	recalculate(inv, state);
	const balance = customer?.balance ?? 0;
	const due = Math.max(0, inv.total + balance);
	// checked before anything changes: a refused finalization leaves the draft as it was
	if (due % stripeStep(inv.currency) !== 0) assertAmountStep(due, inv.currency, 'amount_due');
	const now = nowSeconds();
	const token = `test_${randomString(48)}`;
	const seq = customer?.next_invoice_sequence ?? 1;
	if (customer) customer.next_invoice_sequence = seq + 1;
	const belowMinimum = isBelowMinimum(due, inv.currency);
	if (customer) customer.balance = Math.min(0, inv.total + balance) + (belowMinimum ? due : 0);
	Object.assign(inv, {
		status: 'open',
		number: `${customer?.invoice_prefix ?? 'TEST'}-${String(seq).padStart(4, '0')}`,
		hosted_invoice_url: `https://invoice.stripe.com/i/acct_test/${token}`,
		invoice_pdf: `https://pay.stripe.com/invoice/acct_test/${token}/pdf`,
		effective_at: now,
		automatically_finalizes_at: null,
		starting_balance: balance,
		ending_balance: customer ? customer.balance : 0,
		next_payment_attempt: inv.collection_method === 'charge_automatically' && inv.auto_advance ? now + 3600 : null
	});
	recalculate(inv, state);
	inv.status_transitions.finalized_at = now;
	emit('invoice.finalized', inv);
	if (belowMinimum) {
		Object.assign(inv, { amount_remaining: 0, status: 'paid', next_payment_attempt: null });
		inv.status_transitions.paid_at = now;
		emit('invoice.paid', inv);
		return inv;
	}
	if (inv.amount_due === 0) markPaid(emit, inv);
	return inv;
}

const PAYABLE: (string | null)[] = ['open', 'uncollectible'];

export function assertPayable(inv: Stripe.Invoice): void {
	if (inv.status === 'paid') throw invalidRequest('Invoice is already paid.');
	if (!PAYABLE.includes(inv.status)) {
		throw invalidRequest(`You can only pay open or uncollectible invoices; this invoice is ${inv.status}.`);
	}
}

/** Charges the remaining amount with `pmRef`; a decline counts an attempt, emits `invoice.payment_failed` and throws 402. */
export function chargeInvoice(state: State, emit: Emit, inv: Stripe.Invoice, pmRef: string | null): Stripe.Invoice {
	assertPayable(inv);
	if (inv.amount_remaining === 0) return markPaid(emit, inv);
	if (!pmRef) throw cardError({ code: 'missing', message: 'Cannot charge a customer that has no active card.' });
	const pm = loadPaymentMethod(state, pmRef);
	const { charge, decline } = attemptCharge(state, pm, {
		amount: inv.amount_remaining,
		currency: inv.currency,
		customer: idOf(inv.customer),
		paymentIntent: null,
		description: `Payment for Invoice ${inv.number}`
	});
	inv.attempted = true;
	inv.attempt_count += 1;
	if (decline) {
		emit('invoice.payment_failed', inv);
		throw cardError({ ...decline, charge: charge.id, payment_method: deepClone(pm) });
	}
	return markPaid(emit, inv);
}

export function voidInvoice(emit: Emit, inv: Stripe.Invoice): Stripe.Invoice {
	if (!PAYABLE.includes(inv.status)) {
		throw invalidRequest(`You can only void open or uncollectible invoices; this invoice is ${inv.status}.`);
	}
	Object.assign(inv, { status: 'void', amount_remaining: 0, next_payment_attempt: null });
	inv.status_transitions.voided_at = nowSeconds();
	emit('invoice.voided', inv);
	return inv;
}

export function markUncollectible(emit: Emit, inv: Stripe.Invoice): Stripe.Invoice {
	if (inv.status !== 'open') {
		throw invalidRequest(`You can only mark open invoices as uncollectible; this invoice is ${inv.status}.`);
	}
	inv.status = 'uncollectible';
	inv.next_payment_attempt = null;
	inv.status_transitions.marked_uncollectible_at = nowSeconds();
	emit('invoice.marked_uncollectible', inv);
	return inv;
}
