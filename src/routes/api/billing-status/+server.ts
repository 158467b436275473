import type { RequestHandler } from './$types';
import { jsonEndpoint } from '$lib/server/http/json';
import { billingStatusBody } from '$lib/server/http/prototype';

/** The prototype's GET /api/billing-status, snake_case fields kept for its scripts. */
export const GET: RequestHandler = ({ locals }) => jsonEndpoint(locals.ctx, () => billingStatusBody(locals.ctx));
