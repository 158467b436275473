import type { Store } from './db';
import type { LocalMeter } from './metering/meter';
import type { Context } from './trpc/context';

interface Page {
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
	#second = 0;

	constructor(
		private readonly store: Store,
		private readonly clock: () => number,
		private readonly meter: Pick<LocalMeter, 'currentRunId' | 'uptimeSeconds'>
	) {}

	async page(ctx: Context, url: string, render: () => Promise<Response>): Promise<Response> {
		const key = this.#key(ctx, url);
		const hit = key === undefined ? undefined : this.#pages.get(key);
		if (hit) {
			const page = await hit;
			return page ? respond(page) : render();
		}
		if (key === undefined || this.#pages.size >= PageCache.MAX_PAGES) return render();
		const rendered = render().then(async (response): Promise<{ response: Response; page?: Page }> => {
			const cacheable =
				response.status === 200 && response.headers.get('content-type')?.startsWith('text/html') && !response.headers.has('set-cookie');
			return cacheable
				? { response, page: { status: 200, headers: [...response.headers], body: await response.arrayBuffer() } }
				: { response };
		});
		// rendered within one key (no new second or write meanwhile): valid for the rest of it
		const keep = ({ page }: { page?: Page }) =>
			page && page.body.byteLength <= PageCache.MAX_PAGE_BYTES && key === this.#key(ctx, url) ? page : undefined;
		const pending = rendered.then(keep, () => undefined);
		this.#pages.set(key, pending);
		void pending.then((page) => this.#pages.get(key) === pending && (page ? this.#pages.set(key, page) : this.#pages.delete(key)));
		const { response, page } = await rendered;
		return page ? respond(page) : response;
	}

	#key({ auth, locale }: Context, url: string): string | undefined {
		const version = this.store.version?.();
		if (version === undefined) return undefined;
		const now = this.clock();
		const second = Math.floor(now / 1000);
		// every key names its second: earlier pages are never served again
		if (second !== this.#second) this.#pages.clear();
		this.#second = second;
		return `${url}\n${JSON.stringify(auth)}\n${locale}\n${version}\n${second} ${this.meter.uptimeSeconds(now)} ${this.meter.currentRunId}`;
	}
}

const respond = ({ status, headers, body }: Page) => new Response(body, { status, headers });
