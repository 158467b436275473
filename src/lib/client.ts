import { createTRPCClient, httpBatchLink } from '@trpc/client';
import type { AppRouter } from './server/trpc/router';

export type { AppRouter };

export interface BillingClientOptions {
	/** ADMIN_TOKEN, or a server's agent token */
	token?: string;
	fetch?: typeof globalThis.fetch;
	headers?: Record<string, string>;
}

/**
 * The typed client for Server Billing's API, for the dashboard and for any TypeScript
 * program (agents, scripts): `await client.billingStatus.query()` is fully typed.
 */
export function createBillingClient(baseUrl: string, options: BillingClientOptions = {}) {
	const url = new URL('/api/trpc', baseUrl).toString();
	return createTRPCClient<AppRouter>({
		links: [
			httpBatchLink({
				url,
				fetch: options.fetch,
				headers: () => ({
					...options.headers,
					...(options.token ? { authorization: `Bearer ${options.token}` } : {})
				})
			})
		]
	});
}

export type BillingClient = ReturnType<typeof createBillingClient>;
