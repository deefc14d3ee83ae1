/**
 * Two-way TLS (API.md §6): a webhook may name a client certificate uploaded to the deployment, a
 * Workers `mtls_certificates` binding. Such a binding is a Fetcher whose requests present the
 * certificate; Weft only accepts bindings whose names start with `MTLS_`, so a webhook can name
 * nothing else the Worker is bound to (its databases, queues, assets).
 */

export const CLIENT_CERTIFICATE_NAME = /^MTLS_[A-Z0-9_]{1,59}$/;

/** The Fetcher of a client certificate binding, by name; undefined when none is deployed. */
export type ClientCertificates = (name: string) => Fetcher | undefined;

export function clientCertificatesOf(env: object): ClientCertificates {
  const bindings = env as Record<string, unknown>;
  return (name) => {
    if (!CLIENT_CERTIFICATE_NAME.test(name)) return undefined;
    const binding = bindings[name] as Partial<Fetcher> | undefined;
    return typeof binding?.fetch === "function" ? (binding as Fetcher) : undefined;
  };
}
