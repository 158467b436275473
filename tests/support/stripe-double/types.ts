/** Shared types of the Stripe test double. */
import type Stripe from 'stripe';
import type { State } from './state';

/**
 * Decoded form input: strings, nested objects and arrays of them (form.ts). It stays loosely typed
 * on purpose — it is what a client sent, untrusted, and the param readers (params.ts) validate
 * and convert it field by field, answering Stripe's 400s.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Params = Record<string, any>;

/** Any Stripe object the double hands out (a JSON-able record with an id and an `object` kind). */
export type ApiObject = { id?: string; object: string };

/** An event as the double builds and delivers it. */
export interface DoubleEvent {
	id: string;
	object: 'event';
	api_version: string;
	created: number;
	data: { object: Record<string, unknown> };
	livemode: false;
	pending_webhooks: number;
	request: { id: string | null; idempotency_key: string | null };
	type: string;
}

/** A recorded delivery: the event plus where it went and what came back (`delivery` is non-enumerable). */
export type DeliveredEvent = DoubleEvent & { readonly delivery: DeliveryInfo };

export interface WebhookTarget {
	url: string;
	secret: string;
}

/** A webhook endpoint added with `addWebhook`. */
export interface WebhookEndpointHandle {
	readonly url: string;
	remove(): void;
}

export interface StripeDoubleOptions {
	port?: number;
	/** default 127.0.0.1 */
	host?: string;
	/** when set, every other secret key is rejected with 401 */
	secretKey?: string;
	/** when set, only this publishable key is accepted on client-side endpoints */
	publishableKey?: string;
	webhook?: WebhookTarget;
	/** default true when `webhook` is set */
	autoWebhooks?: boolean;
	/** more endpoints receiving every event of the account (like `addWebhook`) */
	webhooks?: WebhookTarget[];
	/** requests per second before 429 with Retry-After, as Stripe limits (25 test mode, 100 live); default unlimited */
	rateLimit?: number;
}

/**
 * 500 / 429: answered before executing (nothing saved; a retry executes).
 * 'amount-too-small': Stripe's 400 amount_too_small for the request's amount, before executing — as Stripe answers
 *   when the account's settlement currency needs more than the charge's currency's own minimum.
 * 'after': executed and its result saved, but the response is a 500 (lost); a retry replays the success.
 * 'saved-500': executed (the object exists), answered 500 and that 500 saved for the key, as Stripe does
 *   on an internal error mid-request: every retry with the key gets the 500 again (`Stripe-Should-Retry: false`)
 *   for 24 h, so the client must find the object some other way (search or list by metadata / customer).
 * 'timeout' / 'drop': never answered / connection reset, before executing.
 * 'stall': execute (the object exists, the idempotent result is saved) and then never answer — a crash window.
 */
export type FaultKind = 500 | 429 | 'amount-too-small' | 'after' | 'saved-500' | 'timeout' | 'drop' | 'stall';

export interface FaultSpec {
	method?: string;
	path?: string | RegExp;
	/** 1-based index among matching requests, counted from when the fault was added (default 1) */
	nth?: number;
	/** how many consecutive matching requests, starting at nth (default 1) */
	times?: number;
	kind: FaultKind;
}

export interface FaultHandle {
	readonly hits: number;
}

export interface RequestLogEntry {
	requestId: string;
	method: string;
	/** path without query string */
	path: string;
	query: Params;
	idempotencyKey: string | null;
	stripeVersion: string | null;
	/** decoded form body (POST) */
	body: Params;
	/** null while pending, and for 'timeout' / 'drop' faults */
	status: number | null;
	replayed: boolean;
	fault: FaultKind | null;
	time: number;
}

export interface SendEventOptions {
	/** resend this exact event (same id) */
	event?: DoubleEvent;
	/** sign with this unix timestamp (seconds) */
	timestamp?: number;
	/** sign with this secret instead of the configured one */
	secret?: string;
	/** deliver to this url instead of the configured one */
	url?: string;
}

export interface SendEventResult {
	/** HTTP status from the receiver; 0 when the request failed (connection refused, timeout) */
	status: number;
	body: string;
	event: DeliveredEvent;
	payload: string;
	header: string;
	error?: string;
}

/** Delivery outcome, attached to emitted events as a non-enumerable `delivery` property. */
export interface DeliveryInfo {
	url: string;
	status: number | null;
	error?: string;
}

export interface AuthInfo {
	mode: 'secret' | 'publishable';
	clientSecret?: string;
}

export interface HandlerContext {
	params: Params;
	/** the `:id` path segment, '' when the route has none */
	id: string;
	state: State;
	auth: AuthInfo;
	emit: (type: string, object: ApiObject) => void;
	/** the double's own base URL (e.g. http://127.0.0.1:12111), for URLs it hands out (billing portal) */
	baseUrl: string;
	/** objects younger than this are not yet visible to the Search API */
	searchLagMs: number;
}

/** Returns the API object (or list) to answer with; it is rendered (expand, line limits) and sent as JSON. */
export type Handler = (ctx: HandlerContext) => object;

export interface StripeDouble {
	readonly url: string;
	readonly port: number;
	close(): Promise<void>;
	reset(): void;
	readonly requests: RequestLogEntry[];
	paymentIntents(): Stripe.PaymentIntent[];
	invoices(): Stripe.Invoice[];
	invoiceItems(): Stripe.InvoiceItem[];
	customers(): Stripe.Customer[];
	/**
	 * A copy of whatever object has this id (any collection). Loosely typed for the tests' convenience,
	 * which read fields of several kinds through it; the typed snapshots are the collection methods.
	 */
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	get(id: string): any | undefined;
	fault(f: FaultSpec): FaultHandle;
	setLatency(ms: number): void;
	setWebhook(target: WebhookTarget | null, auto?: boolean): void;
	sendEvent(type: string, object: object | null, opts?: SendEventOptions): Promise<SendEventResult>;
	/** every delivery so far (an event sent to two endpoints is listed twice, same id) */
	readonly events: DeliveredEvent[];
	flushWebhooks(): Promise<void>;
	confirmPaymentIntent(id: string, paymentMethod: string): Promise<Stripe.PaymentIntent>;
	payInvoice(id: string, opts?: { fail?: boolean }): Promise<Stripe.Invoice>;
	setDefaultPaymentMethod(customerId: string, pm: string | null): void;

	/** Another endpoint receiving every event of the account, signed with its own secret (setWebhook's endpoint keeps working). */
	addWebhook(target: WebhookTarget): WebhookEndpointHandle;
	/** Stops delivering to `url` (added endpoints and the setWebhook one). */
	removeWebhook(url: string): void;
	/** The endpoints automatic events currently go to. */
	webhookEndpoints(): WebhookTarget[];
	/**
	 * Makes the card a succeeded PaymentIntent was paid with the default for its customer's invoices
	 * (attaching it first if needed): what the app does after a payment with `setup_future_usage`.
	 * Returns the customer.
	 */
	setDefaultPaymentMethodFromIntent(paymentIntentId: string): Stripe.Customer;
	/** Objects younger than `ms` are not found by the Search API yet (Stripe's index lags writes; default 0). */
	setSearchLag(ms: number): void;
	/** Moves the double's clock forward: idempotency keys older than 24 h are forgotten, as in Stripe. */
	advanceTime(seconds: number): void;
	taxRates(): Stripe.TaxRate[];
	paymentMethods(): Stripe.PaymentMethod[];
	portalSessions(): Stripe.BillingPortal.Session[];
}
