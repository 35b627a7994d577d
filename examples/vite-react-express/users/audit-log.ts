import type { OnEvent } from 'bff-auth/bff';
import { db } from './db.js';

// Never awaited by the BFF; what it throws or rejects with is logged and swallowed.
export const onEvent: OnEvent = (event) => db.audit.insert({ at: new Date(), ...event });
