import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { RequestHandler } from './$types';
import { retryAfter } from '$lib/server/trpc/errors';
import { appRouter } from '$lib/server/trpc/router';

/** tRPC over HTTP (dev server and fallback); production serves this path on a faster route (scripts/start.mjs). */
const handler: RequestHandler = ({ request, locals }) =>
	fetchRequestHandler({
		endpoint: '/api/trpc',
		req: request,
		router: appRouter,
		createContext: () => locals.ctx,
		responseMeta: ({ errors }) => {
			const seconds = retryAfter(errors);
			return seconds ? { headers: { 'retry-after': String(seconds) } } : {};
		}
	});

export const GET = handler;
export const POST = handler;
