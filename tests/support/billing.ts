import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TRPCClientError } from '@trpc/client';
import { expect } from 'vitest';
import { createBillingClient, type BillingClient } from '../../src/lib/client';
import type { AppRouter } from '../../src/lib/server/trpc/router';
import { freshDatabase, type DatabaseKind } from './databases';
import { startServer, type TestServer } from './server';
import { startStripeDouble, type StripeDouble } from './stripe-double';

export const SECRET_KEY = 'sk_test_51DoubleSecretKeyForTests';
export const PUBLISHABLE_KEY = 'pk_test_51DoublePublishableKey';
export const WEBHOOK_SECRET = 'whsec_testDoubleWebhookSecret';

export interface BillingSetup {
	server: TestServer;
	double: StripeDouble;
	client: BillingClient;
	env: Record<string, string>;
	/** restart the app on the same database (e.g. after kill()) */
	restart(extra?: Record<string, string>): Promise<TestServer>;
	close(): Promise<void>;
}

/** Writes a boot time `secondsAgo` in the past to a file the app reads as this machine's boot. */
export function bootFile(secondsAgo: number): string {
	const path = join(mkdtempSync(join(tmpdir(), 'sb-boot-')), 'boot');
	writeFileSync(path, String(Date.now() - secondsAgo * 1000));
	return path;
}

/**
 * The built app on a fresh database, wired to a fresh Stripe test double: the app calls it
 * through the real SDK (STRIPE_API_BASE), and the double delivers signed webhooks back.
 */
export async function startBilling(
	kind: DatabaseKind,
	env: Record<string, string> = {},
	options: { webhooks?: boolean; live?: boolean } = {}
): Promise<BillingSetup> {
	const secretKey = options.live ? SECRET_KEY.replace('_test_', '_live_') : SECRET_KEY;
	const publishableKey = options.live ? PUBLISHABLE_KEY.replace('_test_', '_live_') : PUBLISHABLE_KEY;
	const double = await startStripeDouble({ secretKey, publishableKey });
	const fullEnv: Record<string, string> = {
		DATABASE_URL: await freshDatabase(kind),
		STRIPE_SECRET_KEY: secretKey,
		STRIPE_PUBLISHABLE_KEY: publishableKey,
		STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
		STRIPE_API_BASE: double.url,
		CUSTOMER_EMAIL: 'ops@example.com',
		CUSTOMER_NAME: 'Example Ops',
		BOOT_TIME_FILE: bootFile(3 * 3600),
		...env
	};
	const setup: BillingSetup = {
		server: await startServer(fullEnv),
		double,
		client: undefined as never,
		env: fullEnv,
		async restart(extra = {}) {
			await setup.server.kill();
			setup.server = await startServer({ ...fullEnv, ...extra });
			wire();
			return setup.server;
		},
		async close() {
			await setup.server.kill();
			await double.close();
		}
	};
	const wire = () => {
		setup.client = createBillingClient(setup.server.url);
		if (options.webhooks !== false) double.setWebhook({ url: `${setup.server.url}/webhooks/stripe`, secret: WEBHOOK_SECRET }, true);
	};
	wire();
	return setup;
}

/** The double's requests that created something, by path prefix. */
export function creations(double: StripeDouble, path: string) {
	return double.requests.filter((r) => r.method === 'POST' && r.path === path);
}

/** The error a tRPC call fails with (the test fails if it succeeds), with its `data` (errorCode, httpStatus). */
export async function failureOf(promise: Promise<unknown>) {
	try {
		await promise;
	} catch (error) {
		expect(error).toBeInstanceOf(TRPCClientError);
		return error as TRPCClientError<AppRouter> & { data: NonNullable<TRPCClientError<AppRouter>['data']> };
	}
	throw new Error('expected the call to fail');
}
