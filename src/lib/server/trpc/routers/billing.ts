import { billingStatus as status } from '../../billing/status';
import { defaultServer } from '../../auth/scope';
import { LOCAL_SERVER_ID } from '../../metering/servers';
import { accountProcedure } from '../init';
import { serverInput } from './inputs';

/**
 * What a server owes right now: its unbilled window, priced. The admin may ask about any
 * server (default: this machine); a customer about their own (default: their first), another's answers 404.
 */
export const billingStatus = accountProcedure.input(serverInput.optional()).query(async ({ ctx, input }) => {
	const locale = input?.locale ?? ctx.locale;
	// the admin's hot path reads nothing more than the status itself
	if (ctx.auth.role === 'admin') return status(ctx.app, input?.serverId, locale);
	const server = await defaultServer(ctx.app.store, ctx.auth, input?.serverId, LOCAL_SERVER_ID);
	return status(ctx.app, server.id, locale);
});
