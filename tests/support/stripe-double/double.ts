/** The StripeDouble: an HTTP server plus the in-process test controls. */
import http, { type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StripeDoubleCardError } from './errors';
import { Faults } from './faults';
import { deepClone } from './form';
import { IdempotencyStore } from './idempotency';
import { idOf } from './ids';
import { handleRequest, type Runtime } from './pipeline';
import { RateLimit } from './rate-limit';
import { chargeInvoice } from './resources/invoice-flow';
import { confirmIntent, type ConfirmInput } from './resources/payment-flow';
import { State } from './state';
import type Stripe from 'stripe';
import type {
	ApiObject,
	DeliveredEvent,
	FaultHandle,
	FaultSpec,
	RequestLogEntry,
	SendEventOptions,
	SendEventResult,
	StripeDouble,
	StripeDoubleOptions,
	WebhookEndpointHandle,
	WebhookTarget
} from './types';
import { Webhooks } from './webhooks';

/** `confirmPaymentIntent(id, '4000000000000002')` accepts raw test card numbers too. */
function confirmInput(paymentMethod: string): ConfirmInput {
	const digits = paymentMethod.replace(/[\s-]/g, '');
	return /^\d{12,19}$/.test(digits)
		? { payment_method_data: { type: 'card', card: { number: digits } } }
		: { payment_method: paymentMethod };
}

class StripeDoubleServer implements StripeDouble {
	url = '';
	port = 0;
	readonly requests: RequestLogEntry[] = [];
	private readonly state = new State();
	private readonly faults = new Faults();
	private clockOffsetMs = 0;
	private readonly idempotency = new IdempotencyStore(() => Date.now() + this.clockOffsetMs);
	private readonly webhooks: Webhooks;
	private readonly held = new Set<ServerResponse>();
	private latency = 0;
	private searchLag = 0;
	private readonly server: http.Server;
	private readonly emit = (type: string, object: ApiObject) => this.webhooks.emitAuto(type, object);

	constructor(private readonly options: StripeDoubleOptions) {
		this.webhooks = new Webhooks(options.webhook ?? null, options.autoWebhooks);
		for (const target of options.webhooks ?? []) this.webhooks.add(target);
		const runtime: Runtime = {
			state: this.state,
			faults: this.faults,
			idempotency: this.idempotency,
			webhooks: this.webhooks,
			auth: { secretKey: options.secretKey, publishableKey: options.publishableKey },
			log: this.requests,
			latencyMs: () => this.latency,
			searchLagMs: () => this.searchLag,
			baseUrl: () => this.url,
			rateLimit: options.rateLimit ? new RateLimit(options.rateLimit) : undefined,
			hold: (res) => {
				this.held.add(res);
				res.on('close', () => this.held.delete(res));
			}
		};
		this.server = http.createServer((req, res) => {
			handleRequest(runtime, req, res).catch((err) => {
				console.error('[stripe-double] request failed:', err);
				res.destroy();
			});
		});
		this.server.keepAliveTimeout = 65_000;
		this.server.headersTimeout = 66_000;
	}

	async listen(): Promise<void> {
		const host = this.options.host ?? '127.0.0.1';
		await new Promise<void>((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(this.options.port ?? 0, host, () => resolve());
		});
		this.port = (this.server.address() as AddressInfo).port;
		this.url = `http://${host.includes(':') ? `[${host}]` : host}:${this.port}`;
	}

	get events(): DeliveredEvent[] {
		return this.webhooks.events;
	}

	async close(): Promise<void> {
		this.dropHeld();
		await new Promise<void>((resolve) => {
			this.server.close(() => resolve());
			this.server.closeAllConnections();
		});
	}

	reset(): void {
		this.state.reset();
		this.requests.length = 0;
		this.faults.clear();
		this.idempotency.clear();
		this.webhooks.reset();
		this.latency = 0;
		this.searchLag = 0;
		this.clockOffsetMs = 0;
		this.dropHeld();
	}

	paymentIntents = () => deepClone([...this.state.paymentIntents.values()]);
	invoices = () => deepClone([...this.state.invoices.values()]);
	invoiceItems = () => deepClone([...this.state.invoiceItems.values()]);
	customers = () => deepClone([...this.state.customers.values()]);
	taxRates = () => deepClone([...this.state.taxRates.values()]);
	paymentMethods = () => deepClone([...this.state.paymentMethods.values()]);
	portalSessions = () => deepClone([...this.state.portalSessions.values()]);

	// eslint-disable-next-line @typescript-eslint/no-explicit-any -- loosely typed on purpose, see StripeDouble.get
	get(id: string): any | undefined {
		return deepClone(this.state.find(id));
	}

	fault(f: FaultSpec): FaultHandle {
		return this.faults.add(f);
	}

	setLatency(ms: number): void {
		this.latency = Math.max(0, ms);
	}

	setWebhook(target: WebhookTarget | null, auto?: boolean): void {
		this.webhooks.configure(target, auto);
	}

	sendEvent(type: string, object: object | null, opts?: SendEventOptions): Promise<SendEventResult> {
		return this.webhooks.sendEvent(type, object, opts);
	}

	flushWebhooks(): Promise<void> {
		return this.webhooks.flush();
	}

	async confirmPaymentIntent(id: string, paymentMethod: string): Promise<Stripe.PaymentIntent> {
		const pi = this.state.load('paymentIntents', id);
		return deepClone(confirmIntent(this.state, this.emit, pi, confirmInput(paymentMethod)));
	}

	/** The customer pays on the hosted invoice page; `fail` makes the attempt decline (the invoice is returned, still open). */
	async payInvoice(id: string, opts: { fail?: boolean } = {}): Promise<Stripe.Invoice> {
		const inv = this.state.load('invoices', id);
		try {
			chargeInvoice(this.state, this.emit, inv, opts.fail ? 'pm_card_chargeDeclined' : 'pm_card_visa');
		} catch (err) {
			if (!(opts.fail && err instanceof StripeDoubleCardError)) throw err;
		}
		return deepClone(inv);
	}

	setDefaultPaymentMethod(customerId: string, pm: string | null): void {
		this.state.load('customers', customerId).invoice_settings.default_payment_method = pm;
	}

	setDefaultPaymentMethodFromIntent(paymentIntentId: string): Stripe.Customer {
		const pi = this.state.load('paymentIntents', paymentIntentId);
		if (pi.status !== 'succeeded' || !pi.payment_method || !pi.customer) {
			throw new Error(`stripe-double: ${pi.id} has no card to save (status ${pi.status}, customer ${pi.customer ?? 'none'})`);
		}
		const customer = this.state.load('customers', idOf(pi.customer)!);
		const pm = this.state.load('paymentMethods', idOf(pi.payment_method)!);
		if (pm.customer && pm.customer !== customer.id) throw new Error(`stripe-double: ${pm.id} belongs to ${pm.customer}`);
		pm.customer = customer.id;
		customer.invoice_settings.default_payment_method = pm.id;
		this.emit('customer.updated', customer);
		return deepClone(customer);
	}

	addWebhook(target: WebhookTarget): WebhookEndpointHandle {
		return this.webhooks.add(target);
	}

	removeWebhook(url: string): void {
		this.webhooks.removeUrl(url);
	}

	webhookEndpoints(): WebhookTarget[] {
		return deepClone(this.webhooks.endpoints());
	}

	setSearchLag(ms: number): void {
		this.searchLag = Math.max(0, ms);
	}

	advanceTime(seconds: number): void {
		this.clockOffsetMs += Math.max(0, seconds) * 1000;
	}

	private dropHeld(): void {
		for (const res of this.held) res.destroy();
		this.held.clear();
	}
}

export async function startStripeDouble(opts: StripeDoubleOptions = {}): Promise<StripeDouble> {
	const double = new StripeDoubleServer(opts);
	await double.listen();
	return double;
}
