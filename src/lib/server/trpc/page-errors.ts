import { error } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { toTRPCError } from './errors';

/**
 * A page load's expected failures (an unknown server, a missing sign-in) as SvelteKit errors
 * with their status, so the styled error page shows a 404 rather than a 500.
 */
export async function expectedFailures<T>(work: Promise<T>): Promise<T> {
	try {
		return await work;
	} catch (cause) {
		const trpcError = cause instanceof TRPCError ? cause : toTRPCError(cause);
		if (!trpcError || trpcError.code === 'INTERNAL_SERVER_ERROR') throw cause;
		error(getHTTPStatusCodeFromError(trpcError), trpcError.code === 'NOT_FOUND' ? 'Not found' : trpcError.message);
	}
}
