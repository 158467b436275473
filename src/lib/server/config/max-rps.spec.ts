import { describe, expect, it } from 'vitest';
import { loadConfig } from '.';

describe('STRIPE_MAX_RPS', () => {
	it('defaults under Stripe’s own limit for the key’s mode: 20 in test mode (25/s), 80 live (100/s)', () => {
		expect(loadConfig({}).stripe.maxRps).toBe(20);
		expect(loadConfig({ STRIPE_SECRET_KEY: 'sk_test_abc' }).stripe.maxRps).toBe(20);
		expect(loadConfig({ STRIPE_SECRET_KEY: 'sk_live_abc' }).stripe.maxRps).toBe(80);
		expect(loadConfig({ STRIPE_SECRET_KEY: 'sk_live_abc', STRIPE_MAX_RPS: '95' }).stripe.maxRps).toBe(95);
	});

	it.each(['0', '1001', '2.5', 'fast'])('STRIPE_MAX_RPS=%s stops start-up with a message naming the variable', (value) => {
		expect(() => loadConfig({ STRIPE_MAX_RPS: value })).toThrow(`STRIPE_MAX_RPS must be a whole number from 1 to 1000 (got "${value}")`);
	});
});
