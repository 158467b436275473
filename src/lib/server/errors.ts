/**
 * The expected failures of the domain. Each has a stable machine code (what clients switch
 * on); the table below gives each code its tRPC code, which decides the HTTP status
 * (tRPC's own code → status table). Messages are for people and never hold secrets.
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

/** Code → tRPC code (HTTP status in the comment), in one place: throw sites name the code only. */
const KIND = {
	INVALID_INPUT: 'BAD_REQUEST', // 400
	CLOCK_SKEW: 'BAD_REQUEST', // 400
	SIGN_IN_REQUIRED: 'UNAUTHORIZED', // 401
	CARD_DECLINED: 'PAYMENT_REQUIRED', // 402
	FORBIDDEN: 'FORBIDDEN', // 403
	CHARGE_NOT_FOUND: 'NOT_FOUND', // 404
	SERVER_NOT_FOUND: 'NOT_FOUND', // 404
	CUSTOMER_NOT_FOUND: 'NOT_FOUND', // 404
	INVITATION_INVALID: 'NOT_FOUND', // 404 (used, expired or unknown: the message says which)
	CHARGE_PENDING: 'CONFLICT', // 409
	CHARGE_NOT_CANCELABLE: 'CONFLICT', // 409
	SERVER_EXISTS: 'CONFLICT', // 409
	CUSTOMER_EXISTS: 'CONFLICT', // 409
	SERVER_RETIRED: 'CONFLICT', // 409
	STRIPE_IDEMPOTENCY_CONFLICT: 'CONFLICT', // 409
	BELOW_MINIMUM: 'PRECONDITION_FAILED', // 412
	NOTHING_TO_BILL: 'PRECONDITION_FAILED', // 412
	STRIPE_NOT_CONFIGURED: 'PRECONDITION_FAILED', // 412
	CUSTOMER_REQUIRED: 'PRECONDITION_FAILED', // 412
	RATE_LIMITED: 'TOO_MANY_REQUESTS', // 429
	STRIPE_RATE_LIMITED: 'TOO_MANY_REQUESTS', // 429
	STRIPE_ERROR: 'BAD_GATEWAY', // 502
	STRIPE_UNAVAILABLE: 'SERVICE_UNAVAILABLE', // 503
	DATABASE_UNAVAILABLE: 'SERVICE_UNAVAILABLE' // 503
} as const satisfies Record<string, FailureKind>;

export type FailureCode = keyof typeof KIND;

export class Failure extends Error {
	readonly kind: FailureKind;

	constructor(
		readonly code: FailureCode,
		message: string,
		readonly details: Record<string, unknown> = {}
	) {
		super(message);
		this.name = 'Failure';
		this.kind = KIND[code];
	}
}

export const stripeNotConfigured = () =>
	new Failure(
		'STRIPE_NOT_CONFIGURED',
		'Stripe is not configured: set STRIPE_SECRET_KEY (and STRIPE_PUBLISHABLE_KEY for card payments) in .env'
	);
