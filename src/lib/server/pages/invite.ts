import { fail } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { Context } from '../trpc/context';
import { toTRPCError } from '../trpc/errors';
import { createCaller } from '../trpc/router';

/** Makes an invitation for the form action (a link relative to the site made absolute, to send); an expected failure (not the admin, unknown customer) is the form's error. */
export async function inviteAction(ctx: Context, customerId: string, origin: string) {
	try {
		const invite = await createCaller(ctx).inviteCustomer({ customerId });
		return { invite: { customerId, url: new URL(invite.url, origin).href, expiresAt: invite.expiresAt } };
	} catch (cause) {
		const error = cause instanceof TRPCError ? cause : toTRPCError(cause);
		if (!error || error.code === 'INTERNAL_SERVER_ERROR') throw cause;
		return fail(getHTTPStatusCodeFromError(error), { invite: null, error: error.message });
	}
}
