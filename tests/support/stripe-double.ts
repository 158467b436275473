/**
 * A stateful Stripe API test double (node:http) that the real `stripe` SDK can talk to:
 *
 *   const double = await startStripeDouble({ secretKey: 'sk_test_x', webhook: { url, secret } });
 *   const stripe = new Stripe('sk_test_x', { host: '127.0.0.1', port: double.port, protocol: 'http' });
 *
 * Implementation lives in ./stripe-double/ (one module per concern, one handler per endpoint).
 *
 * Strict where Stripe is: `amount_too_small` per currency (the app's own minimum table), three-decimal
 * amounts ending in 0, an invoice below the minimum finalized as paid-without-payment onto the customer's
 * balance, 250 lines per invoice (10 embedded in responses), idempotency results saved for 24 h including
 * 500s (replayed with `Stripe-Should-Retry: false`; fault kind 'saved-500'), keys shared by every client of
 * the account, every webhook endpoint receiving every event (`addWebhook`), search index lag (`setSearchLag`).
 * Knows: customers (email, name, preferred_locales, invoice_settings.default_payment_method), PaymentIntents
 * (customer, receipt_email, setup_future_usage attaching the card), search and lists by metadata / customer,
 * tax rates with per-line tax, billing portal sessions and hosted invoice pages served by the double.
 */
export { startStripeDouble } from './stripe-double/double';
export { StripeDoubleCardError, StripeDoubleError } from './stripe-double/errors';
export { API_VERSION } from './stripe-double/webhooks';
export type {
	DeliveryInfo,
	FaultHandle,
	FaultKind,
	FaultSpec,
	RequestLogEntry,
	SendEventOptions,
	SendEventResult,
	StripeDouble,
	StripeDoubleOptions,
	WebhookEndpointHandle,
	WebhookTarget
} from './stripe-double/types';
