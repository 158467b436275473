import type { RequestHandler } from './$types';
import { uptimeBody, jsonEndpoint } from '$lib/server/trpc/prototype';

/** The prototype's GET /api/uptime. */
export const GET: RequestHandler = ({ locals }) => jsonEndpoint(locals.ctx, () => uptimeBody(locals.ctx));
