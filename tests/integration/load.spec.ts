import autocannon from 'autocannon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootFile } from '../support/billing';
import { startServer, type TestServer } from '../support/server';

let server: TestServer;
beforeAll(async () => {
	server = await startServer({ BOOT_TIME_FILE: bootFile(3600) });
});
afterAll(() => server.kill());

describe('load', () => {
	it('serves 200 connections polling billingStatus for 10 s without a single error', async () => {
		const errors: Record<string, number> = {};
		const result = await new Promise<autocannon.Result>((resolve, reject) => {
			const instance = autocannon({ url: `${server.url}/api/trpc/billingStatus`, connections: 200, duration: 10 }, (error, result) =>
				error ? reject(error) : resolve(result)
			);
			instance.on('reqError', (error: NodeJS.ErrnoException) => {
				const code = error.code ?? error.message;
				errors[code] = (errors[code] ?? 0) + 1;
			});
		});
		expect(errors).toEqual({});
		expect(result.errors).toBe(0);
		expect(result.timeouts).toBe(0);
		expect(result.non2xx).toBe(0);
		expect(result.requests.total).toBeGreaterThan(1000);
		// the figures themselves are for `npm run bench`; here only their soundness
		console.log(`load: ${Math.round(result.requests.average)} req/s, p99 ${result.latency.p99} ms, ${result.requests.total} requests`);
	}, 60_000);
});
