import Stripe from 'stripe';
import { formatMoney } from '../../format';
import type { App } from '../app';
import { noteAttemptFailure, reserveCharge, settleCharge, type ChargeDraft } from '../billing/charges';
import { lineDescription, periodDescription } from '../billing/describe';
import { openCharge } from '../billing/ledger';
import { currency, findCurrency, type Currency } from '../billing/currency';
import { majorToMinor, minorToMajor } from '../billing/money';
import { openStatement } from '../billing/statement';
import type { Charge, ChargeKind } from '../db/schema';
import { Failure } from '../errors';
import { latestRun } from '../metering/runs';
import { getServer, LOCAL_SERVER_ID } from '../metering/servers';
import type { CollectionMethods } from './collection-methods';
import { collectionMethodFor, ensureCustomer } from './customer';
import { isTransient, requireStripe, stripeFailure } from './stripe';
import { createInvoiceAt, createPaymentIntentAt } from './stripe-objects';

const KIND_NAME: Record<ChargeKind, string> = { payment_intent: 'payment', invoice: 'invoice' };

/**
 * Bills a server's unbilled usage as a Payment Intent or an Invoice — or returns the
 * charge already open for it. The amount comes from the ledger only; the charge row is
 * written before Stripe is called, so a crash or retry resumes the same charge.
 */
export async function openChargeFor(
	app: App,
	serverId: string,
	kind: ChargeKind,
	scheduleTick?: number,
	collectionMethods?: CollectionMethods
): Promise<Charge> {
	const stripe = requireStripe(app.stripe);
	return app.locks.run(`charge:${serverId}`, async () => {
		for (let attempt = 0; attempt < 3; attempt++) {
			// a tick bills a server once, however often it runs (restarts, several instances)
			if (scheduleTick !== undefined) {
				const done = await chargeForTick(app, serverId, scheduleTick);
				if (done) return completeAtStripe(app, stripe, done);
			}
			const open = await openCharge(app.store, serverId);
			if (open) {
				// a scheduled tick never adopts an open charge it did not create
				if (open.kind !== kind || (scheduleTick !== undefined && open.schedule_tick !== scheduleTick)) {
					throw new Failure(
						'CHARGE_PENDING',
						`Charge #${open.id} (${KIND_NAME[open.kind]}) is still open for this server; pay or cancel it first`,
						{ chargeId: open.id }
					);
				}
				return completeAtStripe(app, stripe, open);
			}
			const draft = await draftCharge(app, stripe, serverId, kind, scheduleTick, collectionMethods);
			const reserved = await reserveCharge(app.store, draft, app.clock());
			// undefined: another request or instance opened a charge in between; take that one
			if (reserved) return completeAtStripe(app, stripe, reserved);
		}
		throw new Error(`could not open a charge for server ${serverId}`);
	});
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

async function draftCharge(
	app: App,
	stripe: Stripe,
	serverId: string,
	kind: ChargeKind,
	scheduleTick?: number,
	collectionMethods?: CollectionMethods
): Promise<ChargeDraft> {
	const { store, config } = app;
	const server = await getServer(store, serverId);
	// bill exactly what the ledger has seen: sample this machine first, so its time up to now is stored
	const lastSeen =
		server.id === LOCAL_SERVER_ID ? (await app.meter.sample()).last_seen_at : (await latestRun(store, server.id))?.last_seen_at;
	if (lastSeen === undefined) throw nothingToBill(server.name);
	// a scheduled run bills up to its tick, not up to whenever it got round to this server
	let windowEnd = scheduleTick === undefined ? lastSeen : Math.min(lastSeen, scheduleTick);
	let statement = await openStatement(store, config, server, windowEnd);
	for (let last = MAX_ITEMS_PER_CHARGE - 1; statement.lines.length > MAX_ITEMS_PER_CHARGE && last > 0; last--) {
		windowEnd = statement.lines[last].periodEnd;
		statement = await openStatement(store, config, server, windowEnd);
	}
	if (statement.periodStart === null || statement.billableSeconds === 0) throw nothingToBill(server.name);
	const cur = config.currency;
	if (statement.amountMinor < cur.minimumMinor) throw belowMinimum(statement.amountMinor, cur);
	const customer = kind === 'invoice' ? await atStripe(() => ensureCustomer(app, stripe, server)) : undefined;
	const collectionMethod = customer
		? await atStripe(() => (collectionMethods ? collectionMethods.for(customer) : collectionMethodFor(stripe, customer)))
		: null;
	const periodStart = Math.min(statement.periodStart, windowEnd);
	return {
		serverId: server.id,
		kind,
		periodStart,
		periodEnd: Math.max(windowEnd, periodStart + 1000),
		amountMinor: statement.amountMinor,
		currency: cur.code,
		description: periodDescription(server.name, periodStart, windowEnd, config.timeZone),
		collectionMethod,
		scheduleTick,
		state: statement.state,
		basedOn: statement.basedOn,
		items: statement.lines.map((line) => ({
			...line,
			description: lineDescription(server.name, line, statement.rules.rateMicros, cur, config.timeZone)
		}))
	};
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

function chargeForTick(app: App, serverId: string, tick: number): Promise<Charge | undefined> {
	return app.store.db
		.selectFrom('charges')
		.selectAll()
		.where('server_id', '=', serverId)
		.where('schedule_tick', '=', tick)
		.executeTakeFirst();
}

const nothingToBill = (name: string) => new Failure('NOTHING_TO_BILL', `${name} has no unbilled usage yet`);
