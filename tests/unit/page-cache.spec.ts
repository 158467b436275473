import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/lib/server/db';
import { PageCache } from '../../src/lib/server/page-cache';
import type { Auth, Context } from '../../src/lib/server/trpc/context';

function setup(version: (() => string) | null = () => '1:0') {
	let now = Date.UTC(2026, 10, 30, 12, 0, 0, 100);
	const clock = { tick: (ms: number) => (now += ms) };
	const store = { version: version ?? undefined } as unknown as Store;
	const cache = new PageCache(store, () => now, { currentRunId: 7, uptimeSeconds: () => 60 });
	let renders = 0;
	const render =
		(body: string, init: ResponseInit = {}) =>
		async () => {
			renders++;
			await new Promise((r) => setTimeout(r, 5));
			return new Response(body, { headers: { 'content-type': 'text/html', ...init.headers }, status: init.status });
		};
	return { cache, clock, render, renders: () => renders };
}
const ctx = (auth: Auth, locale: 'en' | 'ja' = 'en') => ({ auth, locale }) as Context;
const text = (response: Response | Promise<Response>) => Promise.resolve(response).then((r) => r.text());
const ADMIN: Auth = { role: 'admin' };

describe('the page cache', () => {
	it('renders once for requests arriving together, and serves the same bytes for the rest of the second', async () => {
		const { cache, render, renders } = setup();
		const pages = await Promise.all(Array.from({ length: 10 }, () => text(cache.page(ctx(ADMIN), 'http://x/', render('<p>a</p>')))));
		expect(new Set(pages)).toEqual(new Set(['<p>a</p>']));
		expect(await text(cache.page(ctx(ADMIN), 'http://x/', render('<p>b</p>')))).toBe('<p>a</p>');
		expect(renders()).toBe(1);
	});

	it('never serves a page across identities, locales or URLs', async () => {
		const { cache, render } = setup();
		await text(cache.page(ctx(ADMIN), 'http://x/', render('admin')));
		expect(await text(cache.page(ctx({ role: 'agent', serverId: 's-1' }), 'http://x/', render('agent s-1')))).toBe('agent s-1');
		expect(await text(cache.page(ctx({ role: 'agent', serverId: 's-2' }), 'http://x/', render('agent s-2')))).toBe('agent s-2');
		expect(await text(cache.page(ctx(ADMIN, 'ja'), 'http://x/', render('ja')))).toBe('ja');
		expect(await text(cache.page(ctx(ADMIN), 'http://x/?server=s-1', render('s-1')))).toBe('s-1');
		expect(await text(cache.page(ctx(ADMIN), 'http://x/', render('again')))).toBe('admin');
	});

	it('renders afresh after a write, in a new second (serving the second before while it renders, if nothing was written), and always where the store has no version', async () => {
		let version = 1;
		const { cache, clock, render } = setup(() => `${version}:0`);
		await text(cache.page(ctx(ADMIN), 'http://x/', render('v1')));
		version++;
		expect(await text(cache.page(ctx(ADMIN), 'http://x/', render('v2')))).toBe('v2');
		clock.tick(1000);
		// only the clock moved: the second before's page is served while this second's renders, then this one
		expect(await text(cache.page(ctx(ADMIN), 'http://x/', render('next second')))).toBe('v2');
		await new Promise((r) => setTimeout(r, 20));
		expect(await text(cache.page(ctx(ADMIN), 'http://x/', render('unused')))).toBe('next second');
		// after a write nothing older is served, and never a page more than a second old
		version++;
		clock.tick(1000);
		expect(await text(cache.page(ctx(ADMIN), 'http://x/', render('v3')))).toBe('v3');
		clock.tick(2000);
		expect(await text(cache.page(ctx(ADMIN), 'http://x/', render('two seconds on')))).toBe('two seconds on');
		const postgres = setup(null);
		await text(postgres.cache.page(ctx(ADMIN), 'http://x/', postgres.render('one')));
		expect(await text(postgres.cache.page(ctx(ADMIN), 'http://x/', postgres.render('two')))).toBe('two');
	});

	it('keeps no error page, no page that sets a cookie and no more than its bound', async () => {
		const { cache, render, renders } = setup();
		await text(cache.page(ctx(ADMIN), 'http://x/a', render('gone', { status: 404 })));
		await text(cache.page(ctx(ADMIN), 'http://x/a', render('gone', { status: 404 })));
		await text(cache.page(ctx(ADMIN), 'http://x/b', render('c', { headers: { 'set-cookie': 'a=b' } })));
		await text(cache.page(ctx(ADMIN), 'http://x/b', render('c', { headers: { 'set-cookie': 'a=b' } })));
		expect(renders()).toBe(4);
		for (let i = 0; i < PageCache.MAX_PAGES + 5; i++) await text(cache.page(ctx(ADMIN), `http://x/?page=${i}`, render(String(i))));
		expect(await text(cache.page(ctx(ADMIN), `http://x/?page=${PageCache.MAX_PAGES + 1}`, render('not kept')))).toBe('not kept');
	});
});
