import type { LayoutServerLoad } from './$types';

/** The locale every page (the error page included) renders in. */
export const load: LayoutServerLoad = ({ locals }) => ({ locale: locals.ctx.locale });
