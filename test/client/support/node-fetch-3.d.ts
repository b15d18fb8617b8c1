/**
 * node-fetch 3.3.2's own types (@types/index.d.ts, MIT), comments cut, and its imports of
 * fetch-blob and formdata-polyfill replaced by the global Blob and FormData: this project has
 * node-fetch 2 only (a dependency's, without types), and README names node-fetch as a client
 * `fetch` option. Its Request and Response are classes of their own, not the DOM's.
 */
/// <reference types="node" />

import type { RequestOptions } from 'node:http';

type AbortSignal = {
  readonly aborted: boolean;
  addEventListener: (type: 'abort', listener: (this: AbortSignal) => void) => void;
  removeEventListener: (type: 'abort', listener: (this: AbortSignal) => void) => void;
};

export type HeadersInit = Headers | Record<string, string> | Iterable<readonly [string, string]> | Iterable<Iterable<string>>;

export class Headers {
  constructor(init?: HeadersInit);

  append(name: string, value: string): void;
  delete(name: string): void;
  get(name: string): string | null;
  has(name: string): boolean;
  set(name: string, value: string): void;
  forEach(
    callbackfn: (value: string, key: string, parent: Headers) => void,
    thisArg?: any
  ): void;

  [Symbol.iterator](): IterableIterator<[string, string]>;
    entries(): IterableIterator<[string, string]>;
    keys(): IterableIterator<string>;
    values(): IterableIterator<string>;

    raw(): Record<string, string[]>;
}

export interface RequestInit {
    body?: BodyInit | null;
    headers?: HeadersInit;
    method?: string;
    redirect?: RequestRedirect;
    signal?: AbortSignal | null;
    referrer?: string;
    referrerPolicy?: ReferrerPolicy;

  // Node-fetch extensions to the whatwg/fetch spec
  agent?: RequestOptions['agent'] | ((parsedUrl: URL) => RequestOptions['agent']);
  compress?: boolean;
  counter?: number;
  follow?: number;
  hostname?: string;
  port?: number;
  protocol?: string;
  size?: number;
  highWaterMark?: number;
  insecureHTTPParser?: boolean;
}

export interface ResponseInit {
  headers?: HeadersInit;
  status?: number;
  statusText?: string;
}

export type BodyInit =
  | Blob
  | Buffer
  | URLSearchParams
  | FormData
  | NodeJS.ReadableStream
  | string;
declare class BodyMixin {
  constructor(body?: BodyInit, options?: {size?: number});

  readonly body: NodeJS.ReadableStream | null;
  readonly bodyUsed: boolean;
  readonly size: number;

    buffer(): Promise<Buffer>;
  arrayBuffer(): Promise<ArrayBuffer>;
  formData(): Promise<FormData>;
  blob(): Promise<Blob>;
  json(): Promise<unknown>;
  text(): Promise<string>;
}

// `Body` must not be exported as a class since it's not exported from the JavaScript code.
export interface Body extends Pick<BodyMixin, keyof BodyMixin> {}

export type RequestRedirect = 'error' | 'follow' | 'manual';
export type ReferrerPolicy = '' | 'no-referrer' | 'no-referrer-when-downgrade' | 'same-origin' | 'origin' | 'strict-origin' | 'origin-when-cross-origin' | 'strict-origin-when-cross-origin' | 'unsafe-url';
export type RequestInfo = string | Request;
export class Request extends BodyMixin {
  constructor(input: URL | RequestInfo, init?: RequestInit);

    readonly headers: Headers;
    readonly method: string;
    readonly redirect: RequestRedirect;
    readonly signal: AbortSignal;
    readonly url: string;
    readonly referrer: string;
    readonly referrerPolicy: ReferrerPolicy;
  clone(): Request;
}

type ResponseType = 'basic' | 'cors' | 'default' | 'error' | 'opaque' | 'opaqueredirect';

export class Response extends BodyMixin {
  constructor(body?: BodyInit | null, init?: ResponseInit);

  readonly headers: Headers;
  readonly ok: boolean;
  readonly redirected: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly type: ResponseType;
  readonly url: string;
  clone(): Response;

  static error(): Response;
  static redirect(url: string, status?: number): Response;
  static json(data: any, init?: ResponseInit): Response;
}

export class FetchError extends Error {
  constructor(message: string, type: string, systemError?: Record<string, unknown>);

  name: 'FetchError';
  [Symbol.toStringTag]: 'FetchError';
  type: string;
  code?: string;
  errno?: string;
}

export class AbortError extends Error {
  type: string;
  name: 'AbortError';
  [Symbol.toStringTag]: 'AbortError';
}

export function isRedirect(code: number): boolean;
export default function fetch(url: URL | RequestInfo, init?: RequestInit): Promise<Response>;
