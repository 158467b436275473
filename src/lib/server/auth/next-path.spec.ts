import { describe, expect, it } from 'vitest';
import { safeNext } from './next-path';

describe('safeNext', () => {
	it.each([
		'/\\evil.example/phish',
		'/\t/evil.example',
		'/\n/evil.example',
		'//evil.example',
		'/\\/evil.example',
		'\\\\evil.example',
		'/.//evil.example',
		'/%2e//evil.example/x',
		'https://evil.example/',
		'javascript:alert(1)',
		'evil.example',
		' /x',
		'',
		null
	])('sends %j home', (next) => {
		const target = safeNext(next);
		expect(target).toBe('/');
		// and what a browser makes of it stays on the site
		expect(new URL(target, 'https://billing.example').host).toBe('billing.example');
	});

	it('keeps paths of this site, query and fragment included', () => {
		expect(safeNext('/')).toBe('/');
		expect(safeNext('/?server=web-2&lang=ja')).toBe('/?server=web-2&lang=ja');
		expect(safeNext('/a/b#c')).toBe('/a/b#c');
		expect(safeNext('/%2F%5Cevil.example')).toBe('/%2F%5Cevil.example');
	});

	it('answers paths a browser resolves on this site only', () => {
		for (const next of ['/a/../\\evil', '/x\\y', '/%5C%5Cevil', '/a//b']) {
			const target = safeNext(next);
			expect(new URL(target, 'https://billing.example').host, next).toBe('billing.example');
			expect(target.startsWith('//')).toBe(false);
		}
	});
});
