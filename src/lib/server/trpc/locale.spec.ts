import { describe, expect, it } from 'vitest';
import { pickLocale } from './context';

describe('the viewer’s language', () => {
	it('honours Accept-Language q-values', () => {
		expect(pickLocale(undefined, 'fr-FR, ja;q=0.5, en;q=0.8')).toBe('en');
		expect(pickLocale(undefined, 'fr-FR, ja;q=0.9, en;q=0.8')).toBe('ja');
		expect(pickLocale(undefined, 'ja-JP,ja;q=0.9')).toBe('ja');
		expect(pickLocale(undefined, 'en-US')).toBe('en');
	});
	it('falls back to English and lets a chosen language win', () => {
		expect(pickLocale(undefined, 'fr-FR, de')).toBe('en');
		expect(pickLocale(undefined, null)).toBe('en');
		expect(pickLocale('ja', 'en')).toBe('ja');
	});
});
