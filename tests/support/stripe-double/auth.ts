/**
 * API key checks. Secret keys come as `Authorization: Bearer sk_…`; Stripe.js sends a publishable
 * key as the `key` param, which only works on client-side endpoints together with the client_secret.
 */
import { invalidApiKey, invalidRequest, missingParam, noApiKey } from './errors';
import type { AuthInfo, Params } from './types';

export interface AuthConfig {
	secretKey?: string;
	publishableKey?: string;
}

function keyFrom(authorization: string | undefined, params: Params): string | null {
	if (authorization) {
		const bearer = /^Bearer\s+(.+)$/i.exec(authorization);
		if (bearer) return bearer[1].trim();
		const basic = /^Basic\s+(.+)$/i.exec(authorization);
		if (basic) return Buffer.from(basic[1], 'base64').toString('utf8').split(':')[0];
	}
	return typeof params.key === 'string' && params.key ? params.key : null;
}

function checkPublishable(key: string, config: AuthConfig, clientSide: boolean, params: Params): AuthInfo {
	if (config.publishableKey ? key !== config.publishableKey : !key.startsWith('pk_test_')) throw invalidApiKey(key);
	if (!clientSide) {
		throw invalidRequest(
			'This API call cannot be made with a publishable API key. Please use a secret API key. You can find a list of your API keys at https://dashboard.stripe.com/account/apikeys.',
			{},
			401
		);
	}
	const clientSecret = params.client_secret;
	if (typeof clientSecret !== 'string' || !clientSecret) throw missingParam('client_secret');
	return { mode: 'publishable', clientSecret };
}

export function authenticate(authorization: string | undefined, params: Params, config: AuthConfig, clientSide: boolean): AuthInfo {
	const key = keyFrom(authorization, params);
	if (!key) throw noApiKey();
	if (key.startsWith('pk_')) return checkPublishable(key, config, clientSide, params);
	if (config.secretKey ? key !== config.secretKey : !/^(sk|rk)_test_/.test(key)) throw invalidApiKey(key);
	return { mode: 'secret' };
}
