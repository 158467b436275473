/** In-memory Stripe account: every object by id, per collection, in creation order, typed as the SDK types them. */
import type Stripe from 'stripe';
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

/** Any object the account holds. */
export type StripeObject =
	| Stripe.Customer
	| Stripe.PaymentIntent
	| Stripe.Invoice
	| Stripe.InvoiceItem
	| Stripe.Charge
	| Stripe.PaymentMethod
	| Stripe.TaxRate
	| Stripe.BillingPortal.Session;

/** The SDK type of a collection's objects. */
export type ObjectOf<C extends Collection> = State[C] extends Map<string, infer T> ? T : never;

export class State {
	readonly customers = new Map<string, Stripe.Customer>();
	readonly paymentIntents = new Map<string, Stripe.PaymentIntent>();
	readonly invoices = new Map<string, Stripe.Invoice>();
	readonly invoiceItems = new Map<string, Stripe.InvoiceItem>();
	readonly charges = new Map<string, Stripe.Charge>();
	readonly paymentMethods = new Map<string, Stripe.PaymentMethod>();
	readonly taxRates = new Map<string, Stripe.TaxRate>();
	readonly portalSessions = new Map<string, Stripe.BillingPortal.Session>();
	/** card number behind each stored PaymentMethod (never part of the API object) */
	readonly cardNumbers = new Map<string, string>();
	/** when each object was stored, in ms (`created` is whole seconds): search indexing lag is measured from it */
	readonly createdMs = new Map<string, number>();

	private collections(): Map<string, StripeObject>[] {
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

	find(id: string): StripeObject | undefined {
		for (const c of this.collections()) {
			const hit = c.get(id);
			if (hit) return hit;
		}
		return undefined;
	}

	/** Loads an object or throws Stripe's `resource_missing` (404 when the id came from the URL). */
	load<C extends Collection>(collection: C, id: string, opts: { param?: string; inUrl?: boolean } = {}): ObjectOf<C> {
		const hit = this[collection].get(id) as ObjectOf<C> | undefined;
		if (hit) return hit;
		const { kind, param } = KIND_BY_COLLECTION[collection];
		throw noSuchObject(kind, id, opts.param ?? param, opts.inUrl ?? true);
	}

	add<C extends Collection>(collection: C, object: ObjectOf<C>): ObjectOf<C> {
		const { id } = object as StripeObject;
		(this[collection] as Map<string, ObjectOf<C>>).set(id, object);
		if (!this.createdMs.has(id)) this.createdMs.set(id, Date.now());
		return object;
	}
}
