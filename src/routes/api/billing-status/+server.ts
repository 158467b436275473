import type { RequestHandler } from './$types';
import { billingStatusBody, jsonEndpoint } from '$lib/server/trpc/prototype';

/** The prototype's GET /api/billing-status, snake_case fields kept for its scripts. */
export const GET: RequestHandler = ({ locals }) => jsonEndpoint(locals.ctx, () => billingStatusBody(locals.ctx));
