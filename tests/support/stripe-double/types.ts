/** Shared types of the Stripe test double. */
import type { State } from './state';

export type Params = Record<string, any>;

export interface WebhookTarget {
	url: string;
	secret: string;
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
	/** requests per second before 429 with Retry-After, as Stripe limits (25 test mode, 100 live); default unlimited */
	rateLimit?: number;
}

/** 'stall': execute (the object exists, the idempotent result is saved) and then never answer — a crash window. */
export type FaultKind = 500 | 429 | 'after' | 'timeout' | 'drop' | 'stall';

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
	event?: any;
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
	event: any;
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
	emit: (type: string, object: any) => void;
}

export type Handler = (ctx: HandlerContext) => any;

export interface StripeDouble {
	readonly url: string;
	readonly port: number;
	close(): Promise<void>;
	reset(): void;
	readonly requests: RequestLogEntry[];
	paymentIntents(): any[];
	invoices(): any[];
	invoiceItems(): any[];
	customers(): any[];
	get(id: string): any | undefined;
	fault(f: FaultSpec): FaultHandle;
	setLatency(ms: number): void;
	setWebhook(target: WebhookTarget | null, auto?: boolean): void;
	sendEvent(type: string, object: any, opts?: SendEventOptions): Promise<SendEventResult>;
	readonly events: any[];
	flushWebhooks(): Promise<void>;
	confirmPaymentIntent(id: string, paymentMethod: string): Promise<any>;
	payInvoice(id: string, opts?: { fail?: boolean }): Promise<any>;
	setDefaultPaymentMethod(customerId: string, pm: string | null): void;
}
