import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseDatabaseUrl } from '.';

function problems(env: Record<string, string>): string {
	try {
		loadConfig(env);
	} catch (error) {
		expect(error).toBeInstanceOf(ConfigError);
		return (error as Error).message;
	}
	throw new Error('configuration was accepted');
}

describe('configuration', () => {
	it('has defaults that work on one machine', () => {
		const config = loadConfig({});
		expect(config.port).toBe(8000);
		expect(config.host).toBe('127.0.0.1');
		expect(config.hourlyRate).toBe('100');
		expect(config.currency.code).toBe('jpy');
		expect(config.minimumSeconds).toBe(60);
		expect(config.sampleIntervalSeconds).toBe(30);
		expect(config.database).toMatchObject({ kind: 'sqlite' });
		expect(config.stripe.secretKey).toBeUndefined();
	});

	it.each([
		['HOURLY_RATE', 'abc'],
		['HOURLY_RATE', '-5'],
		['HOURLY_RATE', '0.1234567'],
		['CURRENCY', 'xyz'],
		['PORT', '99999'],
		['PORT', 'eighty'],
		['BILLING_TIMEZONE', 'Mars/Olympus'],
		['METERING_START', 'yesterday'],
		['BILLING_SCHEDULE', 'every monday'],
		['DEBUG', 'maybe'],
		['STRIPE_API_BASE', 'not a url']
	])('%s=%s stops start-up with a message naming the variable', (name, value) => {
		const message = problems({ [name]: value });
		expect(message).toContain(name);
		expect(message).toContain(value);
	});

	it('accepts the prototype DEBUG spellings', () => {
		expect(loadConfig({ DEBUG: 'True' }).debug).toBe(true);
		expect(loadConfig({ DEBUG: '1' }).debug).toBe(true);
		expect(loadConfig({ DEBUG: 'false' }).debug).toBe(false);
	});

	it('never echoes a secret value', () => {
		const message = problems({ STRIPE_SECRET_KEY: 'pk_live_oops_this_is_wrong', STRIPE_WEBHOOK_SECRET: 'nothex-secret' });
		expect(message).toContain('STRIPE_SECRET_KEY');
		expect(message).toContain('STRIPE_WEBHOOK_SECRET');
		expect(message).not.toContain('pk_live_oops_this_is_wrong');
		expect(message).not.toContain('nothex-secret');
	});

	it('refuses a public bind without ADMIN_TOKEN', () => {
		expect(problems({ HOST: '0.0.0.0' })).toMatch(/HOST=0\.0\.0\.0.*ADMIN_TOKEN/);
		expect(loadConfig({ HOST: '0.0.0.0', ADMIN_TOKEN: 'a-long-enough-token' }).host).toBe('0.0.0.0');
	});

	it('requires a monthly cap payable in the currency', () => {
		expect(problems({ CURRENCY: 'jpy', MONTHLY_CAP: '10.5' })).toContain('MONTHLY_CAP');
		expect(loadConfig({ CURRENCY: 'usd', MONTHLY_CAP: '49.99' }).monthlyCapMinor).toBe(4999n);
	});

	it('treats blank values as unset, as in a copied .env.example', () => {
		expect(loadConfig({ STRIPE_SECRET_KEY: '', HOURLY_RATE: ' ' }).hourlyRate).toBe('100');
	});

	it.each(['mysql://root:hunter2@db/billing', 'sqlite:///var/lib/b.db', 'http://db.example/b', 'postgres:/x'])(
		'refuses DATABASE_URL=%s naming the variable, never echoing it',
		(url) => {
			const message = problems({ DATABASE_URL: url });
			expect(message).toContain('DATABASE_URL');
			expect(message).toContain('postgres://');
			expect(message).not.toContain(url);
			expect(message).not.toContain('hunter2');
		}
	);

	it('accepts DATABASE_URL as a path, file:PATH, postgres:// or postgresql://', () => {
		expect(loadConfig({ DATABASE_URL: 'data/b.db' }).database).toMatchObject({ kind: 'sqlite' });
		expect(loadConfig({ DATABASE_URL: 'file:/tmp/b.db' }).database).toEqual({ kind: 'sqlite', path: '/tmp/b.db' });
		expect(loadConfig({ DATABASE_URL: 'postgresql://u:p@h/db' }).database).toEqual({ kind: 'postgres', url: 'postgresql://u:p@h/db' });
	});

	it('bounds rates and caps so a year of them fits one Stripe amount', () => {
		expect(problems({ HOURLY_RATE: '9'.repeat(29) })).toMatch(/HOURLY_RATE must be at most 11384 \(JPY per hour\).*99999999/);
		expect(loadConfig({ HOURLY_RATE: '11384' }).hourlyRate).toBe('11384');
		expect(problems({ HOURLY_RATE: '11385' })).toContain('HOURLY_RATE');
		expect(problems({ CURRENCY: 'usd', HOURLY_RATE: '113.85' })).toContain('at most 113.84');
		expect(loadConfig({ CURRENCY: 'usd', HOURLY_RATE: '113.84' }).rateMicros).toBe(113_840_000n);
		expect(problems({ MONTHLY_CAP: '8333334' })).toMatch(/MONTHLY_CAP must be at most 8333333/);
		expect(loadConfig({ MONTHLY_CAP: '8333333' }).monthlyCapMinor).toBe(8_333_333n);
		// a cap bounds every charge: the rate may then go up to the cap itself
		expect(loadConfig({ HOURLY_RATE: '360000', MONTHLY_CAP: '8000000' }).hourlyRate).toBe('360000');
		expect(problems({ HOURLY_RATE: '8000001', MONTHLY_CAP: '8000000' })).toContain('at most 8000000');
	});

	it('checks the proxy settings adapter-node reads', () => {
		expect(problems({ XFF_DEPTH: '0' })).toContain('XFF_DEPTH');
		expect(problems({ ADDRESS_HEADER: 'x forwarded for' })).toContain('ADDRESS_HEADER');
		expect(() => loadConfig({ ADDRESS_HEADER: 'X-Forwarded-For', XFF_DEPTH: '2' })).not.toThrow();
	});

	it('reads DATABASE_URL as SQLite path, file: URL or PostgreSQL URL', () => {
		expect(parseDatabaseUrl('postgres://u@h/db')).toEqual({ kind: 'postgres', url: 'postgres://u@h/db' });
		expect(parseDatabaseUrl('file:/tmp/x.db')).toEqual({ kind: 'sqlite', path: '/tmp/x.db' });
		expect(parseDatabaseUrl('/var/lib/b.db')).toEqual({ kind: 'sqlite', path: '/var/lib/b.db' });
	});
});
