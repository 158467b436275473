import Stripe from 'stripe';
import type { StripeConfig } from '../config';
import { Failure, stripeNotConfigured } from '../errors';
import { pacedHttpClient, StripePacer } from './pacer';

/** The Stripe API version this code is written against (stripe-node 23's pin). */
export const STRIPE_API_VERSION = '2026-10-28.endive' as const;

/**
 * One Stripe client per process. STRIPE_API_BASE points it at another Stripe-compatible
 * API (stripe-mock, the test double); the SDK's retries reuse each request's idempotency key.
 * Every request, retries included, goes through `pacer` (STRIPE_MAX_RPS): Stripe answers
 * more than 25 requests/s in test mode (100 live) with 429s.
 */
export function createStripe(config: StripeConfig, pacer = new StripePacer(config.maxRps)): Stripe | undefined {
	if (!config.secretKey) return undefined;
	const base = config.apiBase;
	return new Stripe(config.secretKey, {
		apiVersion: STRIPE_API_VERSION,
		httpClient: pacedHttpClient(pacer),
		maxNetworkRetries: 2,
		timeout: 20_000,
		appInfo: { name: 'server-billing', version: '0.1.0' },
		...(base && {
			host: base.hostname,
			port: base.port ? Number(base.port) : base.protocol === 'https:' ? 443 : 80,
			protocol: base.protocol.replace(':', '') as 'http' | 'https'
		})
	});
}

export function requireStripe(stripe: Stripe | undefined): Stripe {
	if (!stripe) throw stripeNotConfigured();
	return stripe;
}

/** Errors that may have left no trace at Stripe, or a trace we did not hear about: try again later. */
export function isTransient(error: unknown): boolean {
	return (
		error instanceof Stripe.errors.StripeConnectionError ||
		error instanceof Stripe.errors.StripeAPIError ||
		error instanceof Stripe.errors.StripeRateLimitError ||
		(error instanceof Stripe.errors.StripeError && (error.statusCode ?? 0) >= 500)
	);
}

/**
 * Stripe's failures as the product's: what the user can act on, never a key, a raw
 * stack or an internal URL. Card messages are Stripe's own, written for customers.
 */
export function stripeFailure(error: unknown): Failure {
	if (error instanceof Failure) return error;
	const E = Stripe.errors;
	if (error instanceof E.StripeCardError) {
		return new Failure('CARD_DECLINED', error.message, { declineCode: error.decline_code ?? error.code });
	}
	if (error instanceof E.StripeRateLimitError) {
		return new Failure('STRIPE_RATE_LIMITED', 'Stripe is rate limiting requests; try again in a moment');
	}
	if (isTransient(error)) {
		return new Failure('STRIPE_UNAVAILABLE', 'Stripe could not be reached; nothing was charged, try again in a moment');
	}
	if (error instanceof E.StripeAuthenticationError || error instanceof E.StripePermissionError) {
		return new Failure('STRIPE_ERROR', 'Stripe rejected the configured API key; check STRIPE_SECRET_KEY');
	}
	if (error instanceof E.StripeIdempotencyError) {
		return new Failure('STRIPE_IDEMPOTENCY_CONFLICT', 'Stripe saw a conflicting retry of this charge; cancel it and try again');
	}
	if (error instanceof E.StripeError) {
		return new Failure('STRIPE_ERROR', `Stripe refused the request: ${redact(error.message)}`, { stripeCode: error.code });
	}
	throw error;
}

/** Belt and braces: Stripe messages never name full keys, but make sure. */
function redact(message: string): string {
	return message.replace(/\b(sk|rk|pk|whsec)_[A-Za-z0-9_]+/g, '$1_…');
}
