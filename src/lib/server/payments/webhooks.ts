import Stripe from 'stripe';
import type { App } from '../app';
import { attachStripeId, findChargeByStripeId, getCharge, noteAttemptFailure } from '../billing/charges';
import type { Charge } from '../db/schema';
import { applyInvoice, applyPaymentIntent } from './sync';

export interface WebhookReply {
	status: number;
	body: Record<string, unknown>;
}

type Handler = (app: App, event: Stripe.Event) => Promise<void>;

/**
 * POST /webhooks/stripe. Only a body whose signature checks out against
 * STRIPE_WEBHOOK_SECRET is read; each event is applied once, in any order: handlers only
 * move charges forward, and an event already recorded is skipped.
 */
export async function receiveWebhook(app: App, rawBody: string, signature: string | null): Promise<WebhookReply> {
	const secret = app.config.stripe.webhookSecret;
	if (!secret) return { status: 503, body: { error: 'Webhooks are not configured: set STRIPE_WEBHOOK_SECRET' } };
	if (!signature) return { status: 400, body: { error: 'Missing Stripe-Signature header' } };
	let event: Stripe.Event;
	try {
		event = Stripe.webhooks.constructEvent(rawBody, signature, secret);
	} catch {
		return { status: 400, body: { error: 'Invalid or expired signature' } };
	}
	const handler = HANDLERS[event.type];
	if (!handler) return { status: 200, body: { received: true, ignored: event.type } };
	const seen = await app.store.db.selectFrom('webhook_events').select('id').where('id', '=', event.id).executeTakeFirst();
	if (seen) return { status: 200, body: { received: true, duplicate: true } };
	await handler(app, event);
	// recorded after applying: a crash in between re-applies on Stripe's retry, which handlers tolerate
	await app.store.db
		.insertInto('webhook_events')
		.values({ id: event.id, type: event.type, received_at: app.clock() })
		.onConflict((oc) => oc.column('id').doNothing())
		.execute();
	return { status: 200, body: { received: true } };
}

/**
 * The charge an object belongs to. Stripe sends every event of the account to every
 * endpoint, so objects of another installation or integration are not ours: ours carry this
 * installation's id. An object is matched by its Stripe id; one not recorded yet (the event
 * outran the answer, or a crash) by the charge named in its metadata, if that charge is
 * still being created and has no Stripe object. Objects from before installation ids are
 * matched by their Stripe id alone.
 */
async function chargeFor(app: App, object: { id?: string; metadata?: Stripe.Metadata | null }): Promise<Charge | undefined> {
	const installation = object.metadata?.installation_id;
	if (installation !== undefined && installation !== app.installationId) return undefined;
	const known = object.id ? await findChargeByStripeId(app.store, object.id) : undefined;
	if (known || installation === undefined) return known;
	const id = Number(object.metadata?.charge_id);
	if (!Number.isSafeInteger(id) || id <= 0) return undefined;
	const charge = await getCharge(app.store, id).catch(() => undefined);
	if (!charge || charge.stripe_id !== null || charge.status !== 'creating' || !object.id) return undefined;
	await attachStripeId(app.store, charge.id, object.id, app.clock());
	return { ...charge, stripe_id: object.id };
}

function onPaymentIntent(): Handler {
	return async (app, event) => {
		const intent = event.data.object as Stripe.PaymentIntent;
		const charge = await chargeFor(app, intent);
		if (charge) await applyPaymentIntent(app, charge, intent);
		else app.logger.info({ event: event.id, paymentIntent: intent.id }, 'webhook for a payment intent this app did not create');
	};
}

function onInvoice(outcome: 'failed' | 'apply'): Handler {
	return async (app, event) => {
		const invoice = event.data.object as Stripe.Invoice;
		const charge = await chargeFor(app, invoice);
		if (!charge) {
			app.logger.info({ event: event.id, invoice: invoice.id }, 'webhook for an invoice this app did not create');
			return;
		}
		if (outcome === 'failed')
			await noteAttemptFailure(
				app.store,
				charge.id,
				'payment_failed',
				'Stripe could not collect the invoice; it retries automatically',
				app.clock()
			);
		else await applyInvoice(app, charge, invoice);
	};
}

const HANDLERS: Record<string, Handler> = {
	'payment_intent.succeeded': onPaymentIntent(),
	'payment_intent.payment_failed': onPaymentIntent(),
	'payment_intent.canceled': onPaymentIntent(),
	'invoice.paid': onInvoice('apply'),
	'invoice.payment_succeeded': onInvoice('apply'),
	'invoice.payment_failed': onInvoice('failed'),
	'invoice.voided': onInvoice('apply'),
	'invoice.marked_uncollectible': onInvoice('apply')
};
