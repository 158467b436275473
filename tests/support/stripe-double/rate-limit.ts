/** Stripe's own rate limit (25 requests/s in test mode, 100 live), off unless the double is started with it. */
import type { ServerResponse } from 'node:http';

/**
 * A token bucket of `perSecond` tokens refilled continuously: bursts up to a second's worth
 * pass, more is refused with 429 and a Retry-After (whole seconds, as HTTP has it).
 */
export class RateLimit {
	private tokens: number;
	private refilledAt = Date.now();

	constructor(readonly perSecond: number) {
		if (!Number.isFinite(perSecond) || perSecond <= 0) throw new Error('rate limit: perSecond must be a positive number');
		this.tokens = perSecond;
	}

	/** true when the request is over the limit (Retry-After is set on `res`). */
	refuses(res: ServerResponse): boolean {
		const now = Date.now();
		this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.refilledAt) / 1000) * this.perSecond);
		this.refilledAt = now;
		if (this.tokens >= 1) {
			this.tokens -= 1;
			return false;
		}
		res.setHeader('Retry-After', String(Math.max(1, Math.ceil((1 - this.tokens) / this.perSecond))));
		return true;
	}
}
