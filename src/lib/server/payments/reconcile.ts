import type { App } from '../app';
import { chargesInStatus } from '../billing/charges';
import { chargeLock, completeAtStripe } from './open-charge';
import { syncCharge } from './sync';

/**
 * Finishes what a crash or an outage left open: charges written but not yet at Stripe are
 * completed with their original idempotency keys; pending ones are checked against Stripe
 * in case a webhook was missed. Safe to run any time, from any instance.
 */
export async function reconcileCharges(
	app: App,
	{ includePending }: { includePending: boolean }
): Promise<{ completed: number; synced: number; failed: number }> {
	const stripe = app.stripe;
	const result = { completed: 0, synced: 0, failed: 0 };
	if (!stripe) return result;
	const charges = await chargesInStatus(app.store, includePending ? ['creating', 'pending'] : ['creating']);
	for (const charge of charges) {
		try {
			if (charge.status === 'creating') {
				await app.locks.run(chargeLock(charge.customer_id), () => completeAtStripe(app, stripe, charge));
				result.completed++;
			} else if (await syncCharge(app, stripe, charge)) {
				result.synced++;
			}
		} catch (error) {
			result.failed++;
			app.logger.warn(
				{ chargeId: charge.id, err: error instanceof Error ? error.message : String(error) },
				'reconciliation of a charge failed; will retry'
			);
		}
	}
	if (result.completed || result.synced || result.failed) app.logger.info(result, 'charges reconciled');
	return result;
}
