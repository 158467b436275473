import { billingStatus as status } from '../../billing/status';
import { adminProcedure } from '../init';
import { serverInput } from './inputs';

/** What a server owes right now: its unbilled window, priced. */
export const billingStatus = adminProcedure
	.input(serverInput.optional())
	.query(({ ctx, input }) => status(ctx.app, input?.serverId, input?.locale ?? ctx.locale));
