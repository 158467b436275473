import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootFile, PUBLISHABLE_KEY, SECRET_KEY } from '../support/billing';
import { freshDatabase } from '../support/databases';
import { startStripeDouble, type StripeDouble } from '../support/stripe-double';

const run = promisify(execFile);
const BIN = resolve(import.meta.dirname, '../../bin/server-billing.mjs');

let double: StripeDouble;
beforeAll(async () => {
	double = await startStripeDouble({ secretKey: SECRET_KEY });
});
afterAll(() => double.close());

async function cli(args: string[], env: Record<string, string>) {
	try {
		const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, ENV_FILE: '', ...env } });
		return { code: 0, stdout, stderr };
	} catch (error) {
		const e = error as { code: number; stdout: string; stderr: string };
		return { code: e.code, stdout: e.stdout, stderr: e.stderr };
	}
}

describe('server-billing CLI', () => {
	it('prints uptime, rate and amount like the prototype, from the same ledger as the API', async () => {
		const env = { DATABASE_URL: await freshDatabase('sqlite'), BOOT_TIME_FILE: bootFile(3 * 3600 + 30), SERVER_NAME: 'web-1' };
		const { code, stdout } = await cli(['status'], env);
		expect(code).toBe(0);
		expect(stdout).toMatch(/^Server\s+web-1 \(local\)$/m);
		expect(stdout).toMatch(/^Uptime\s+3h 00m 3\ds$/m);
		expect(stdout).toMatch(/^Hourly rate\s+¥100\/h$/m);
		expect(stdout).toMatch(/^Amount due\s+¥301 \(301 jpy minor units\)$/m);
		const json = JSON.parse((await cli(['status', '--json'], env)).stdout);
		expect(json).toMatchObject({ serverName: 'web-1', amountMinor: 301, currency: 'jpy' });
	});

	it('charges and invoices through Stripe, and explains failures', async () => {
		const env = {
			DATABASE_URL: await freshDatabase('sqlite'),
			BOOT_TIME_FILE: bootFile(3 * 3600),
			STRIPE_SECRET_KEY: SECRET_KEY,
			STRIPE_PUBLISHABLE_KEY: PUBLISHABLE_KEY,
			STRIPE_API_BASE: double.url,
			CUSTOMER_EMAIL: 'ops@example.com'
		};
		const charge = await cli(['charge'], env);
		expect(charge.code).toBe(0);
		const id = charge.stdout.match(/Payment Intent (pi_\w+) for ¥300/)?.[1];
		expect(double.get(id!)).toMatchObject({ amount: 300, currency: 'jpy' });
		expect(charge.stdout).not.toContain('_secret_');

		const blocked = await cli(['invoice'], env);
		expect(blocked.code).toBe(1);
		expect(blocked.stderr).toContain('[CHARGE_PENDING]');

		const noStripe = await cli(['charge'], { DATABASE_URL: env.DATABASE_URL, BOOT_TIME_FILE: env.BOOT_TIME_FILE });
		expect(noStripe.code).toBe(1);
		expect(noStripe.stderr).toContain('STRIPE_NOT_CONFIGURED');
	});
});
