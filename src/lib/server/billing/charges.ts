import type { Store } from '../db';
import { isUniqueViolation, transaction } from '../db';
import type { Charge, ChargeKind, ChargeStatus } from '../db/schema';
import { Failure } from '../errors';
import { LIVE_STATUSES, OPEN_STATUSES } from './ledger';
import type { ChainState } from './chain';
import type { MonthLine } from './pricing';

export interface ChargeDraft {
	serverId: string;
	kind: ChargeKind;
	periodStart: number;
	periodEnd: number;
	amountMinor: bigint;
	currency: string;
	description: string;
	collectionMethod?: Charge['collection_method'];
	scheduleTick?: number;
	/** where billing stops once this charge is live */
	state: ChainState;
	/** the live charge the draft was priced after (null: never billed) */
	basedOn: number | null;
	items: (MonthLine & { description: string })[];
}

/** Rows per INSERT: far below SQLite's bound on variables per statement (32,766; 999 in old builds). */
const ITEMS_PER_INSERT = 50;

/**
 * Writes a charge (status `creating`) and its lines in one transaction, before anything
 * is sent to Stripe. The schema allows one open charge per server: if another request
 * got there first (or billed the server since the draft was priced), nothing is written and undefined comes back.
 */
export async function reserveCharge(store: Store, draft: ChargeDraft, now: number): Promise<Charge | undefined> {
	try {
		return await transaction(store, async (tx) => {
			// another instance may have billed this server (and been paid) since the draft was priced:
			// then the draft would bill those seconds again — write nothing, the caller prices afresh
			const newest = await tx
				.selectFrom('charges')
				.select('id')
				.where('server_id', '=', draft.serverId)
				.where('status', 'in', LIVE_STATUSES)
				.orderBy('id', 'desc')
				.limit(1)
				.executeTakeFirst();
			if ((newest?.id ?? null) !== draft.basedOn) return undefined;
			const charge = await tx
				.insertInto('charges')
				.values({
					server_id: draft.serverId,
					kind: draft.kind,
					status: 'creating',
					period_start: draft.periodStart,
					period_end: draft.periodEnd,
					amount_minor: Number(draft.amountMinor),
					currency: draft.currency,
					description: draft.description,
					stripe_id: null,
					client_secret: null,
					hosted_invoice_url: null,
					invoice_pdf_url: null,
					failure_code: null,
					failure_message: null,
					collection_method: draft.collectionMethod ?? null,
					schedule_tick: draft.scheduleTick ?? null,
					created_at: now,
					updated_at: now,
					frontier: draft.state.frontier,
					anchor_run_id: draft.state.runId,
					anchor_start: Number.isFinite(draft.state.runStart) ? draft.state.runStart : null,
					review_reason: null,
					stripe_attempt: 0
				})
				.returningAll()
				.executeTakeFirstOrThrow();
			for (let i = 0; i < draft.items.length; i += ITEMS_PER_INSERT) {
				await tx
					.insertInto('charge_items')
					.values(
						draft.items.slice(i, i + ITEMS_PER_INSERT).map((item) => ({
							charge_id: charge.id,
							server_id: draft.serverId,
							month: item.month,
							rate: item.rate,
							period_start: item.periodStart,
							period_end: item.periodEnd,
							run_count: item.runCount,
							billable_seconds: item.billableSeconds,
							amount_minor: Number(item.amountMinor),
							description: item.description
						}))
					)
					.execute();
			}
			return charge;
		});
	} catch (error) {
		if (isUniqueViolation(error)) return undefined;
		throw error;
	}
}

export async function getCharge(store: Store, id: number): Promise<Charge> {
	const charge = await store.db.selectFrom('charges').selectAll().where('id', '=', id).executeTakeFirst();
	if (!charge) throw new Failure('CHARGE_NOT_FOUND', `No charge with id ${id}`);
	return charge;
}

export function chargeItems(store: Store, chargeId: number) {
	return store.db.selectFrom('charge_items').selectAll().where('charge_id', '=', chargeId).orderBy('id').execute();
}

/** Stripe reported an amount or currency the ledger did not bill: the charge waits for the operator, never settles by itself. */
export async function flagForReview(store: Store, chargeId: number, reason: string, now: number): Promise<void> {
	await store.db
		.updateTable('charges')
		.set({ review_reason: reason, updated_at: now })
		.where('id', '=', chargeId)
		.where('review_reason', 'is', null)
		.execute();
}

export function findChargeByStripeId(store: Store, stripeId: string): Promise<Charge | undefined> {
	return store.db.selectFrom('charges').selectAll().where('stripe_id', '=', stripeId).executeTakeFirst();
}

/** Records the Stripe object; a `creating` charge becomes `pending` (or a later status it already has stays). */
export async function recordStripeObject(
	store: Store,
	chargeId: number,
	patch: { stripeId: string; clientSecret?: string | null; hostedInvoiceUrl?: string | null; invoicePdfUrl?: string | null },
	now: number
): Promise<Charge> {
	await store.db
		.updateTable('charges')
		.set((eb) => ({
			stripe_id: patch.stripeId,
			client_secret: patch.clientSecret ?? null,
			hosted_invoice_url: patch.hostedInvoiceUrl ?? null,
			invoice_pdf_url: patch.invoicePdfUrl ?? null,
			status: eb
				.case()
				.when('status', '=', 'creating')
				.then('pending' as ChargeStatus)
				.else(eb.ref('status'))
				.end(),
			updated_at: now
		}))
		.where('id', '=', chargeId)
		.execute();
	return getCharge(store, chargeId);
}

/** Saves the Stripe id early (invoices: before their items), without changing the status. */
export async function attachStripeId(store: Store, chargeId: number, stripeId: string, now: number): Promise<void> {
	await store.db
		.updateTable('charges')
		.set({ stripe_id: stripeId, updated_at: now })
		.where('id', '=', chargeId)
		.where('stripe_id', 'is', null)
		.execute();
}

/**
 * Moves an open charge to a final status. Final statuses never change again, which is
 * what keeps a late or replayed event from undoing a payment. Returns whether it moved.
 */
export async function settleCharge(
	store: Store,
	chargeId: number,
	to: 'succeeded' | 'failed' | 'canceled',
	now: number,
	failure?: { code: string; message: string }
): Promise<boolean> {
	const result = await store.db
		.updateTable('charges')
		.set({ status: to, failure_code: failure?.code ?? null, failure_message: failure?.message ?? null, updated_at: now })
		.where('id', '=', chargeId)
		.where('status', 'in', OPEN_STATUSES)
		.executeTakeFirst();
	return Number(result.numUpdatedRows) > 0;
}

/** A failed attempt that leaves the charge open (a declined card can be retried on the same Payment Intent). */
export async function noteAttemptFailure(store: Store, chargeId: number, code: string, message: string, now: number): Promise<void> {
	await store.db
		.updateTable('charges')
		.set({ failure_code: code, failure_message: message, updated_at: now })
		.where('id', '=', chargeId)
		.where('status', 'in', OPEN_STATUSES)
		.execute();
}

/** Charge history, newest first, paged by id. */
export async function listCharges(
	store: Store,
	serverId: string,
	limit: number,
	before?: number
): Promise<{ charges: Charge[]; nextCursor: number | null }> {
	let query = store.db.selectFrom('charges').selectAll().where('server_id', '=', serverId);
	if (before !== undefined) query = query.where('id', '<', before);
	const rows = await query
		.orderBy('id', 'desc')
		.limit(limit + 1)
		.execute();
	const charges = rows.slice(0, limit);
	return { charges, nextCursor: rows.length > limit ? charges[charges.length - 1].id : null };
}

export function chargesInStatus(store: Store, statuses: ChargeStatus[]): Promise<Charge[]> {
	return store.db.selectFrom('charges').selectAll().where('status', 'in', statuses).orderBy('id').execute();
}
