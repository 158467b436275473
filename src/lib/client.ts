import { createTRPCClient, httpBatchLink, type TRPCClient } from '@trpc/client';
import type { AppRouter } from './server/trpc/router';

export type { AppRouter };

export interface BillingClientOptions {
	/** ADMIN_TOKEN, or a server's agent token; `undefined` (an unset env variable) means none */
	token?: string | undefined;
	fetch?: typeof globalThis.fetch | undefined;
	headers?: Record<string, string> | undefined;
}

/** The typed client: every procedure of the API, e.g. `client.billingStatus.query()`. */
export type BillingClient = TRPCClient<AppRouter>;

/**
 * The typed client for Server Billing's API, for the dashboard and for any TypeScript
 * program (agents, scripts): `await client.billingStatus.query()` is fully typed.
 * Built as the package's `server-billing/client` (scripts/build-client.mjs).
 */
export function createBillingClient(baseUrl: string, options: BillingClientOptions = {}): BillingClient {
	const url = new URL('/api/trpc', baseUrl).toString();
	return createTRPCClient<AppRouter>({
		links: [
			httpBatchLink({
				url,
				...(options.fetch ? { fetch: options.fetch } : {}),
				headers: () => ({
					...options.headers,
					...(options.token ? { authorization: `Bearer ${options.token}` } : {})
				})
			})
		]
	});
}
