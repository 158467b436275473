/**
 * A stateful Stripe API test double (node:http) that the real `stripe` SDK can talk to:
 *
 *   const double = await startStripeDouble({ secretKey: 'sk_test_x', webhook: { url, secret } });
 *   const stripe = new Stripe('sk_test_x', { host: '127.0.0.1', port: double.port, protocol: 'http' });
 *
 * Implementation lives in ./stripe-double/ (one module per concern, one handler per endpoint).
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
