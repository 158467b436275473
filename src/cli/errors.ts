import { TRPCClientError } from '@trpc/client';

/** A mistake in the command line itself: exit code 2, with the usage hint. */
export class UsageError extends Error {}

/** The option a user typed for each input field, so a refusal names what to fix. */
const OPTION_OF: Record<string, string> = {
	hourlyRate: '--rate',
	id: '--id',
	name: '--name',
	serverId: '--server',
	customerId: '--customer',
	from: '--from',
	to: '--to',
	bucket: '--bucket'
};

interface ErrorData {
	httpStatus?: number;
	errorCode?: string;
	issues?: { path: string; message: string }[];
}

/** One line a person can act on, whatever went wrong between here and the server. */
export function describeFailure(error: unknown, url: string, hasToken: boolean): string {
	if (error instanceof UsageError) return error.message;
	if (error instanceof TRPCClientError) {
		const data = (error.data ?? {}) as ErrorData;
		if (data.httpStatus === undefined && !data.errorCode) return unreachable(error, url);
		if (data.httpStatus === 401)
			return hasToken
				? `The server at ${url} refused the token: check --token (or SERVER_BILLING_TOKEN)`
				: `The server at ${url} needs --token <ADMIN_TOKEN> (or SERVER_BILLING_TOKEN)`;
		if (data.issues?.length) return data.issues.map((issue) => `${OPTION_OF[issue.path] ?? issue.path}: ${issue.message}`).join('; ');
		return `${error.message}${data.errorCode && data.errorCode !== 'UNKNOWN' ? ` [${data.errorCode}]` : ''}`;
	}
	return error instanceof Error ? error.message : String(error);
}

/** No tRPC answer at all: nothing listening, a DNS typo, or something that is not Server Billing. */
function unreachable(error: TRPCClientError<never>, url: string): string {
	const cause = error.cause as (Error & { cause?: { code?: string } }) | undefined;
	const code = cause?.cause?.code;
	if (code || error.message === 'fetch failed')
		return `Cannot reach the billing server at ${url}${code ? ` (${code})` : ''}: pass --url or set SERVER_BILLING_URL`;
	return `The server at ${url} did not answer as Server Billing's API (${error.message}): check --url`;
}
