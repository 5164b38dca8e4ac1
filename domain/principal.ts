/** `home-affairs`, `ministry:<CODE>`, `locality:<CODE>` or `public`. */
export type PrincipalName = string;

export type Principal =
  | { kind: 'home-affairs'; name: 'home-affairs' }
  | { kind: 'ministry'; code: string; name: PrincipalName }
  | { kind: 'locality'; code: string; name: PrincipalName }
  | { kind: 'public'; name: 'public' };

export function parsePrincipal(name: string): Principal | null {
  if (name === 'home-affairs') return { kind: 'home-affairs', name };
  if (name === 'public') return { kind: 'public', name };
  const m = /^(ministry|locality):([A-Z][A-Z0-9]{1,15})$/.exec(name);
  if (!m) return null;
  return { kind: m[1] as 'ministry' | 'locality', code: m[2] as string, name };
}
