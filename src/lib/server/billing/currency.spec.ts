import { describe, expect, it } from 'vitest';
import {
	currency,
	DOCUMENTED_MINIMUM_MINOR,
	EQUIVALENT_MINIMUM_MINOR,
	findCurrency,
	minimumChargeMinor,
	SUPPORTED_CURRENCIES
} from './currency';

/** Rough units per USD (late 2025), only to check the table's order of magnitude. */
const ROUGH_PER_USD: Record<string, number> = { krw: 1450, vnd: 26300, clp: 950, idr: 16500, kwd: 0.307, bhd: 0.376, isk: 125, twd: 30 };

describe('Stripe minimum charge for every currency Stripe settles', () => {
	it("uses Stripe's documented table where there is one", () => {
		expect(currency('usd').minimumMinor).toBe(50n);
		expect(currency('jpy').minimumMinor).toBe(50n);
		expect(currency('huf').minimumMinor).toBe(17500n);
		expect(currency('gbp').minimumMinor).toBe(30n);
		expect(currency('czk').minimumMinor).toBe(1500n);
		expect(currency('eur').documentedMinimum).toBe(true);
		expect(currency('krw').documentedMinimum).toBe(false);
	});

	it('has a minimum for every supported currency, never one minor unit, always a multiple of its step', () => {
		for (const code of SUPPORTED_CURRENCIES) {
			const cur = currency(code);
			expect(cur.minimumMinor, code).toBeGreaterThan(cur.step);
			expect(cur.minimumMinor % cur.step, code).toBe(0n);
		}
		expect(Object.keys({ ...DOCUMENTED_MINIMUM_MINOR, ...EQUIVALENT_MINIMUM_MINOR }).sort()).toEqual([...SUPPORTED_CURRENCIES]);
		for (const code of Object.keys(DOCUMENTED_MINIMUM_MINOR)) expect(EQUIVALENT_MINIMUM_MINOR[code], code).toBeUndefined();
	});

	it('conservative equivalents are at least USD 0.50 and not absurd', () => {
		for (const [code, perUsd] of Object.entries(ROUGH_PER_USD)) {
			const cur = currency(code);
			const usd = Number(cur.minimumMinor) / 10 ** cur.exponent / perUsd;
			expect(usd, code).toBeGreaterThanOrEqual(0.5);
			expect(usd, code).toBeLessThan(2);
		}
		expect(currency('krw').minimumMinor).toBe(1100n);
	});

	it('exponents and steps follow Stripe', () => {
		expect(currency('jpy')).toMatchObject({ exponent: 0, step: 1n });
		expect(currency('kwd')).toMatchObject({ exponent: 3, step: 10n });
		expect(currency('isk')).toMatchObject({ exponent: 2, step: 100n });
		expect(currency('HUF')).toMatchObject({ code: 'huf', exponent: 2, step: 1n });
		expect(findCurrency('xyz')).toBeUndefined();
		expect(minimumChargeMinor('xyz')).toBeUndefined();
		expect(() => currency('xyz')).toThrow(/Unsupported currency/);
	});
});
