import { RateLimiterMemory, RateLimiterQueue } from 'rate-limiter-flexible';
import Stripe from 'stripe';

const KEY = 'stripe';
/**
 * A 429 is resent by the pacer this many times before the SDK sees it. Stripe's limiter
 * answers before anything executes, so the same bytes (same idempotency key) are safe to resend.
 */
const MAX_RESENDS = 5;
/** Without Retry-After: 1 s, 2 s, 4 s … (Stripe's advice: exponential backoff). */
const backoffMs = (resend: number) => Math.min(1000 * 2 ** resend, 16_000);

/**
 * Paces every request to Stripe at `maxRps`: one token every 1/maxRps s, so no one-second
 * window ever sees more than maxRps starts (a fixed one-second window would let 2 × maxRps
 * through across its edge). A 429 pauses everyone, not just the refused request.
 */
export class StripePacer {
	readonly #limiter: RateLimiterMemory;
	readonly #queue: RateLimiterQueue;
	#pausedUntil = 0;
	/** requests sent to Stripe, resends included */
	sent = 0;
	/** 429s Stripe answered */
	rateLimited = 0;

	constructor(readonly maxRps: number) {
		this.#limiter = new RateLimiterMemory({ points: 1, duration: 1 / maxRps });
		this.#queue = new RateLimiterQueue(this.#limiter);
	}

	/** Resolves when a request may start. */
	async take(): Promise<void> {
		await this.#queue.removeTokens(1, KEY);
		this.sent++;
	}

	/** No request starts for `ms` (a pause already longer stays). */
	async pause(ms: number): Promise<void> {
		const until = Date.now() + ms;
		if (until <= this.#pausedUntil) return;
		this.#pausedUntil = until;
		await this.#limiter.block(KEY, ms / 1000);
	}
}

/** Retry-After in ms: seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(value: unknown, now = Date.now()): number | undefined {
	const text = Array.isArray(value) ? value[0] : value;
	if (typeof text !== 'string' || text.trim() === '') return undefined;
	if (/^\d+(\.\d+)?$/.test(text.trim())) return Math.ceil(Number(text) * 1000);
	const at = Date.parse(text);
	return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The SDK's own HTTP client with the pacer in front: every call the app makes, and every
 * retry the SDK makes, waits for a token. stripe-node 23 does not retry a 429 (only 409,
 * 5xx and connection errors, or when Stripe says `stripe-should-retry: true`) and never
 * reads Retry-After, so a 429 is handled here: pause the pacer, then resend.
 */
export function pacedHttpClient(pacer: StripePacer, inner: Stripe.HttpClient = Stripe.createNodeHttpClient()): Stripe.HttpClient {
	return {
		getClientName: () => inner.getClientName(),
		async makeRequest(...args) {
			for (let resend = 0; ; resend++) {
				await pacer.take();
				const response = await inner.makeRequest(...args);
				if (response.getStatusCode() !== 429 || resend >= MAX_RESENDS) return response;
				pacer.rateLimited++;
				await pacer.pause(retryAfterMs(response.getHeaders()['retry-after']) ?? backoffMs(resend));
				// read and drop the refused body so the keep-alive socket is reused
				await response.toJSON().catch(() => undefined);
			}
		}
	};
}
