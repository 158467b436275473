/** In-memory Stripe account: every object by id, per collection, in creation order. */
import { noSuchObject } from './errors';

export type Collection = 'customers' | 'paymentIntents' | 'invoices' | 'invoiceItems' | 'charges' | 'paymentMethods';

const KIND_BY_COLLECTION: Record<Collection, { kind: string; param: string }> = {
	customers: { kind: 'customer', param: 'customer' },
	paymentIntents: { kind: 'payment_intent', param: 'intent' },
	invoices: { kind: 'invoice', param: 'invoice' },
	invoiceItems: { kind: 'invoiceitem', param: 'invoiceitem' },
	charges: { kind: 'charge', param: 'charge' },
	paymentMethods: { kind: 'PaymentMethod', param: 'payment_method' }
};

export class State {
	readonly customers = new Map<string, any>();
	readonly paymentIntents = new Map<string, any>();
	readonly invoices = new Map<string, any>();
	readonly invoiceItems = new Map<string, any>();
	readonly charges = new Map<string, any>();
	readonly paymentMethods = new Map<string, any>();
	/** card number behind each stored PaymentMethod (never part of the API object) */
	readonly cardNumbers = new Map<string, string>();

	private collections(): Map<string, any>[] {
		return [this.customers, this.paymentIntents, this.invoices, this.invoiceItems, this.charges, this.paymentMethods];
	}

	reset(): void {
		for (const c of this.collections()) c.clear();
		this.cardNumbers.clear();
	}

	find(id: string): any | undefined {
		for (const c of this.collections()) {
			const hit = c.get(id);
			if (hit) return hit;
		}
		return undefined;
	}

	/** Loads an object or throws Stripe's `resource_missing` (404 when the id came from the URL). */
	load(collection: Collection, id: string, opts: { param?: string; inUrl?: boolean } = {}): any {
		const hit = this[collection].get(id);
		if (hit) return hit;
		const { kind, param } = KIND_BY_COLLECTION[collection];
		throw noSuchObject(kind, id, opts.param ?? param, opts.inUrl ?? true);
	}

	add<T extends { id: string }>(collection: Collection, object: T): T {
		this[collection].set(object.id, object);
		return object;
	}
}
