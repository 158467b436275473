import { randomBytes } from 'node:crypto';

/** Short, unguessable, and safe to show in an error message. */
export const newRequestId = () => randomBytes(6).toString('hex');
