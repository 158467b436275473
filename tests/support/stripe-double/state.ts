/** In-memory Stripe account: every object by id, per collection, in creation order. */
import { noSuchObject } from './errors';

export type Collection =
	'customers' | 'paymentIntents' | 'invoices' | 'invoiceItems' | 'charges' | 'paymentMethods' | 'taxRates' | 'portalSessions';

const KIND_BY_COLLECTION: Record<Collection, { kind: string; param: string }> = {
	customers: { kind: 'customer', param: 'customer' },
	paymentIntents: { kind: 'payment_intent', param: 'intent' },
	invoices: { kind: 'invoice', param: 'invoice' },
	invoiceItems: { kind: 'invoiceitem', param: 'invoiceitem' },
	charges: { kind: 'charge', param: 'charge' },
	paymentMethods: { kind: 'PaymentMethod', param: 'payment_method' },
	taxRates: { kind: 'tax_rate', param: 'tax_rate' },
	portalSessions: { kind: 'billing_portal.session', param: 'session' }
};

export class State {
	readonly customers = new Map<string, any>();
	readonly paymentIntents = new Map<string, any>();
	readonly invoices = new Map<string, any>();
	readonly invoiceItems = new Map<string, any>();
	readonly charges = new Map<string, any>();
	readonly paymentMethods = new Map<string, any>();
	readonly taxRates = new Map<string, any>();
	readonly portalSessions = new Map<string, any>();
	/** card number behind each stored PaymentMethod (never part of the API object) */
	readonly cardNumbers = new Map<string, string>();
	/** when each object was stored, in ms (`created` is whole seconds): search indexing lag is measured from it */
	readonly createdMs = new Map<string, number>();

	private collections(): Map<string, any>[] {
		return [
			this.customers,
			this.paymentIntents,
			this.invoices,
			this.invoiceItems,
			this.charges,
			this.paymentMethods,
			this.taxRates,
			this.portalSessions
		];
	}

	reset(): void {
		for (const c of this.collections()) c.clear();
		this.cardNumbers.clear();
		this.createdMs.clear();
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
		if (!this.createdMs.has(object.id)) this.createdMs.set(object.id, Date.now());
		return object;
	}
}
