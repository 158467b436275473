import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyTax, normalTaxRate, parseTaxRate } from './tax';

describe('tax on a charge', () => {
	it('adds 10% consumption tax rounded once, half-up (¥1,005 → ¥101 tax, ¥1,106)', () => {
		expect(applyTax(1005n, { rate: '10', inclusive: false })).toEqual({ netMinor: 1005n, taxMinor: 101n, grossMinor: 1106n });
		expect(applyTax(1004n, { rate: '10', inclusive: false })).toEqual({ netMinor: 1004n, taxMinor: 100n, grossMinor: 1104n });
	});

	it('takes the tax out of prices that include it (¥1,100 at 10% = ¥1,000 + ¥100)', () => {
		expect(applyTax(1100n, { rate: '10', inclusive: true })).toEqual({ netMinor: 1000n, taxMinor: 100n, grossMinor: 1100n });
		expect(applyTax(1n, { rate: '10', inclusive: true })).toEqual({ netMinor: 1n, taxMinor: 0n, grossMinor: 1n });
	});

	it('no rate is no tax; rates are read exactly and spelled one way', () => {
		expect(applyTax(777n, { rate: '0', inclusive: false })).toEqual({ netMinor: 777n, taxMinor: 0n, grossMinor: 777n });
		expect(normalTaxRate('10.0000')).toBe('10');
		expect(normalTaxRate('8.25')).toBe('8.25');
		expect(parseTaxRate('100.01')).toBeUndefined();
		expect(parseTaxRate('-1')).toBeUndefined();
	});

	it('always: net + tax = gross, tax within half a unit of the exact figure, never negative', () => {
		fc.assert(
			fc.property(
				fc.bigInt({ min: 0n, max: 10n ** 12n }),
				fc.integer({ min: 0, max: 1_000_000 }),
				fc.boolean(),
				(lines, rate, inclusive) => {
					const rateText = `${Math.floor(rate / 10_000)}.${String(rate % 10_000).padStart(4, '0')}`;
					const t = applyTax(lines, { rate: rateText, inclusive });
					expect(t.netMinor + t.taxMinor).toBe(t.grossMinor);
					expect(t.taxMinor >= 0n && t.netMinor >= 0n).toBe(true);
					expect(inclusive ? t.grossMinor : t.netMinor).toBe(lines);
					// exact tax × 2 × 1,000,000 vs the rounded one: within half a unit
					const exact2 = inclusive ? 2n * lines * BigInt(rate) * 1n : 2n * lines * BigInt(rate);
					const denominator = inclusive ? 1_000_000n + BigInt(rate) : 1_000_000n;
					const diff = t.taxMinor * 2n * denominator - exact2;
					expect(diff <= denominator && diff >= -denominator).toBe(true);
				}
			)
		);
	});
});
