/*
 * What in a URL may be a secret, for the server's logs and the CLI's output alike.
 */

/**
 * Names of query parameters that hold a secret, by their last word (after `_`, `-` or `.`, or a
 * camelCase capital): `token`, `access_token`, `id_token`, `api_key`, `apiKey`, `password`,
 * `pwd`, `client_secret`, `sig`, `auth`, `authorization`, `jwt`, `session_id`, …; not
 * `author`, `design` or `monkey`.
 */
const SECRET_WORD = /(?:^|[_.-])(?:token|key|apikey|secret|pass|passwd|password|pwd|sig|signature|auth|authorization|jwt|session|sessionid|sid|credentials?)$/i;
const SECRET_CAMEL = /[a-z0-9](?:Token|Key|Secret|Pass|Password|Sig|Signature|Auth|Authorization|Session|SessionId|Credentials?)$/;

/** Whether a query parameter named `name` (decoded) holds a secret by its name. */
export function isSecretName(name: string): boolean {
  return SECRET_WORD.test(name) || SECRET_CAMEL.test(name);
}

/**
 * A JWT, whatever it is called: a base64url header that starts `{"` (`eyJ`), a payload, a dot.
 * A token under a name no list foresees (`?id_token=`, `?<jwt>`, `?token%3D<jwt>`) is one.
 */
export const JWT_LIKE = /eyJ[\w-]+\.[\w-]+\./;
