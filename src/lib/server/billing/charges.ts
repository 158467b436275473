import { sql, type Kysely } from 'kysely';
import type { Store } from '../db';
import { isUniqueViolation, transaction } from '../db';
import type { Charge, ChargeKind, ChargeStatus, DB } from '../db/schema';
import { Failure } from '../errors';
import { LIVE_STATUSES, OPEN_STATUSES } from './ledger';
import type { ChainState } from './chain';
import type { MonthLine } from './pricing';

/** One server in a charge: its window and where its billing stops once the charge is live. */
export interface DraftServer {
	serverId: string;
	periodStart: number;
	periodEnd: number;
	state: ChainState;
	/** the server's live charge the draft was priced after (null: never billed) */
	basedOn: number | null;
}

export interface ChargeDraft {
	customerId: string;
	/** a per-server charge's server; null: the charge bills the customer's servers (each in `servers`) */
	serverId: string | null;
	kind: ChargeKind;
	periodStart: number;
	periodEnd: number;
	netMinor: bigint;
	taxMinor: bigint;
	/** gross: what Stripe charges */
	amountMinor: bigint;
	/** percent, decimal string; null: no tax */
	taxRate: string | null;
	taxInclusive: boolean;
	currency: string;
	description: string;
	collectionMethod?: Charge['collection_method'];
	scheduleTick?: number;
	saveCard?: boolean;
	servers: DraftServer[];
	items: (MonthLine & { serverId: string; description: string })[];
}

/** Rows per INSERT: far below SQLite's bound on variables per statement (32,766; 999 in old builds). */
const ROWS_PER_INSERT = 50;

/**
 * Writes a charge (status `creating`), its servers' chain states and its lines in one
 * transaction, before anything is sent to Stripe. Nothing is written (undefined comes back)
 * when one of its servers is already in an open charge, the customer already has an open
 * charge for all its servers, or a server was billed since the draft was priced (another
 * instance, say: the draft would bill those seconds again; the caller prices afresh). On
 * PostgreSQL the servers' rows are locked first, in id order, so two instances drafting
 * for the same server take turns: the checks and the insert see each other.
 */
export async function reserveCharge(store: Store, draft: ChargeDraft, now: number): Promise<Charge | undefined> {
	const serverIds = draft.servers.map((s) => s.serverId);
	if (serverIds.length === 0) throw new Error('a charge bills at least one server');
	try {
		return await transaction(store, async (tx) => {
			if (store.dialect === 'postgres') {
				await tx
					.selectFrom('servers')
					.select('id')
					.where('id', 'in', [...serverIds].sort())
					.orderBy('id')
					.forUpdate()
					.execute();
			}
			const newest = await newestLiveCharges(tx, serverIds);
			if (draft.servers.some((s) => (newest.get(s.serverId) ?? null) !== s.basedOn)) return undefined;
			const busy = await tx
				.selectFrom('charges')
				.select('id')
				.where('status', 'in', OPEN_STATUSES)
				.where((eb) =>
					eb.or([
						// a customer charge covers (or will cover) every server of its customer
						eb.and([eb('customer_id', '=', draft.customerId), draft.serverId === null ? sql<boolean>`1 = 1` : eb('server_id', 'is', null)]),
						eb('id', 'in', eb.selectFrom('charge_servers').select('charge_id').where('server_id', 'in', serverIds))
					])
				)
				.limit(1)
				.executeTakeFirst();
			if (busy) return undefined;
			const charge = await tx
				.insertInto('charges')
				.values({
					server_id: draft.serverId,
					customer_id: draft.customerId,
					kind: draft.kind,
					status: 'creating',
					period_start: draft.periodStart,
					period_end: draft.periodEnd,
					amount_minor: Number(draft.amountMinor),
					net_minor: Number(draft.netMinor),
					tax_minor: Number(draft.taxMinor),
					tax_rate: draft.taxRate,
					tax_inclusive: draft.taxInclusive ? 1 : 0,
					save_card: draft.saveCard ? 1 : 0,
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
					frontier: null,
					anchor_run_id: null,
					anchor_start: null,
					review_reason: null,
					stripe_attempt: 0
				})
				.returningAll()
				.executeTakeFirstOrThrow();
			for (let i = 0; i < draft.servers.length; i += ROWS_PER_INSERT) {
				await tx
					.insertInto('charge_servers')
					.values(
						draft.servers.slice(i, i + ROWS_PER_INSERT).map((s) => ({
							charge_id: charge.id,
							server_id: s.serverId,
							period_start: s.periodStart,
							period_end: s.periodEnd,
							frontier: s.state.frontier,
							anchor_run_id: s.state.runId,
							anchor_start: Number.isFinite(s.state.runStart) ? s.state.runStart : null
						}))
					)
					.execute();
			}
			for (let i = 0; i < draft.items.length; i += ROWS_PER_INSERT) {
				await tx
					.insertInto('charge_items')
					.values(
						draft.items.slice(i, i + ROWS_PER_INSERT).map((item) => ({
							charge_id: charge.id,
							server_id: item.serverId,
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

/** Each server's newest live charge (the one its chain state comes from). */
async function newestLiveCharges(db: Kysely<DB>, serverIds: string[]): Promise<Map<string, number>> {
	const rows = await db
		.selectFrom('charge_servers')
		.innerJoin('charges', 'charges.id', 'charge_servers.charge_id')
		.select(['charge_servers.server_id', (eb) => eb.fn.max<number>('charge_servers.charge_id').as('charge_id')])
		.where('charge_servers.server_id', 'in', serverIds)
		.where('charges.status', 'in', LIVE_STATUSES)
		.groupBy('charge_servers.server_id')
		.execute();
	return new Map(rows.map((r) => [r.server_id, Number(r.charge_id)]));
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

/** Charge history, newest first, paged by id: a server's (its own charges and its customer's that billed it) or a customer's. */
export async function listCharges(
	store: Store,
	of: { serverId: string } | { customerId: string },
	limit: number,
	before?: number
): Promise<{ charges: Charge[]; nextCursor: number | null }> {
	let query = store.db.selectFrom('charges').selectAll();
	query =
		'serverId' in of
			? query.where('id', 'in', (eb) => eb.selectFrom('charge_servers').select('charge_id').where('server_id', '=', of.serverId))
			: query.where('customer_id', '=', of.customerId);
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
