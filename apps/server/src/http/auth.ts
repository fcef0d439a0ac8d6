// Who may use the server. On a loopback address nobody needs to log in,
// unless local scripts are allowed (then any request runs commands here);
// bound to any other address, every request needs the server's token.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { writeSecretFile } from '@hearth/store';

export const TOKEN_COOKIE = 'hearth_token';
/** 24 random bytes in base64url: what Hearth makes. A shorter token is refused. */
export const MIN_TOKEN_LENGTH = 32;

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export class TokenFileError extends Error {}

/**
 * The server's token, made on first start and kept (readable by its owner
 * only) in the data directory. An empty file (a start that died while
 * writing it) gets a new token; a short one is refused rather than trusted.
 */
export function loadOrCreateToken(dataDir: string): { token: string; created: boolean } {
  const file = join(dataDir, 'api-token');
  if (existsSync(file)) {
    chmodSync(file, 0o600);
    const token = readFileSync(file, 'utf8').trim();
    if (token.length >= MIN_TOKEN_LENGTH) return { token, created: false };
    if (token.length > 0) {
      throw new TokenFileError(
        `The access token in ${file} has ${token.length} characters; Hearth needs at least ${MIN_TOKEN_LENGTH}. ` +
          'Delete the file to have Hearth make a new token, or put a longer one in it.',
      );
    }
  }
  const token = randomBytes(24).toString('base64url');
  writeSecretFile(file, `${token}\n`);
  return { token, created: true };
}

export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookie(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) {
      try {
        return decodeURIComponent(v.join('='));
      } catch {
        return null;
      }
    }
  }
  return null;
}

/** The token a request carries: `Authorization: Bearer`, or the cookie the web app got. */
export function requestToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim();
  return cookie(req, TOKEN_COOKIE);
}

/**
 * Login links that work once: the server prints one at every start, so a
 * user can open the designer without copying the token, and a link that
 * leaks (history, a shared screen) is already spent.
 */
export class LoginCodes {
  private readonly codes = new Set<string>();

  issue(): string {
    const code = randomBytes(24).toString('base64url');
    this.codes.add(code);
    return code;
  }

  /** True once per code. */
  redeem(given: string): boolean {
    for (const code of this.codes) {
      if (sameSecret(given, code)) {
        this.codes.delete(code);
        return true;
      }
    }
    return false;
  }
}
