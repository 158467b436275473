import { z } from 'zod';
import { LOCALES } from '../../../format';

/** Input pieces shared by procedures. Ids are short slugs; locales are the two we speak. */
export const serverId = z
	.string()
	.trim()
	.min(1)
	.max(64)
	.regex(/^[\w.-]+$/, 'must be letters, digits, "_", "." or "-"');
/** Customer ids: the same slugs ("default" is the one built from CUSTOMER_EMAIL / STRIPE_CUSTOMER_ID). */
export const customerId = serverId;
export const locale = z.enum(LOCALES as ['en', 'ja']);
export const serverInput = z.object({ serverId: serverId.optional(), locale: locale.optional() }).strict();
