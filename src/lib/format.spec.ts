import { describe, expect, it } from 'vitest';
import { formatMinor as formatMinorRaw, formatMoney as formatMoneyRaw, minorToMajorString } from './format';

/** Intl puts a no-break space between a currency code and the number; compare with plain spaces. */
const plain = (s: string) => s.replace(/\u00a0/g, ' ');
const formatMinor = (...args: Parameters<typeof formatMinorRaw>) => plain(formatMinorRaw(...args));
const formatMoney = (...args: Parameters<typeof formatMoneyRaw>) => plain(formatMoneyRaw(...args));

describe('formatMoney shows exactly what Stripe charges', () => {
	it('keeps the minor unit of currencies Intl rounds to whole units (HUF, TWD)', () => {
		expect(formatMinor(17550, 'huf', 'en')).toBe('HUF 175.50');
		expect(formatMoney('175.5', 'huf', 'en')).toBe('HUF 175.50');
		expect(formatMinor(12345, 'twd', 'en')).toBe('NT$123.45');
	});

	it('zero-decimal currencies have no fraction (JPY, KRW)', () => {
		expect(formatMinor(583, 'jpy', 'en')).toBe('¥583');
		expect(formatMinor(583, 'jpy', 'ja')).toBe('￥583');
		expect(formatMinor(1100, 'krw', 'en')).toBe('₩1,100');
	});

	it('three-decimal currencies show three digits (KWD, BHD)', () => {
		expect(formatMinor(1230, 'kwd', 'en')).toBe('KWD 1.230');
		expect(formatMinor(250, 'bhd', 'en')).toBe('BHD 0.250');
	});

	it('two-decimal currencies as before; ISK in whole krónur', () => {
		expect(formatMinor(123450, 'usd', 'en')).toBe('$1,234.50');
		expect(formatMoney('0.15', 'usd', 'en')).toBe('$0.15');
		expect(formatMinor(10000, 'isk', 'en')).toBe('ISK 100');
	});

	it('converts minor units with Stripe exponents', () => {
		expect(minorToMajorString(17550, 'huf')).toBe('175.50');
		expect(minorToMajorString(5, 'usd')).toBe('0.05');
		expect(minorToMajorString(14, 'jpy')).toBe('14');
		expect(minorToMajorString(1230n, 'kwd')).toBe('1.230');
		expect(minorToMajorString(-250, 'eur')).toBe('-2.50');
	});
});
