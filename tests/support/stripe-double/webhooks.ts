/** Builds, signs and delivers Stripe events to the app's webhook endpoint. */
import http from 'node:http';
import https from 'node:https';
import Stripe from 'stripe';
import { deepClone } from './form';
import { newId, nowSeconds } from './ids';
import type {
	ApiObject,
	DeliveredEvent,
	DeliveryInfo,
	DoubleEvent,
	SendEventOptions,
	SendEventResult,
	WebhookEndpointHandle,
	WebhookTarget
} from './types';

export const API_VERSION = '2026-10-28.endive';
const DELIVERY_TIMEOUT_MS = 10_000;

export function buildEvent(
	type: string,
	object: object | null,
	request: { id: string | null; idempotency_key: string | null } = { id: null, idempotency_key: null }
): DoubleEvent {
	return {
		id: newId('evt'),
		object: 'event',
		api_version: API_VERSION,
		created: nowSeconds(),
		data: { object: deepClone((object ?? {}) as Record<string, unknown>) },
		livemode: false,
		pending_webhooks: 1,
		request,
		type
	};
}

function post(url: string, payload: string, header: string): Promise<{ status: number; body: string }> {
	const target = new URL(url);
	const client = target.protocol === 'https:' ? https : http;
	return new Promise((resolve, reject) => {
		const req = client.request(
			target,
			{
				method: 'POST',
				agent: false,
				timeout: DELIVERY_TIMEOUT_MS,
				headers: {
					'Content-Type': 'application/json; charset=utf-8',
					'Content-Length': Buffer.byteLength(payload),
					'Stripe-Signature': header,
					'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
					'Cache-Control': 'no-cache',
					Accept: '*/*; q=0.5, application/xml'
				}
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
				res.on('error', reject);
			}
		);
		req.on('timeout', () => req.destroy(new Error(`webhook delivery timed out after ${DELIVERY_TIMEOUT_MS}ms`)));
		req.on('error', reject);
		req.end(payload);
	});
}

/**
 * Every webhook endpoint of an account receives every event of that account, whichever integration
 * made the objects (Stripe's rule): two apps on one double both get all events, each signed with
 * its own endpoint's secret. The endpoint set with `configure` (setWebhook) can be paused (`auto`
 * false); endpoints added with `add` always receive.
 */
export class Webhooks {
	/** one entry per delivery (an event sent to two endpoints appears twice, same id, own `delivery`) */
	readonly events: DeliveredEvent[] = [];
	private target: WebhookTarget | null;
	private auto: boolean;
	private readonly added: WebhookTarget[] = [];
	private queue: Promise<unknown> = Promise.resolve();
	/** bumped by reset(): automatic events queued before it are dropped */
	private generation = 0;

	constructor(target: WebhookTarget | null, auto?: boolean) {
		this.target = target;
		this.auto = auto ?? target !== null;
	}

	configure(target: WebhookTarget | null, auto?: boolean): void {
		this.target = target;
		this.auto = auto ?? target !== null;
	}

	add(target: WebhookTarget): WebhookEndpointHandle {
		const endpoint = { ...target };
		this.added.push(endpoint);
		return { url: endpoint.url, remove: () => this.remove(endpoint) };
	}

	private remove(endpoint: WebhookTarget): void {
		const i = this.added.indexOf(endpoint);
		if (i >= 0) this.added.splice(i, 1);
	}

	removeUrl(url: string): void {
		for (const endpoint of this.added.filter((e) => e.url === url)) this.remove(endpoint);
		if (this.target?.url === url) this.configure(null);
	}

	/** The endpoints automatic events go to, in registration order. */
	endpoints(): WebhookTarget[] {
		return [...(this.auto && this.target ? [this.target] : []), ...this.added];
	}

	get autoEnabled(): boolean {
		return this.endpoints().length > 0;
	}

	/** Queues an automatic event (state change made by an API call or a test control) for every endpoint. */
	emitAuto(type: string, object: ApiObject, request?: { id: string | null; idempotency_key: string | null }): void {
		const targets = this.endpoints();
		if (targets.length === 0) return;
		const event = { ...buildEvent(type, object, request), pending_webhooks: targets.length };
		const generation = this.generation;
		this.enqueue(async () => {
			for (const t of targets) {
				if (generation !== this.generation) return;
				await this.deliver({ ...event }, { url: t.url, secret: t.secret });
			}
		});
	}

	/** Sends one event to one endpoint: opts.url/secret, else the endpoint set with setWebhook, else the first added one. */
	sendEvent(type: string, object: object | null, opts: SendEventOptions = {}): Promise<SendEventResult> {
		// a shallow copy, so a resent event (same id) gets its own delivery record
		const event = { ...(opts.event ?? buildEvent(type, object)) };
		const fallback = this.target ?? this.added[0];
		return this.enqueue(() => this.deliver(event, { ...opts, url: opts.url ?? fallback?.url, secret: opts.secret ?? fallback?.secret }));
	}

	/** Resolves once every queued delivery (including ones queued meanwhile) has finished. */
	async flush(): Promise<void> {
		let current: Promise<unknown>;
		do {
			current = this.queue;
			await current;
		} while (current !== this.queue);
	}

	reset(): void {
		this.generation += 1;
		this.events.length = 0;
	}

	private enqueue<T>(task: () => Promise<T>): Promise<T> {
		const run = this.queue.then(task);
		this.queue = run.catch(() => undefined);
		return run;
	}

	private async deliver(event: DoubleEvent, opts: SendEventOptions): Promise<SendEventResult> {
		const { url, secret } = opts;
		if (!url || !secret) throw new Error('stripe-double: no webhook url/secret configured (setWebhook or pass opts.url and opts.secret)');
		const payload = JSON.stringify(event, null, 2);
		const header = Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: opts.timestamp ?? nowSeconds() });
		const delivery: DeliveryInfo = { url, status: null };
		Object.defineProperty(event, 'delivery', { value: delivery, enumerable: false, configurable: true, writable: true });
		const delivered = event as DeliveredEvent;
		this.events.push(delivered);
		try {
			const res = await post(url, payload, header);
			delivery.status = res.status;
			return { status: res.status, body: res.body, event: delivered, payload, header };
		} catch (err) {
			delivery.status = 0;
			delivery.error = err instanceof Error ? err.message : String(err);
			return { status: 0, body: '', event: delivered, payload, header, error: delivery.error };
		}
	}
}
