import type Stripe from 'stripe';
import { collectionMethodFor } from './customer';

export type CollectionMethod = 'charge_automatically' | 'send_invoice';

/**
 * A billing run asks Stripe how each customer pays once, not once per server: a
 * run's calls are paced under Stripe's rate limit, so every call saved is time saved.
 * Lives for one run, so a card saved since the last run is seen by the next.
 */
export class CollectionMethods {
	readonly #byCustomer = new Map<string, Promise<CollectionMethod>>();

	constructor(private readonly stripe: Stripe) {}

	for(customerId: string): Promise<CollectionMethod> {
		let method = this.#byCustomer.get(customerId);
		if (!method) {
			method = collectionMethodFor(this.stripe, customerId);
			this.#byCustomer.set(customerId, method);
			// a failure is not remembered: the next server asks again
			method.catch(() => this.#byCustomer.delete(customerId));
		}
		return method;
	}
}
