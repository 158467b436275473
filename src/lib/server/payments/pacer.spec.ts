import type Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pacedHttpClient, retryAfterMs, StripePacer } from './pacer';

/** The most request starts found in any window [t, t + 1000 ms). */
function busiestSecond(starts: number[]): number {
	const sorted = [...starts].sort((a, b) => a - b);
	let most = 0;
	for (let i = 0, j = 0; i < sorted.length; i++) {
		while (sorted[i] - sorted[j] >= 1000) j++;
		most = Math.max(most, i - j + 1);
	}
	return most;
}

/** A stand-in for the SDK's HTTP client: records when each request starts, answers `statuses` in turn, then 200. */
function fakeHttpClient(statuses: { status: number; retryAfter?: string }[] = []) {
	const starts: number[] = [];
	const client: Stripe.HttpClient = {
		getClientName: () => 'fake',
		async makeRequest() {
			starts.push(Date.now());
			const answer = statuses.shift() ?? { status: 200 };
			return {
				getStatusCode: () => answer.status,
				getHeaders: (): Record<string, string> => (answer.retryAfter ? { 'retry-after': answer.retryAfter } : {}),
				getRawResponse: () => undefined,
				toStream: () => undefined,
				toJSON: async () => ({})
			};
		}
	};
	return { client, starts };
}

const request = (client: Stripe.HttpClient) => client.makeRequest('api.stripe.com', '443', '/v1/customers', 'GET', {}, '', 'https', 1000);

beforeEach(() => {
	vi.useFakeTimers({ now: new Date('2026-11-30T00:00:00Z') });
});
afterEach(() => {
	vi.useRealTimers();
});

describe('the Stripe pacer', () => {
	it('never starts more than STRIPE_MAX_RPS requests in any one-second window, however many wait', async () => {
		const fake = fakeHttpClient();
		const pacer = new StripePacer(5);
		const client = pacedHttpClient(pacer, fake.client);
		const all = Promise.all(Array.from({ length: 23 }, () => request(client)));
		await vi.advanceTimersByTimeAsync(10_000);
		const answers = await all;
		expect(answers.every((r) => r.getStatusCode() === 200)).toBe(true);
		expect(fake.starts).toHaveLength(23);
		expect(busiestSecond(fake.starts)).toBeLessThanOrEqual(5);
		// paced, not starved: 23 requests at 5/s take about 4.4 s
		expect(fake.starts.at(-1)! - fake.starts[0]).toBeLessThan(5000);
		expect(pacer.sent).toBe(23);
	});

	it('a 429 with Retry-After pauses every request for that long, then resends the refused one', async () => {
		const fake = fakeHttpClient([{ status: 200 }, { status: 429, retryAfter: '3' }]);
		const pacer = new StripePacer(10);
		const client = pacedHttpClient(pacer, fake.client);
		const all = Promise.all(Array.from({ length: 6 }, () => request(client)));
		await vi.advanceTimersByTimeAsync(10_000);
		const answers = await all;
		// the refused request was resent: nobody saw the 429
		expect(answers.map((r) => r.getStatusCode())).toEqual([200, 200, 200, 200, 200, 200]);
		expect(fake.starts).toHaveLength(7);
		expect(pacer.rateLimited).toBe(1);
		const refusedAt = fake.starts[1];
		const after = fake.starts.slice(2);
		// nothing started during the pause, from any caller
		expect(after.every((t) => t - refusedAt >= 3000)).toBe(true);
		expect(busiestSecond(fake.starts)).toBeLessThanOrEqual(10);
	});

	it('without Retry-After backs off exponentially, and hands the SDK the 429 after five resends', async () => {
		const fake = fakeHttpClient(Array.from({ length: 6 }, () => ({ status: 429 })));
		const client = pacedHttpClient(new StripePacer(20), fake.client);
		const answer = request(client);
		await vi.advanceTimersByTimeAsync(60_000);
		expect((await answer).getStatusCode()).toBe(429);
		const gaps = fake.starts.slice(1).map((t, i) => t - fake.starts[i]);
		expect(gaps).toEqual([1000, 2000, 4000, 8000, 16000]);
	});

	it('reads Retry-After as seconds or as an HTTP date', () => {
		const now = Date.parse('2026-11-30T00:00:00Z');
		expect(retryAfterMs('2', now)).toBe(2000);
		expect(retryAfterMs('0.5', now)).toBe(500);
		expect(retryAfterMs('Mon, 30 Nov 2026 00:00:04 GMT', now)).toBe(4000);
		expect(retryAfterMs(undefined, now)).toBeUndefined();
		expect(retryAfterMs('soon', now)).toBeUndefined();
	});
});
