// What client-go accepts as CA data, roughly: FlyteAdmin builds its clients from the certPath file at startup and
// fails when the bytes hold no PEM certificate (docs/flyte-behaviour.md#startup).

/** True when `pem` holds at least one CERTIFICATE block whose body decodes as base64. */
export function parsesAsPem(pem: string): boolean {
  const m = /-----BEGIN CERTIFICATE-----\r?\n([A-Za-z0-9+/=\r\n]+)-----END CERTIFICATE-----/.exec(pem);
  return m !== null && (m[1] as string).replace(/\s/g, '').length > 0;
}
