import { describe, expect, it } from 'vitest';
import { isCrossSite } from './cross-site';

const own = () => 'http://127.0.0.1:8000';
const post = (origin?: string, secFetchSite?: string) => isCrossSite({ method: 'POST', origin, secFetchSite }, own);

describe('isCrossSite', () => {
	it('refuses a state change another site sent, by Origin or Sec-Fetch-Site', () => {
		expect(post('https://evil.example')).toBe(true);
		expect(post('null')).toBe(true);
		expect(post('http://localhost:8000')).toBe(true);
		expect(post(undefined, 'cross-site')).toBe(true);
		expect(post(undefined, 'same-site')).toBe(true);
		expect(post('http://127.0.0.1:8000', 'cross-site')).toBe(true);
		expect(isCrossSite({ method: 'DELETE', origin: 'https://evil.example', secFetchSite: null }, own)).toBe(true);
	});

	it('lets its own pages, non-browser clients and reads through', () => {
		expect(post('http://127.0.0.1:8000', 'same-origin')).toBe(false);
		expect(post('HTTP://127.0.0.1:8000')).toBe(false);
		expect(post(undefined, 'none')).toBe(false);
		expect(post()).toBe(false);
		expect(isCrossSite({ method: 'GET', origin: 'https://evil.example', secFetchSite: 'cross-site' }, own)).toBe(false);
		expect(isCrossSite({ method: 'HEAD', origin: null, secFetchSite: 'cross-site' }, own)).toBe(false);
	});
});
