import type { RequestHandler } from './$types';
import { jsonEndpoint } from '$lib/server/http/json';
import { uptimeBody } from '$lib/server/http/prototype';

/** The prototype's GET /api/uptime. */
export const GET: RequestHandler = ({ locals }) => jsonEndpoint(locals.ctx, () => uptimeBody(locals.ctx));
