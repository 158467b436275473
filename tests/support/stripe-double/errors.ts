/** Stripe error objects and the exception type handlers throw. */
import type Stripe from 'stripe';

export interface StripeErrorBody {
	type: string;
	message: string;
	code?: string;
	decline_code?: string;
	param?: string;
	doc_url?: string;
	charge?: string;
	payment_intent?: Stripe.PaymentIntent;
	payment_method?: Stripe.PaymentMethod;
	[key: string]: unknown;
}

/** What a card error carries besides its type. */
export interface CardErrorFields {
	message: string;
	code: string;
	decline_code?: string;
	doc_url?: string;
	charge?: string;
	payment_intent?: Stripe.PaymentIntent;
	payment_method?: Stripe.PaymentMethod;
}

/** Thrown by handlers and by the in-process test controls; carries the HTTP status and Stripe's error body. */
export class StripeDoubleError extends Error {
	readonly statusCode: number;
	readonly error: StripeErrorBody;
	readonly type: string;
	readonly code?: string;
	readonly decline_code?: string;
	readonly param?: string;
	readonly payment_intent?: Stripe.PaymentIntent;

	constructor(statusCode: number, error: StripeErrorBody) {
		super(error.message);
		this.name = 'StripeDoubleError';
		this.statusCode = statusCode;
		this.error = error;
		this.type = error.type;
		this.code = error.code;
		this.decline_code = error.decline_code;
		this.param = error.param;
		this.payment_intent = error.payment_intent;
	}
}

export class StripeDoubleCardError extends StripeDoubleError {
	constructor(error: CardErrorFields) {
		super(402, { ...error, type: 'card_error' });
		this.name = 'StripeDoubleCardError';
	}
}

const docUrl = (code: string) => `https://stripe.com/docs/error-codes/${code.replace(/_/g, '-')}`;

export function invalidRequest(message: string, extra: Partial<StripeErrorBody> = {}, status = 400): StripeDoubleError {
	const body: StripeErrorBody = { type: 'invalid_request_error', message, ...extra };
	if (body.code && !body.doc_url) body.doc_url = docUrl(body.code);
	return new StripeDoubleError(status, body);
}

export const missingParam = (param: string) => invalidRequest(`Missing required param: ${param}.`, { code: 'parameter_missing', param });

export const unknownParam = (param: string) => invalidRequest(`Received unknown parameter: ${param}`, { code: 'parameter_unknown', param });

/** A referenced object that does not exist: 404 for the URL's own object, 400 for a param. */
export function noSuchObject(kind: string, id: string, param: string, inUrl: boolean): StripeDoubleError {
	return invalidRequest(`No such ${kind}: '${id}'`, { code: 'resource_missing', param }, inUrl ? 404 : 400);
}

export function unrecognizedUrl(method: string, path: string): StripeDoubleError {
	return invalidRequest(
		`Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
		{},
		404
	);
}

export function maskKey(key: string): string {
	const prefix = /^[a-z]{2,4}_(test|live)_/.exec(key)?.[0] ?? '';
	const rest = key.slice(prefix.length);
	return rest.length > 8 ? `${prefix}****${rest.slice(-4)}` : `${prefix}****`;
}

export function invalidApiKey(key: string): StripeDoubleError {
	return invalidRequest(`Invalid API Key provided: ${maskKey(key)}`, {}, 401);
}

export const noApiKey = () =>
	invalidRequest(
		"You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
		{},
		401
	);

export const apiError = () =>
	new StripeDoubleError(500, { type: 'api_error', message: 'An unknown error occurred while processing your request.' });

export const rateLimited = () =>
	new StripeDoubleError(429, {
		type: 'invalid_request_error',
		code: 'rate_limit',
		doc_url: docUrl('rate_limit'),
		message: 'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.'
	});

export const idempotencyMismatch = (key: string) =>
	new StripeDoubleError(400, {
		type: 'idempotency_error',
		message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`
	});

export const idempotencyInUse = (key: string) =>
	new StripeDoubleError(409, {
		type: 'idempotency_error',
		code: 'idempotency_key_in_use',
		doc_url: docUrl('idempotency_key_in_use'),
		message: `There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): ${key}. Please try again later.`
	});

export function cardError(fields: CardErrorFields) {
	return new StripeDoubleCardError({ doc_url: docUrl(fields.code), ...fields });
}

/** The JSON body sent for an error, with a request log url like Stripe's. */
export function errorPayload(err: StripeDoubleError, requestId: string): { error: StripeErrorBody } {
	return {
		error: { ...err.error, request_log_url: `https://dashboard.stripe.com/test/logs/${requestId}?t=${Math.floor(Date.now() / 1000)}` }
	};
}
