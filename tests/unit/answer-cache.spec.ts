import { describe, expect, it } from 'vitest';
import type { App } from '../../src/lib/server/app';
import { AnswerCache } from '../../src/lib/server/answer-cache';
import type { Auth, Context } from '../../src/lib/server/trpc/context';
import type { JsonReply } from '../../src/lib/server/trpc/prototype';

const now = Date.UTC(2026, 10, 30, 12, 0, 0, 250);
const app = { store: { version: () => '1:0' }, clock: () => now, meter: { uptimeSeconds: () => 60, currentRunId: 7 } } as unknown as App;
const ctx = (auth: Auth): Context => ({ app, auth, requestId: 'r', clientKey: '127.0.0.1', locale: 'en' });

function counting() {
	const made: string[] = [];
	const make = (who: string) => async (): Promise<JsonReply> => {
		made.push(who);
		await new Promise((r) => setTimeout(r, 5));
		return { status: 200, headers: {}, body: JSON.stringify({ who }) };
	};
	return { made, make };
}

describe('remembered answers', () => {
	it('makes one answer for requests that arrive together, each identity its own', async () => {
		const cache = new AnswerCache(app);
		const { made, make } = counting();
		const admins = Array.from({ length: 20 }, () => cache.answer(ctx({ role: 'admin' }), '/api/billing-status', make('admin')));
		const agents = ['a', 'b'].map((id) => cache.answer(ctx({ role: 'agent', serverId: id }), '/api/billing-status', make(`agent ${id}`)));
		const bodies = (await Promise.all([...admins, ...agents])).map((reply) => reply.body);
		expect(made).toEqual(['admin', 'agent a', 'agent b']);
		expect(new Set(bodies.slice(0, 20))).toEqual(new Set(['{"who":"admin"}']));
		expect(bodies.slice(20)).toEqual(['{"who":"agent a"}', '{"who":"agent b"}']);
		// and later ones are served from memory, without a promise
		expect(cache.answer(ctx({ role: 'admin' }), '/api/billing-status', make('again'))).toMatchObject({ body: '{"who":"admin"}' });
		expect(made).toHaveLength(3);
	});

	it('remembers no failure: the requests that waited on one make their own answer', async () => {
		const cache = new AnswerCache(app);
		let calls = 0;
		const make = async (): Promise<JsonReply> => {
			calls++;
			await new Promise((r) => setTimeout(r, 5));
			return { status: calls === 1 ? 500 : 200, headers: {}, body: String(calls) };
		};
		const replies = await Promise.all([1, 2, 3].map(() => cache.answer(ctx({ role: 'admin' }), 'x', make)));
		expect(replies[0].status).toBe(500);
		expect(replies.slice(1).every((r) => r.status === 200)).toBe(true);
	});
});
