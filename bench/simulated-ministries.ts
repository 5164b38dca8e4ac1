/** The 12 ministry codes of the catalog, for simulations (catalog/reference.json holds their names). */
import reference from '../catalog/reference.json';

export const MINISTRY_CODES: string[] = (
  reference as { ministries: { code: string; delegates?: boolean }[] }
).ministries
  .filter((m) => m.delegates !== false)
  .map((m) => m.code)
  .slice(0, 12);
