import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { Failure } from '../errors';

/**
 * Per-client rate limits: sign-in attempts (against guessing ADMIN_TOKEN) and mutations
 * (against a runaway script creating charges). In memory, per instance.
 */
export class Limits {
	readonly signIn = new RateLimiterMemory({ keyPrefix: 'signin', points: 5, duration: 15 * 60 });
	readonly mutations: RateLimiterMemory;

	constructor(mutationsPerMinute: number) {
		this.mutations = new RateLimiterMemory({ keyPrefix: 'mutation', points: mutationsPerMinute, duration: 60 });
	}

	/** Consumes one point or throws TOO_MANY_REQUESTS with the seconds to wait. */
	static async take(limiter: RateLimiterMemory, key: string, what: string): Promise<void> {
		try {
			await limiter.consume(key);
		} catch (rejection) {
			if (!(rejection instanceof RateLimiterRes)) throw rejection;
			const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
			throw new Failure('RATE_LIMITED', `Too many ${what}; try again in ${retryAfterSeconds} s`, {
				retryAfterSeconds
			});
		}
	}
}
