import { formatUptime, splitDuration } from '../../../format';
import { adminProcedure } from '../init';

/** This machine's uptime, as the prototype's /api/uptime reported it. */
export const uptime = adminProcedure.query(({ ctx }) => {
	const { meter, clock } = ctx.app;
	const uptimeSeconds = meter.uptimeSeconds(clock());
	return {
		bootTime: new Date(meter.bootTime).toISOString(),
		uptimeSeconds,
		...splitDuration(uptimeSeconds),
		formatted: formatUptime(uptimeSeconds)
	};
});
