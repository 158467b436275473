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
export function describeFailure(error: unknown, url: string, hasToken: boolean, given: Record<string, string | undefined> = {}): string {
	if (error instanceof UsageError) return error.message;
	if (error instanceof TRPCClientError) {
		const data = (error.data ?? {}) as ErrorData;
		if (data.httpStatus === undefined && !data.errorCode) return unreachable(error, url);
		if (data.httpStatus === 401)
			return hasToken
				? `The server at ${url} refused the token: check --token (or SERVER_BILLING_TOKEN)`
				: `The server at ${url} needs --token <ADMIN_TOKEN> (or SERVER_BILLING_TOKEN)`;
		if (data.issues?.length)
			return data.issues
				.map((issue) => {
					const option = OPTION_OF[issue.path];
					const value = option ? given[option] : undefined;
					return `${option ?? issue.path}${value === undefined ? '' : ` "${value}"`}: ${issue.message}`;
				})
				.join('; ');
		if (data.errorCode === 'NOT_FOUND' && error.message.startsWith('No procedure found'))
			return `The server at ${url} does not offer this command's API (${error.message}): is it an older version?`;
		return `${error.message}${data.errorCode && data.errorCode !== 'UNKNOWN' ? ` [${data.errorCode}]` : ''}`;
	}
	return error instanceof Error ? error.message : String(error);
}

/** No tRPC answer at all: nothing listening, a DNS typo, or something that is not Server Billing. */
function unreachable(error: TRPCClientError<never>, url: string): string {
	const cause = error.cause as (Error & { cause?: { code?: string; message?: string } }) | undefined;
	// undici puts the socket's reason one level down: ECONNREFUSED, ENOTFOUND, "bad port"
	const code = cause?.cause?.code ?? cause?.cause?.message;
	if (code || error.message === 'fetch failed')
		return `Cannot reach the billing server at ${url}${code ? ` (${code})` : ''}: pass --url or set SERVER_BILLING_URL`;
	return `The server at ${url} did not answer as Server Billing's API (${error.message}): check --url`;
}
