import Stripe from 'stripe';
import type { App } from '../app';
import type { Charge } from '../db/schema';

/**
 * Stripe saves the outcome of the first request for an idempotency key — a 500 included —
 * and replays it for 24 h (marked `Idempotent-Replayed: true`, usually `Stripe-Should-Retry:
 * false`). Retrying such a key can never succeed, and the object may exist all the same.
 */
export function isReplayedFailure(error: unknown): boolean {
	if (!(error instanceof Stripe.errors.StripeError) || (error.statusCode ?? 0) < 500) return false;
	const headers = (error.headers ?? {}) as Record<string, string | undefined>;
	return headers['idempotent-replayed'] === 'true' || headers['stripe-should-retry'] === 'false';
}

interface Searchable<T> {
	search(params: { query: string; limit?: number }): PromiseLike<{ data: T[] }>;
	list(params: { limit?: number; created?: { gte: number }; customer?: string }): PromiseLike<{ data: T[] }>;
}

/**
 * The object this app created for a charge, found by its metadata: search first, then the
 * strongly consistent list of recent objects (search can lag behind by a minute).
 */
export async function findByMetadata<T extends { metadata: Stripe.Metadata | null }>(
	resource: Searchable<T>,
	chargeKey: string,
	createdAfter: number,
	customer?: string
): Promise<T | undefined> {
	const matches = (object: T) => object.metadata?.charge_key === chargeKey;
	const searched = await resource.search({ query: `metadata['charge_key']:'${chargeKey}'`, limit: 10 }).then(
		(page) => page.data.find(matches),
		() => undefined
	);
	if (searched) return searched;
	const listed = await resource.list({
		limit: 100,
		created: { gte: Math.floor(createdAfter / 1000) - 300 },
		...(customer && { customer })
	});
	return listed.data.find(matches);
}

/**
 * Nothing was created under the charge's keys and Stripe will only replay its saved failure
 * for them: the next attempt uses fresh keys (recorded first, so a crash cannot lose track).
 */
export async function startOver(app: App, charge: Charge, error: unknown): Promise<unknown> {
	await app.store.db
		.updateTable('charges')
		.set({ stripe_attempt: charge.stripe_attempt + 1, updated_at: app.clock() })
		.where('id', '=', charge.id)
		.where('stripe_attempt', '=', charge.stripe_attempt)
		.execute();
	app.logger.warn(
		{ chargeId: charge.id, attempt: charge.stripe_attempt + 1 },
		'Stripe replays a saved failure for this charge; next attempt uses new keys'
	);
	return error;
}
