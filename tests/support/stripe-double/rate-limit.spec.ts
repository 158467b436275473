import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RateLimit } from './rate-limit';

const response = () => {
	const headers: Record<string, string> = {};
	return { headers, res: { setHeader: (name: string, value: string) => (headers[name] = value) } as unknown as ServerResponse };
};

afterEach(() => {
	vi.useRealTimers();
});

describe("the double's rate limit", () => {
	it('lets a second’s worth through, then answers 429 with Retry-After until tokens refill', () => {
		vi.useFakeTimers({ now: 0 });
		const limit = new RateLimit(25);
		expect(Array.from({ length: 25 }, () => limit.refuses(response().res)).filter(Boolean)).toHaveLength(0);
		const refused = response();
		expect(limit.refuses(refused.res)).toBe(true);
		expect(refused.headers['Retry-After']).toBe('1');
		vi.advanceTimersByTime(40);
		expect(limit.refuses(response().res)).toBe(false);
		expect(limit.refuses(response().res)).toBe(true);
	});
});
