import { AGENCY_CODE, unanchored } from './codes';

/** `home-affairs`, `ministry:<CODE>`, `locality:<CODE>`, `commune:<5-digit code>` or `public`. */
export type PrincipalName = string;

export type Principal =
  | { kind: 'home-affairs'; name: 'home-affairs' }
  | { kind: 'ministry'; code: string; name: PrincipalName }
  | { kind: 'locality'; code: string; name: PrincipalName }
  /** A commune's focal point: reports for its commune only (official five-digit code). */
  | { kind: 'commune'; code: string; name: PrincipalName }
  | { kind: 'public'; name: 'public' };

const PRINCIPAL_NAME = new RegExp(`^(ministry|locality):(${unanchored(AGENCY_CODE)})$`);

export function parsePrincipal(name: string): Principal | null {
  if (name === 'home-affairs') return { kind: 'home-affairs', name };
  if (name === 'public') return { kind: 'public', name };
  const c = /^commune:([0-9]{5})$/.exec(name);
  if (c) return { kind: 'commune', code: c[1] as string, name };
  const m = PRINCIPAL_NAME.exec(name);
  if (!m) return null;
  return { kind: m[1] as 'ministry' | 'locality', code: m[2] as string, name };
}
