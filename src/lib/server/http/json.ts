import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { TRPCError } from '@trpc/server';
import type { Context } from '../trpc/context';
import { retryAfter, toTRPCError } from '../trpc/errors';

/** What a JSON endpoint answers, before it becomes a Response (SvelteKit) or is written to a socket (fast path). */
export interface JsonReply {
	status: number;
	body: unknown;
	headers?: Record<string, string>;
}

/**
 * Runs one procedure call for a prototype-style JSON endpoint and answers with the right
 * HTTP status: the domain's message on an expected failure, a request id otherwise.
 */
export async function jsonReply<T>(
	ctx: Context,
	call: () => Promise<T>,
	onError?: (message: string, code: string) => object
): Promise<JsonReply> {
	try {
		return { status: 200, body: await call() };
	} catch (error) {
		const trpcError = error instanceof TRPCError ? error : toTRPCError(error);
		const expected = trpcError && trpcError.code !== 'INTERNAL_SERVER_ERROR';
		if (!expected) ctx.app.logger.error({ err: error, requestId: ctx.requestId }, 'endpoint failed');
		const message = expected ? trpcError.message : `Internal error (id ${ctx.requestId})`;
		const code = expected ? failureCode(trpcError) : 'INTERNAL_ERROR';
		const status = expected ? getHTTPStatusCodeFromError(trpcError) : 500;
		const seconds = trpcError ? retryAfter([trpcError]) : undefined;
		const headers = seconds ? { 'retry-after': String(seconds) } : undefined;
		return { status, body: onError?.(message, code) ?? { error: message, code }, headers };
	}
}

export async function jsonEndpoint<T>(
	ctx: Context,
	call: () => Promise<T>,
	onError?: (message: string, code: string) => object
): Promise<Response> {
	const reply = await jsonReply(ctx, call, onError);
	return Response.json(reply.body, { status: reply.status, headers: reply.headers });
}

function failureCode(error: TRPCError): string {
	const cause = error.cause as { code?: unknown } | undefined;
	return typeof cause?.code === 'string' ? cause.code : error.code;
}
