import { initTRPC, TRPCError, type TRPCDefaultErrorShape } from '@trpc/server';
import { limitKey } from '../auth/identity';
import { Failure } from '../errors';
import type { Auth, Context } from './context';
import { formatError, toTRPCError } from './errors';

/** The root options; the fast path hands them to tRPC's getErrorShape, so its errors are shaped as tRPC shapes them. */
export const rootOptions = {
	errorFormatter: ({ shape, error, ctx }: { shape: TRPCDefaultErrorShape; error: TRPCError; ctx: Context | undefined }) =>
		formatError(shape, error, ctx?.requestId),
	isDev: false
};

const t = initTRPC.context<Context>().create(rootOptions);

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * Every procedure: mutations are rate-limited per identity (per client address while
 * anonymous, so nobody spends the admin's budget); heartbeats have their own budget per agent
 * token (the admin's, batched for many servers, are not limited); domain failures map to tRPC
 * codes; the unexpected is logged.
 */
const base = t.procedure.use(async ({ ctx, next, path, type }) => {
	const heartbeat = path === 'heartbeat';
	if (type === 'mutation' && !(heartbeat && ctx.auth.role === 'admin')) {
		try {
			await ctx.app.limits.take(
				heartbeat ? 'heartbeats' : 'mutations',
				limitKey(ctx.auth, ctx.clientKey),
				heartbeat ? 'heartbeats' : 'requests'
			);
		} catch (error) {
			throw toTRPCError(error) ?? error;
		}
	}
	const result = await next();
	if (!result.ok) {
		const mapped = toTRPCError(result.error.cause);
		if (mapped) throw mapped;
		if (result.error.code === 'INTERNAL_SERVER_ERROR') {
			ctx.app.logger.error({ err: result.error.cause ?? result.error, requestId: ctx.requestId, path, type }, 'procedure failed');
		}
	}
	return result;
});

export const publicProcedure = base;

/** Admin: the signed-in operator or a bearer ADMIN_TOKEN (everyone, when no token is configured). */
export const adminProcedure = base.use(({ ctx, next }) => {
	if (ctx.auth.role !== 'admin') throw denied(ctx.auth);
	return next({ ctx: { ...ctx, auth: ctx.auth } });
});

/**
 * Admin or customer: procedures a customer may call about their own servers, charges and
 * usage. The procedure scopes itself (auth/scope.ts): another customer's ids answer 404.
 */
export const accountProcedure = base.use(({ ctx, next }) => {
	if (ctx.auth.role !== 'admin' && ctx.auth.role !== 'customer') throw denied(ctx.auth);
	return next({ ctx: { ...ctx, auth: ctx.auth } });
});

export type AccountContext = Context & { auth: Extract<Auth, { role: 'admin' } | { role: 'customer' }> };

/** Agent: a server's own token (or the admin), for heartbeats. */
export const agentProcedure = base.use(({ ctx, next }) => {
	if (ctx.auth.role === 'anonymous') throw denied(ctx.auth);
	return next({ ctx: { ...ctx, auth: ctx.auth } });
});

function denied(auth: Auth) {
	const failure =
		auth.role !== 'anonymous'
			? new Failure('FORBIDDEN', 'This token may not do that')
			: auth.retryAfterSeconds
				? new Failure('RATE_LIMITED', `Too many wrong tokens; try again in ${auth.retryAfterSeconds} s`, {
						retryAfterSeconds: auth.retryAfterSeconds
					})
				: new Failure('SIGN_IN_REQUIRED', 'Sign in, or send Authorization: Bearer <ADMIN_TOKEN>');
	return new TRPCError({ code: failure.kind, message: failure.message, cause: failure });
}
