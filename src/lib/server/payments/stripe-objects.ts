import Stripe from 'stripe';
import type { App } from '../app';
import { attachStripeId, chargeItems, recordStripeObject, settleCharge } from '../billing/charges';
import { getCustomer } from '../customers/customers';
import type { Charge } from '../db/schema';
import { ensureCustomer, knownStripeCustomer } from './customer';
import { findByMetadata, isReplayedFailure, startOver } from './replayed';

/**
 * The Stripe side of a charge. Every call's params derive from the stored charge and every
 * call carries an idempotency key derived from this installation, the charge and the step,
 * so running these again after a crash, a timeout or from another instance returns the same
 * objects — and another installation on the same Stripe account never shares a key.
 */
export const idempotencyKey = (installationId: string, charge: Pick<Charge, 'id' | 'stripe_attempt'>, step: string) =>
	`sb-${installationId}-charge-${charge.id}${charge.stripe_attempt > 0 ? `-try${charge.stripe_attempt}` : ''}-${step}`;

/** What every object this app creates carries: webhooks for anything else are ignored. */
export const chargeKey = (installationId: string, charge: Pick<Charge, 'id'>) => `${installationId}-${charge.id}`;

const seconds = (ms: number) => Math.floor(ms / 1000);

export function chargeMetadata(installationId: string, charge: Charge): Stripe.MetadataParam {
	return {
		installation_id: installationId,
		charge_id: String(charge.id),
		charge_key: chargeKey(installationId, charge),
		customer_id: charge.customer_id,
		...(charge.server_id !== null && { server_id: charge.server_id }),
		period_start: new Date(charge.period_start).toISOString(),
		period_end: new Date(charge.period_end).toISOString()
	};
}

/**
 * The Payment Intent for the charge's gross amount. It names the customer's Stripe customer
 * when there is one (receipts go to their email; a card kept with `setup_future_usage`
 * becomes theirs); a customer without one pays as a guest, as before customers existed.
 */
export async function createPaymentIntentAt(app: App, stripe: Stripe, charge: Charge): Promise<Charge> {
	const key = (step: string) => idempotencyKey(app.installationId, charge, step);
	const customer = await getCustomer(app.store, app.config, charge.customer_id);
	const stripeCustomer = charge.save_card ? await ensureCustomer(app, stripe, customer) : await knownStripeCustomer(app, customer);
	let intent: Stripe.PaymentIntent;
	try {
		intent = await stripe.paymentIntents.create(
			{
				amount: charge.amount_minor,
				currency: charge.currency,
				automatic_payment_methods: { enabled: true },
				...(stripeCustomer && { customer: stripeCustomer }),
				...(customer.email && { receipt_email: customer.email }),
				...(charge.save_card && { setup_future_usage: 'off_session' as const }),
				description: charge.description,
				metadata: chargeMetadata(app.installationId, charge)
			},
			{ idempotencyKey: key('payment-intent') }
		);
	} catch (error) {
		if (!isReplayedFailure(error)) throw error;
		// Stripe keeps answering this key with the 500 it saved: the object may exist all the same
		const found = await findByMetadata(stripe.paymentIntents, chargeKey(app.installationId, charge), charge.created_at);
		if (!found) throw await startOver(app, charge, error);
		intent = found;
	}
	const stored = await recordStripeObject(app.store, charge.id, { stripeId: intent.id, clientSecret: intent.client_secret }, app.clock());
	if (intent.status === 'succeeded') await settleCharge(app.store, charge.id, 'succeeded', app.clock());
	return stored;
}

/**
 * Draft invoice → one item per line (server and month, with its period, carrying the
 * customer's Stripe tax rate) → a rounding line if Stripe's per-line tax does not add up to
 * the charge's (tax is rounded once per charge) → finalize; collection as fixed on the charge.
 */
export async function createInvoiceAt(app: App, stripe: Stripe, charge: Charge): Promise<Charge> {
	const customer = await ensureCustomer(app, stripe, await getCustomer(app.store, app.config, charge.customer_id));
	const sendInvoice = charge.collection_method === 'send_invoice';
	const key = (step: string) => idempotencyKey(app.installationId, charge, step);
	let draft: Stripe.Invoice;
	try {
		// auto_advance stays off on the draft: a draft left behind by a crash must never finalize on its own
		draft = await stripe.invoices.create(
			{
				customer,
				currency: charge.currency,
				collection_method: sendInvoice ? 'send_invoice' : 'charge_automatically',
				...(sendInvoice && { days_until_due: app.config.stripe.daysUntilDue }),
				auto_advance: false,
				pending_invoice_items_behavior: 'exclude',
				description: charge.description,
				metadata: chargeMetadata(app.installationId, charge)
			},
			{ idempotencyKey: key('invoice') }
		);
	} catch (error) {
		if (!isReplayedFailure(error)) throw error;
		const found = await findByMetadata(stripe.invoices, chargeKey(app.installationId, charge), charge.created_at, customer);
		if (!found) throw await startOver(app, charge, error);
		draft = found;
	}
	// a charge that already had its invoice is being resumed: lines Stripe already holds are not sent again
	const resumed = charge.stripe_id !== null;
	await attachStripeId(app.store, charge.id, draft.id!, app.clock());
	if (draft.status === 'draft') {
		const taxRates = charge.tax_rate === null ? undefined : [await ensureTaxRate(app, stripe, charge.tax_rate, charge.tax_inclusive === 1)];
		const present = resumed ? await linesOn(stripe, draft.id!) : new Set<string>();
		// a line whose rounding came to nothing still counts as billed time; Stripe needs no line for it
		const items = (await chargeItems(app.store, charge.id)).filter((item) => item.amount_minor !== 0 && !present.has(String(item.id)));
		let total: number | undefined;
		for (let i = 0; i < items.length; i += LINES_PER_REQUEST) {
			const chunk = items.slice(i, i + LINES_PER_REQUEST);
			const updated = await stripe.invoices.addLines(
				draft.id!,
				{
					lines: chunk.map((item) => ({
						amount: item.amount_minor,
						description: item.description,
						period: { start: seconds(item.period_start), end: seconds(item.period_end) },
						...(taxRates && { tax_rates: taxRates }),
						metadata: {
							installation_id: app.installationId,
							charge_id: String(charge.id),
							charge_item_id: String(item.id),
							server_id: item.server_id,
							month: item.month
						}
					}))
				},
				{ idempotencyKey: key(`lines-${chunk[0].id}`) }
			);
			total = updated.total;
		}
		if (taxRates) await roundTaxOnce(app, stripe, charge, customer, draft.id!, total, key);
	}
	const invoice =
		draft.status === 'draft'
			? await stripe.invoices.finalizeInvoice(draft.id!, { auto_advance: true }, { idempotencyKey: key('finalize') })
			: draft;
	const stored = await recordStripeObject(
		app.store,
		charge.id,
		{ stripeId: invoice.id!, hostedInvoiceUrl: invoice.hosted_invoice_url, invoicePdfUrl: invoice.invoice_pdf },
		app.clock()
	);
	if (invoice.status === 'paid') await settleCharge(app.store, charge.id, 'succeeded', app.clock());
	return stored;
}

/** Lines per add_lines request: a customer's month of servers is usually one request (an invoice holds at most 250). */
const LINES_PER_REQUEST = 50;

/** The ledger lines a draft invoice already holds (by the charge_item_id each line carries). */
async function linesOn(stripe: Stripe, invoiceId: string): Promise<Set<string>> {
	const present = new Set<string>();
	for await (const line of stripe.invoices.listLineItems(invoiceId, { limit: 100 })) {
		const id = line.metadata?.charge_item_id;
		if (id) present.add(id);
	}
	return present;
}

/**
 * Stripe rounds tax per line; the ledger rounds it once per charge. When the two differ (by
 * a unit or so per few lines), one untaxed line makes the invoice's total the charge's exactly,
 * so the payment settles the charge instead of being flagged as another amount.
 */
async function roundTaxOnce(
	app: App,
	stripe: Stripe,
	charge: Charge,
	customer: string,
	invoiceId: string,
	total: number | undefined,
	key: (step: string) => string
): Promise<void> {
	const difference = charge.amount_minor - (total ?? (await stripe.invoices.retrieve(invoiceId)).total);
	if (difference === 0) return;
	await stripe.invoiceItems.create(
		{
			customer,
			invoice: invoiceId,
			amount: difference,
			currency: charge.currency,
			description: 'Tax rounding (tax is rounded once per invoice)',
			metadata: { installation_id: app.installationId, charge_id: String(charge.id), tax_rounding: 'true' }
		},
		{ idempotencyKey: key('tax-rounding') }
	);
}

/** The Stripe tax rate for a percentage: created once per (rate, inclusive) and remembered. */
async function ensureTaxRate(app: App, stripe: Stripe, rate: string, inclusive: boolean): Promise<string> {
	const setting = `stripe_tax_rate:${rate}:${inclusive ? 'inclusive' : 'exclusive'}`;
	const remembered = await app.store.db.selectFrom('settings').select('value').where('key', '=', setting).executeTakeFirst();
	if (remembered) return remembered.value;
	const created = await stripe.taxRates.create(
		{ display_name: 'Tax', percentage: Number(rate), inclusive, metadata: { installation_id: app.installationId } },
		{ idempotencyKey: `sb-${app.installationId}-tax-rate-${rate}-${inclusive ? 'inclusive' : 'exclusive'}` }
	);
	await app.store.db
		.insertInto('settings')
		.values({ key: setting, value: created.id })
		.onConflict((oc) => oc.column('key').doNothing())
		.execute();
	return (await app.store.db.selectFrom('settings').select('value').where('key', '=', setting).executeTakeFirstOrThrow()).value;
}
