/** The route table: one handler per Stripe endpoint. */
import * as portal from './resources/billing-portal';
import * as customers from './resources/customers';
import * as invoiceItems from './resources/invoice-items';
import * as invoices from './resources/invoices';
import * as paymentIntents from './resources/payment-intents';
import * as taxRates from './resources/tax-rates';
import type { Handler } from './types';

export interface Route {
	method: 'GET' | 'POST' | 'DELETE';
	pattern: string;
	handler: Handler;
	/** callable with a publishable key plus the object's client_secret (Stripe.js endpoints) */
	clientSide?: boolean;
}

export const ROUTES: Route[] = [
	{ method: 'POST', pattern: '/v1/customers', handler: customers.createCustomer },
	{ method: 'GET', pattern: '/v1/customers', handler: customers.listCustomers },
	{ method: 'GET', pattern: '/v1/customers/:id', handler: customers.retrieveCustomer },
	{ method: 'POST', pattern: '/v1/customers/:id', handler: customers.updateCustomer },
	{ method: 'GET', pattern: '/v1/customers/:id/payment_methods', handler: customers.listCustomerPaymentMethods },
	{ method: 'GET', pattern: '/v1/payment_methods/:id', handler: customers.retrievePaymentMethod },

	{ method: 'POST', pattern: '/v1/payment_intents', handler: paymentIntents.createPaymentIntent },
	{ method: 'GET', pattern: '/v1/payment_intents', handler: paymentIntents.listPaymentIntents },
	// before /:id, which would take 'search' for an id
	{ method: 'GET', pattern: '/v1/payment_intents/search', handler: paymentIntents.searchPaymentIntents },
	{ method: 'GET', pattern: '/v1/payment_intents/:id', handler: paymentIntents.retrievePaymentIntent, clientSide: true },
	{ method: 'POST', pattern: '/v1/payment_intents/:id', handler: paymentIntents.updatePaymentIntent },
	{ method: 'POST', pattern: '/v1/payment_intents/:id/confirm', handler: paymentIntents.confirmPaymentIntentHandler, clientSide: true },
	{ method: 'POST', pattern: '/v1/payment_intents/:id/cancel', handler: paymentIntents.cancelPaymentIntent },

	{ method: 'POST', pattern: '/v1/invoices', handler: invoices.createInvoice },
	{ method: 'GET', pattern: '/v1/invoices', handler: invoices.listInvoices },
	{ method: 'GET', pattern: '/v1/invoices/search', handler: invoices.searchInvoices },
	{ method: 'GET', pattern: '/v1/invoices/:id', handler: invoices.retrieveInvoice },
	{ method: 'POST', pattern: '/v1/invoices/:id', handler: invoices.updateInvoice },
	{ method: 'DELETE', pattern: '/v1/invoices/:id', handler: invoices.deleteInvoice },
	{ method: 'GET', pattern: '/v1/invoices/:id/lines', handler: invoices.listInvoiceLines },
	{ method: 'POST', pattern: '/v1/invoices/:id/finalize', handler: invoices.finalizeInvoice },
	{ method: 'POST', pattern: '/v1/invoices/:id/add_lines', handler: invoiceItems.addInvoiceLines },
	{ method: 'POST', pattern: '/v1/invoices/:id/pay', handler: invoices.payInvoiceHandler },
	{ method: 'POST', pattern: '/v1/invoices/:id/void', handler: invoices.voidInvoiceHandler },
	{ method: 'POST', pattern: '/v1/invoices/:id/mark_uncollectible', handler: invoices.markUncollectibleHandler },

	{ method: 'POST', pattern: '/v1/invoiceitems', handler: invoiceItems.createInvoiceItem },
	{ method: 'GET', pattern: '/v1/invoiceitems', handler: invoiceItems.listInvoiceItems },
	{ method: 'GET', pattern: '/v1/invoiceitems/:id', handler: invoiceItems.retrieveInvoiceItem },
	{ method: 'POST', pattern: '/v1/invoiceitems/:id', handler: invoiceItems.updateInvoiceItem },
	{ method: 'DELETE', pattern: '/v1/invoiceitems/:id', handler: invoiceItems.deleteInvoiceItem },

	{ method: 'POST', pattern: '/v1/tax_rates', handler: taxRates.createTaxRate },
	{ method: 'GET', pattern: '/v1/tax_rates', handler: taxRates.listTaxRates },
	{ method: 'GET', pattern: '/v1/tax_rates/:id', handler: taxRates.retrieveTaxRate },
	{ method: 'POST', pattern: '/v1/tax_rates/:id', handler: taxRates.updateTaxRate },

	{ method: 'POST', pattern: '/v1/billing_portal/sessions', handler: portal.createPortalSession }
];

const COMPILED = ROUTES.map((route) => ({
	route,
	regex: new RegExp(`^${route.pattern.replace(':id', '([^/]+)')}/?$`)
}));

function safeDecode(s: string): string {
	try {
		return decodeURIComponent(s);
	} catch {
		return s;
	}
}

export function matchRoute(method: string, path: string): { route: Route; id: string } | null {
	for (const { route, regex } of COMPILED) {
		if (route.method !== method) continue;
		const m = regex.exec(path);
		if (m) return { route, id: m[1] ? safeDecode(m[1]) : '' };
	}
	return null;
}
