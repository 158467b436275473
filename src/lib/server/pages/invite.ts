import { fail } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { Context } from '../trpc/context';
import { toTRPCError } from '../trpc/errors';
import { createCaller } from '../trpc/router';

/** Takes a customer's access away for the form action (unused links stop working, sessions end); expected failures are the form's error. */
export async function revokeAction(ctx: Context, customerId: string) {
	try {
		return { invite: null, revoked: { customerId, ...(await createCaller(ctx).revokeCustomerAccess({ customerId })) } };
	} catch (cause) {
		return expectedFailure(cause);
	}
}

/** Makes an invitation for the form action (a link relative to the site made absolute, to send); an expected failure (not the admin, unknown customer) is the form's error. */
export async function inviteAction(ctx: Context, customerId: string, origin: string) {
	try {
		const invite = await createCaller(ctx).inviteCustomer({ customerId });
		return { invite: { customerId, url: new URL(invite.url, origin).href, expiresAt: invite.expiresAt } };
	} catch (cause) {
		return expectedFailure(cause);
	}
}

/** Not the admin, an unknown customer: the form shows why; anything else is the app's failure. */
function expectedFailure(cause: unknown) {
	const error = cause instanceof TRPCError ? cause : toTRPCError(cause);
	if (!error || error.code === 'INTERNAL_SERVER_ERROR') throw cause;
	return fail(getHTTPStatusCodeFromError(error), { invite: null, error: error.message });
}
