import type Stripe from 'stripe';
import { formatMoney } from '../../format';
import type { App } from '../app';
import { noteAttemptFailure, reserveCharge, settleCharge, type ChargeDraft } from '../billing/charges';
import { lineDescription, periodDescription } from '../billing/describe';
import { openCharge } from '../billing/ledger';
import { minorToMajor } from '../billing/money';
import { openStatement } from '../billing/statement';
import type { Charge, ChargeKind } from '../db/schema';
import { Failure } from '../errors';
import { latestRun } from '../metering/runs';
import { getServer, LOCAL_SERVER_ID } from '../metering/servers';
import { collectionMethodFor, ensureCustomer } from './customer';
import { isTransient, requireStripe, stripeFailure } from './stripe';
import { createInvoiceAt, createPaymentIntentAt } from './stripe-objects';

const KIND_NAME: Record<ChargeKind, string> = { payment_intent: 'payment', invoice: 'invoice' };

/**
 * Bills a server's unbilled usage as a Payment Intent or an Invoice — or returns the
 * charge already open for it. The amount comes from the ledger only; the charge row is
 * written before Stripe is called, so a crash or retry resumes the same charge.
 */
export async function openChargeFor(app: App, serverId: string, kind: ChargeKind, scheduleTick?: number): Promise<Charge> {
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
			const draft = await draftCharge(app, stripe, serverId, kind, scheduleTick);
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
		const failure = stripeFailure(error);
		// Stripe refused this charge for good: release its window so the usage can be billed again
		await settleCharge(app.store, charge.id, 'failed', app.clock(), { code: failure.code, message: failure.message });
		throw failure;
	}
}

async function draftCharge(app: App, stripe: Stripe, serverId: string, kind: ChargeKind, scheduleTick?: number): Promise<ChargeDraft> {
	const { store, config } = app;
	const server = await getServer(store, serverId);
	// bill exactly what the ledger has seen: sample this machine first, so its time up to now is stored
	const lastSeen =
		server.id === LOCAL_SERVER_ID ? (await app.meter.sample()).last_seen_at : (await latestRun(store, server.id))?.last_seen_at;
	if (lastSeen === undefined) throw nothingToBill(server.name);
	// a scheduled run bills up to its tick, not up to whenever it got round to this server
	const windowEnd = scheduleTick === undefined ? lastSeen : Math.min(lastSeen, scheduleTick);
	const statement = await openStatement(store, config, server, windowEnd);
	if (statement.periodStart === null || statement.billableSeconds === 0 || windowEnd <= statement.periodStart)
		throw nothingToBill(server.name);
	const cur = config.currency;
	if (statement.amountMinor < cur.minimumMinor) {
		const amountFormatted = formatMoney(minorToMajor(statement.amountMinor, cur), cur.code, 'en');
		const minimumFormatted = formatMoney(minorToMajor(cur.minimumMinor, cur), cur.code, 'en');
		throw new Failure(
			'BELOW_MINIMUM',
			`The unbilled amount ${amountFormatted} is below Stripe's minimum charge of ${minimumFormatted}; the usage carries over to the next charge`,
			{
				amountMinor: Number(statement.amountMinor),
				minimumMinor: Number(cur.minimumMinor),
				amountFormatted,
				minimumFormatted,
				currency: cur.code
			}
		);
	}
	const collectionMethod = kind === 'invoice' ? await collectionMethodFor(stripe, await ensureCustomer(app, stripe, server)) : null;
	return {
		serverId: server.id,
		kind,
		periodStart: statement.periodStart,
		periodEnd: windowEnd,
		amountMinor: statement.amountMinor,
		currency: cur.code,
		description: periodDescription(server.name, statement.periodStart, windowEnd, config.timeZone),
		collectionMethod,
		scheduleTick,
		lines: statement.lines.map((line) => ({
			...line,
			description: lineDescription(server.name, line, statement.rules.rateMicros, cur, config.timeZone)
		}))
	};
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
