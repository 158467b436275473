import type { Store } from './db';
import type { LocalMeter } from './metering/meter';
import type { Context } from './trpc/context';

export interface Page {
	status: number;
	headers: [string, string][];
	/** bytes, not a string: a page served again is not encoded again */
	body: ArrayBuffer;
}

/**
 * Server-rendered pages, each kept for the rest of its second while the database does not change, per caller (the whole
 * identity: role, server, customer), locale and URL: a dashboard asked for by fifty clients at once is rendered once a
 * second, not fifty times. The CSP is in hash mode, so a page's bytes are the same for every response. Bounded in count
 * and size; nothing is kept where the store has no version (PostgreSQL: other instances write).
 */
export class PageCache {
	static readonly MAX_PAGES = 100;
	static readonly MAX_PAGE_BYTES = 1 << 20;
	/** a page still being rendered is shared too: the requests of a new second wait for one rendering */
	#pages = new Map<string, Page | Promise<Page | undefined>>();
	/** the newest page per key without its second, for the second after it */
	#latest = new Map<string, { second: number; page: Page }>();
	#second = 0;

	constructor(
		private readonly store: Store,
		private readonly clock: () => number,
		private readonly meter: Pick<LocalMeter, 'currentRunId' | 'uptimeSeconds'>
	) {}

	async page(ctx: Context, url: string, render: () => Promise<Response>): Promise<Response> {
		const key = this.#key(ctx, url);
		if (key === undefined) return render();
		const hit = this.#pages.get(key.full);
		if (hit && !(hit instanceof Promise)) return respond(hit);
		// the page of the second before, when nothing was written since: only the clock moved, so it
		// is served while this second's page renders (its times are at most a second old; the page ticks them)
		const previous = this.#latest.get(key.base);
		const stale = previous && key.second - previous.second <= 1 ? previous.page : undefined;
		if (hit) {
			if (stale) return respond(stale);
			const page = await hit;
			return page ? respond(page) : render();
		}
		if (this.#pages.size >= PageCache.MAX_PAGES) return render();
		const rendered = render().then(async (response): Promise<{ response: Response; page?: Page }> => {
			const cacheable =
				response.status === 200 && response.headers.get('content-type')?.startsWith('text/html') && !response.headers.has('set-cookie');
			return cacheable
				? { response, page: { status: 200, headers: [...response.headers], body: await response.arrayBuffer() } }
				: { response };
		});
		// rendered within one key (no new second or write meanwhile): valid for the rest of it
		const keep = ({ page }: { page?: Page }) =>
			page && page.body.byteLength <= PageCache.MAX_PAGE_BYTES && key.full === this.#key(ctx, url)?.full ? page : undefined;
		const pending = rendered.then(keep, () => undefined);
		this.#pages.set(key.full, pending);
		void pending.then((page) => {
			if (this.#pages.get(key.full) !== pending) return;
			if (!page) return this.#pages.delete(key.full);
			this.#pages.set(key.full, page);
			this.#latest.delete(key.base);
			this.#latest.set(key.base, { second: key.second, page });
			if (this.#latest.size > PageCache.MAX_PAGES) this.#latest.delete(this.#latest.keys().next().value!);
		});
		if (stale) return respond(stale);
		const { response, page } = await rendered;
		return page ? respond(page) : response;
	}

	/**
	 * A page that can be served without rendering (the fast path, http/fast-api.ts): this second's, or while it renders
	 * the second before's. Otherwise SvelteKit answers, and renders.
	 */
	ready(ctx: Context, url: string): Page | undefined {
		const key = this.#key(ctx, url);
		const hit = key && this.#pages.get(key.full);
		if (!hit || !(hit instanceof Promise)) return hit;
		const previous = this.#latest.get(key!.base);
		return previous && key!.second - previous.second <= 1 ? previous.page : undefined;
	}

	#key({ auth, locale }: Context, url: string): { base: string; full: string; second: number } | undefined {
		const version = this.store.version?.();
		if (version === undefined) return undefined;
		const now = this.clock();
		const second = Math.floor(now / 1000);
		// every key names its second: earlier pages are never served again (but for the one second above)
		if (second !== this.#second) this.#pages.clear();
		this.#second = second;
		// everything but the clock: a write, another run of this machine, another caller is another base
		const base = `${url}\n${JSON.stringify(auth)}\n${locale}\n${version}\n${this.meter.currentRunId}`;
		return { base, full: `${base}\n${second} ${this.meter.uptimeSeconds(now)}`, second };
	}
}

const respond = ({ status, headers, body }: Page) => new Response(body, { status, headers });
