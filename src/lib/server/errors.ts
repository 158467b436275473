/**
 * The expected failures of the domain. Each has a stable machine code (what clients
 * switch on) and a kind that decides the tRPC code and HTTP status in one place
 * (trpc/errors.ts). Messages are for people and never hold secrets.
 */
export type FailureKind =
	| 'BAD_REQUEST'
	| 'UNAUTHORIZED'
	| 'FORBIDDEN'
	| 'NOT_FOUND'
	| 'CONFLICT'
	| 'PRECONDITION_FAILED'
	| 'PAYMENT_REQUIRED'
	| 'TOO_MANY_REQUESTS'
	| 'SERVICE_UNAVAILABLE'
	| 'BAD_GATEWAY';

export type FailureCode =
	| 'BELOW_MINIMUM'
	| 'NOTHING_TO_BILL'
	| 'STRIPE_NOT_CONFIGURED'
	| 'STRIPE_UNAVAILABLE'
	| 'STRIPE_RATE_LIMITED'
	| 'STRIPE_ERROR'
	| 'CARD_DECLINED'
	| 'CUSTOMER_REQUIRED'
	| 'CHARGE_NOT_FOUND'
	| 'CHARGE_NOT_CANCELABLE'
	| 'CHARGE_PENDING'
	| 'SERVER_NOT_FOUND'
	| 'SERVER_EXISTS'
	| 'SIGN_IN_REQUIRED'
	| 'FORBIDDEN'
	| 'RATE_LIMITED'
	| 'DATABASE_UNAVAILABLE'
	| 'INVALID_INPUT'
	| 'CLOCK_SKEW';

export class Failure extends Error {
	constructor(
		readonly code: FailureCode,
		readonly kind: FailureKind,
		message: string,
		readonly details: Record<string, unknown> = {}
	) {
		super(message);
		this.name = 'Failure';
	}
}

export const notFound = (code: FailureCode, message: string) => new Failure(code, 'NOT_FOUND', message);

export const stripeNotConfigured = () =>
	new Failure(
		'STRIPE_NOT_CONFIGURED',
		'PRECONDITION_FAILED',
		'Stripe is not configured: set STRIPE_SECRET_KEY (and STRIPE_PUBLISHABLE_KEY for card payments) in .env'
	);
