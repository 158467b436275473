import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { RequestHandler } from './$types';
import { appRouter } from '$lib/server/trpc/router';

/** tRPC over HTTP (dev server and fallback); production serves this path on a faster route (scripts/start.mjs). */
const handler: RequestHandler = ({ request, locals }) =>
	fetchRequestHandler({ endpoint: '/api/trpc', req: request, router: appRouter, createContext: () => locals.ctx });

export const GET = handler;
export const POST = handler;
