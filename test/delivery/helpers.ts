import { Webhook } from "standardwebhooks";
import { expect } from "vitest";
import type { ReceivedRequest } from "../receiver/server";

/** Asserts the Standard Webhooks signature of a received request, with the reference package. */
export function expectSigned(request: ReceivedRequest, secret: string) {
  const verified = new Webhook(secret).verify(request.body, request.headers);
  if (request.body === "") expect(verified).toBeUndefined();
  else expect(verified).toEqual(JSON.parse(request.body));
}
