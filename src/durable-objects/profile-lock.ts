import { DurableObject } from "cloudflare:workers";

/** One object per profile: serialises integration activation on that profile. */
export class ProfileLock extends DurableObject<Env> {}
