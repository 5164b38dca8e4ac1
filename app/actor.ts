import type { Actor } from '../domain/task';
import type { Principal } from '../domain/principal';
import { forbidden } from '../domain/refusal';

/** The workflow's view of the caller; public callers never reach a write. */
export function actorOf(principal: Principal): Actor {
  switch (principal.kind) {
    case 'home-affairs':
      return { kind: 'home-affairs' };
    case 'ministry':
      return { kind: 'ministry', code: principal.code };
    case 'locality':
      return { kind: 'locality', code: principal.code };
    default:
      throw forbidden('Read-only tokens cannot change anything.');
  }
}
