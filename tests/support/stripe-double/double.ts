/** The StripeDouble: an HTTP server plus the in-process test controls. */
import http, { type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StripeDoubleCardError } from './errors';
import { Faults } from './faults';
import { deepClone } from './form';
import { IdempotencyStore } from './idempotency';
import { handleRequest, type Runtime } from './pipeline';
import { RateLimit } from './rate-limit';
import { chargeInvoice } from './resources/invoice-flow';
import { confirmIntent, type ConfirmInput } from './resources/payment-flow';
import { State } from './state';
import type {
	FaultHandle,
	FaultSpec,
	RequestLogEntry,
	SendEventOptions,
	SendEventResult,
	StripeDouble,
	StripeDoubleOptions,
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
	private readonly idempotency = new IdempotencyStore();
	private readonly webhooks: Webhooks;
	private readonly held = new Set<ServerResponse>();
	private latency = 0;
	private readonly server: http.Server;
	private readonly emit = (type: string, object: any) => this.webhooks.emitAuto(type, object);

	constructor(private readonly options: StripeDoubleOptions) {
		this.webhooks = new Webhooks(options.webhook ?? null, options.autoWebhooks);
		const runtime: Runtime = {
			state: this.state,
			faults: this.faults,
			idempotency: this.idempotency,
			webhooks: this.webhooks,
			auth: { secretKey: options.secretKey, publishableKey: options.publishableKey },
			log: this.requests,
			latencyMs: () => this.latency,
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

	get events(): any[] {
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
		this.dropHeld();
	}

	paymentIntents = () => deepClone([...this.state.paymentIntents.values()]);
	invoices = () => deepClone([...this.state.invoices.values()]);
	invoiceItems = () => deepClone([...this.state.invoiceItems.values()]);
	customers = () => deepClone([...this.state.customers.values()]);

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

	sendEvent(type: string, object: any, opts?: SendEventOptions): Promise<SendEventResult> {
		return this.webhooks.sendEvent(type, object, opts);
	}

	flushWebhooks(): Promise<void> {
		return this.webhooks.flush();
	}

	async confirmPaymentIntent(id: string, paymentMethod: string): Promise<any> {
		const pi = this.state.load('paymentIntents', id);
		return deepClone(confirmIntent(this.state, this.emit, pi, confirmInput(paymentMethod)));
	}

	/** The customer pays on the hosted invoice page; `fail` makes the attempt decline (the invoice is returned, still open). */
	async payInvoice(id: string, opts: { fail?: boolean } = {}): Promise<any> {
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
