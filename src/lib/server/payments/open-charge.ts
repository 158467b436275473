import Stripe from 'stripe';
import { formatMoney } from '../../format';
import type { App } from '../app';
import { noteAttemptFailure, reserveCharge, settleCharge, type ChargeDraft, type DraftServer } from '../billing/charges';
import { lineDescription, periodDescription } from '../billing/describe';
import { openCharge, openCustomerCharge } from '../billing/ledger';
import { applyTax, normalTaxRate, parseTaxRate } from '../billing/tax';
import { getCustomer, type BillingCustomer } from '../customers/customers';
import { currency, findCurrency, type Currency } from '../billing/currency';
import { majorToMinor, minorToMajor } from '../billing/money';
import { openStatement } from '../billing/statement';
import type { Charge, ChargeKind, Server } from '../db/schema';
import { Failure } from '../errors';
import { latestRun } from '../metering/runs';
import { getServer, LOCAL_SERVER_ID } from '../metering/servers';
import type { CollectionMethods } from './collection-methods';
import { collectionMethodFor, ensureCustomer, knownStripeCustomer } from './customer';
import { isTransient, requireStripe, stripeFailure } from './stripe';
import { createInvoiceAt, createPaymentIntentAt, idempotencyKey } from './stripe-objects';

const KIND_NAME: Record<ChargeKind, string> = { payment_intent: 'payment', invoice: 'invoice' };

/** What a charge bills: one server, or every server of one customer. */
export type BillingTarget = { serverId: string } | { customerId: string };

export interface ChargeOptions {
	/** a scheduled run's tick: the charge bills up to it, once per tick */
	scheduleTick?: number;
	collectionMethods?: CollectionMethods;
	/** Payment Intents: keep the card for automatic billing (setup_future_usage, then the customer's default) */
	saveCard?: boolean;
}

/** Every charge of one customer is opened under one lock: its servers' ledgers move together. */
export const chargeLock = (customerId: string) => `charge:${customerId}`;

interface Scope {
	customer: BillingCustomer;
	/** set for a per-server charge */
	server?: Server;
}

/**
 * Bills unbilled usage — one server's, or every server of a customer in one charge — as a
 * Payment Intent or an Invoice, or returns the charge already open for it. The amount comes
 * from the ledger only; the charge row is written before Stripe is called, so a crash or
 * retry resumes the same charge.
 */
export async function openChargeFor(app: App, target: BillingTarget, kind: ChargeKind, options: ChargeOptions = {}): Promise<Charge> {
	const stripe = requireStripe(app.stripe);
	const scope = await resolveScope(app, target);
	const { scheduleTick } = options;
	return app.locks.run(chargeLock(scope.customer.id), async () => {
		for (let attempt = 0; attempt < 3; attempt++) {
			// a tick bills a customer (or server) once, however often it runs (restarts, several instances)
			if (scheduleTick !== undefined) {
				const done = await chargeForTick(app, scope, scheduleTick);
				if (done) return completeAtStripe(app, stripe, done);
			}
			const open = scope.server ? await openCharge(app.store, scope.server.id) : await openCustomerCharge(app.store, scope.customer.id);
			if (open) {
				const sameScope = scope.server ? open.server_id === scope.server.id : open.server_id === null;
				// a scheduled tick never adopts an open charge it did not create
				if (!sameScope || open.kind !== kind || (scheduleTick !== undefined && open.schedule_tick !== scheduleTick)) {
					throw new Failure(
						'CHARGE_PENDING',
						`Charge #${open.id} (${KIND_NAME[open.kind]}) is still open for ${scope.server ? 'this server' : 'this customer'}; pay or cancel it first`,
						{ chargeId: open.id }
					);
				}
				if (options.saveCard && open.kind === 'payment_intent' && !open.save_card) await keepCard(app, stripe, scope.customer, open);
				return completeAtStripe(app, stripe, open);
			}
			const draft = await draftCharge(app, stripe, scope, kind, options);
			const reserved = await reserveCharge(app.store, draft, app.clock());
			// undefined: another request or instance opened a charge in between; take that one
			if (reserved) return completeAtStripe(app, stripe, reserved);
		}
		throw new Error(`could not open a charge for ${scope.server ? `server ${scope.server.id}` : `customer ${scope.customer.id}`}`);
	});
}

async function resolveScope(app: App, target: BillingTarget): Promise<Scope> {
	if ('serverId' in target) {
		const server = await getServer(app.store, target.serverId);
		return { server, customer: await getCustomer(app.store, app.config, server.customer_id) };
	}
	return { customer: await getCustomer(app.store, app.config, target.customerId) };
}

/** The customer asked to keep the card of an already open payment: the Payment Intent is told before it is confirmed. */
async function keepCard(app: App, stripe: Stripe, customer: BillingCustomer, charge: Charge): Promise<void> {
	const stripeCustomer = await atStripe(() => ensureCustomer(app, stripe, customer));
	if (charge.stripe_id) {
		await atStripe(() =>
			stripe.paymentIntents.update(
				charge.stripe_id!,
				{ customer: stripeCustomer, setup_future_usage: 'off_session' },
				{ idempotencyKey: idempotencyKey(app.installationId, charge, 'save-card') }
			)
		);
	}
	await app.store.db.updateTable('charges').set({ save_card: 1, updated_at: app.clock() }).where('id', '=', charge.id).execute();
	charge.save_card = 1;
}

/** Creates (or finds again, by idempotency key) the charge's Stripe object. */
export async function completeAtStripe(app: App, stripe: Stripe, charge: Charge): Promise<Charge> {
	if (charge.status !== 'creating') return charge;
	try {
		return charge.kind === 'payment_intent' ? await createPaymentIntentAt(app, stripe, charge) : await createInvoiceAt(app, stripe, charge);
	} catch (error) {
		if (isTransient(error)) {
			// Stripe may or may not have the object: keep the charge (and its key) to resume, never start over
			await noteAttemptFailure(app.store, charge.id, 'stripe_unavailable', 'Stripe could not be reached', app.clock());
			throw new Failure(
				'STRIPE_UNAVAILABLE',
				`Stripe could not be reached. Nothing was charged; charge #${charge.id} is kept and will be completed when Stripe answers (try again, or cancel it).`,
				{ chargeId: charge.id }
			);
		}
		if (error instanceof Stripe.errors.StripeInvalidRequestError && error.code === 'amount_too_small') {
			// Stripe's own minimum check spoke (a minimum we did not know): release the window, the usage carries over
			await settleCharge(app.store, charge.id, 'failed', app.clock(), { code: 'amount_too_small', message: error.message });
			throw belowMinimum(BigInt(charge.amount_minor), currency(charge.currency), minimumFrom(error.message));
		}
		const failure = stripeFailure(error);
		// Stripe refused this charge for good: release its window so the usage can be billed again
		await settleCharge(app.store, charge.id, 'failed', app.clock(), { code: failure.code, message: failure.message });
		throw failure;
	}
}

/** Stripe holds at most 250 lines on an invoice: a longer window is billed over several charges. */
export const MAX_ITEMS_PER_CHARGE = 250;

async function draftCharge(app: App, stripe: Stripe, scope: Scope, kind: ChargeKind, options: ChargeOptions): Promise<ChargeDraft> {
	const { store, config } = app;
	const { customer } = scope;
	const cur = config.currency;
	const servers = scope.server ? [scope.server] : await customerServers(app, customer.id);
	const draftServers: DraftServer[] = [];
	const items: ChargeDraft['items'] = [];
	let linesMinor = 0n;
	let room = MAX_ITEMS_PER_CHARGE;
	for (const server of servers) {
		// bill exactly what the ledger has seen: sample this machine first, so its time up to now is stored
		const lastSeen =
			server.id === LOCAL_SERVER_ID ? (await app.meter.sample()).last_seen_at : (await latestRun(store, server.id))?.last_seen_at;
		if (lastSeen === undefined) continue;
		// a scheduled run bills up to its tick, not up to whenever it got round to this server
		let windowEnd = options.scheduleTick === undefined ? lastSeen : Math.min(lastSeen, options.scheduleTick);
		let statement = await openStatement(store, config, server, windowEnd);
		if (statement.lines.length > room && draftServers.length > 0) break; // the next charge bills the rest
		for (let last = room - 1; statement.lines.length > room && last > 0; last--) {
			windowEnd = statement.lines[last].periodEnd;
			statement = await openStatement(store, config, server, windowEnd);
		}
		if (statement.periodStart === null || statement.billableSeconds === 0) continue;
		const periodStart = Math.min(statement.periodStart, windowEnd);
		draftServers.push({
			serverId: server.id,
			periodStart,
			periodEnd: Math.max(windowEnd, periodStart + 1000),
			state: statement.state,
			basedOn: statement.basedOn
		});
		for (const line of statement.lines) {
			items.push({
				...line,
				serverId: server.id,
				description: lineDescription(server.name, line, statement.rules.rateMicros, cur, config.timeZone)
			});
		}
		linesMinor += statement.amountMinor;
		room -= statement.lines.length;
		if (room <= 0) break;
	}
	if (draftServers.length === 0) throw nothingToBill(scope.server?.name ?? customer.name);
	const taxed = applyTax(linesMinor, customer.tax, cur.step);
	if (taxed.grossMinor < cur.minimumMinor) throw belowMinimum(taxed.grossMinor, cur);
	if (options.saveCard && kind === 'payment_intent' && !(await knownStripeCustomer(app, customer)) && !customer.email) {
		throw new Failure('CUSTOMER_REQUIRED', 'Saving a card needs a Stripe customer: give the customer an email (or a Stripe customer id)');
	}
	let collectionMethod: Charge['collection_method'] = null;
	if (kind === 'invoice') {
		const known = await knownStripeCustomer(app, customer);
		// a Stripe customer made just now has no saved card: Stripe emails the invoice (one request saved per new customer)
		if (!known) await atStripe(() => ensureCustomer(app, stripe, customer));
		collectionMethod = known
			? await atStripe(() => (options.collectionMethods ? options.collectionMethods.for(known) : collectionMethodFor(stripe, known)))
			: 'send_invoice';
	}
	const periodStart = Math.min(...draftServers.map((s) => s.periodStart));
	const periodEnd = Math.max(...draftServers.map((s) => s.periodEnd));
	const taxRate = parseTaxRate(customer.tax.rate) === 0n ? null : normalTaxRate(customer.tax.rate);
	return {
		customerId: customer.id,
		serverId: scope.server?.id ?? null,
		kind,
		periodStart,
		periodEnd,
		netMinor: taxed.netMinor,
		taxMinor: taxed.taxMinor,
		amountMinor: taxed.grossMinor,
		taxRate,
		taxInclusive: taxRate !== null && customer.tax.inclusive,
		currency: cur.code,
		description: scope.server
			? periodDescription(scope.server.name, periodStart, periodEnd, config.timeZone)
			: periodDescription(
					`${customer.name}: ${draftServers.length === 1 ? servers.find((s) => s.id === draftServers[0].serverId)!.name : `${draftServers.length} servers`}`,
					periodStart,
					periodEnd,
					config.timeZone
				),
		collectionMethod,
		scheduleTick: options.scheduleTick,
		saveCard: kind === 'payment_intent' && options.saveCard === true,
		servers: draftServers,
		items
	};
}

/** A customer's servers in id order (the order their lines appear in). */
function customerServers(app: App, customerId: string): Promise<Server[]> {
	return app.store.db.selectFrom('servers').selectAll().where('customer_id', '=', customerId).orderBy('id').execute();
}

/** A Stripe call made while drafting: its failures become the product's (an outage is a 503, not a 500). */
async function atStripe<T>(call: () => Promise<T>): Promise<T> {
	try {
		return await call();
	} catch (error) {
		throw stripeFailure(error);
	}
}

/**
 * Stripe's amount_too_small message names its minimum ("Amount must be at least ¥50 jpy",
 * "… at least $0.50 usd"); read it when it does, else keep ours.
 */
function minimumFrom(message: string): bigint | undefined {
	const match = /at least\s+\D*?([\d.,]+)\s*([a-z]{3})\b/i.exec(message);
	if (!match) return undefined;
	const cur = findCurrency(match[2]);
	return cur && majorToMinor(match[1].replace(/,/g, ''), cur);
}

/** BELOW_MINIMUM names both amounts; nothing is written, so the usage carries over to the next charge. */
export function belowMinimum(amountMinor: bigint, cur: Currency, minimumMinor = cur.minimumMinor): Failure {
	const amountFormatted = formatMoney(minorToMajor(amountMinor, cur), cur.code, 'en');
	const minimumFormatted = formatMoney(minorToMajor(minimumMinor, cur), cur.code, 'en');
	return new Failure(
		'BELOW_MINIMUM',
		`The unbilled amount ${amountFormatted} is below Stripe's minimum charge of ${minimumFormatted}; the usage carries over to the next charge`,
		{
			amountMinor: Number(amountMinor),
			minimumMinor: Number(minimumMinor),
			amountFormatted,
			minimumFormatted,
			currency: cur.code
		}
	);
}

function chargeForTick(app: App, scope: Scope, tick: number): Promise<Charge | undefined> {
	let query = app.store.db.selectFrom('charges').selectAll().where('schedule_tick', '=', tick);
	query = scope.server
		? query.where('server_id', '=', scope.server.id)
		: query.where('customer_id', '=', scope.customer.id).where('server_id', 'is', null);
	return query.executeTakeFirst();
}

const nothingToBill = (name: string) => new Failure('NOTHING_TO_BILL', `${name} has no unbilled usage yet`);
