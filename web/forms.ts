import type { z } from 'zod';
import { isCalendarDate } from '../domain/dates';
import { Refusal, type FieldLocation } from '../domain/refusal';
import type { Messages } from './i18n';
import type { FieldError } from './layout';

/** A form field's name, what it holds, and where it goes in the API's body. */
export interface FormField {
  kind: 'text' | 'date' | 'choice' | 'email';
  /** Dotted path in the API body (the same zod schema validates both). */
  path: string;
  required?: boolean;
  /** What to say when the API's schema refuses the value (instead of the kind's general message). */
  invalid?: string;
  /** What to say when the application refuses the value by its rules (a 409 or 422 naming this field). */
  refused?: string;
}
export type FormSpec = Record<string, FormField>;

/** A form's raw values (strings), as sent. */
export type FormValues = Record<string, string>;

export function formValues(body: unknown, spec: FormSpec): FormValues {
  const b = (body ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.keys(spec).map((k) => [k, typeof b[k] === 'string' ? (b[k] as string) : '']));
}

/** dd/mm/yyyy (as people write it in Viet Nam) or yyyy-mm-dd, to the API's YYYY-MM-DD; null if neither. */
export function parseDateInput(s: string): string | null {
  const v = s.trim();
  const m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(v);
  const iso = m ? `${m[3]}-${m[2]?.padStart(2, '0')}-${m[1]?.padStart(2, '0')}` : v;
  return isCalendarDate(iso) ? iso : null;
}

function message(t: Messages, f: FormField, tooLong = false): string {
  if (tooLong) return t.errTooLong;
  switch (f.kind) {
    case 'date':
      return t.errDate;
    case 'choice':
      return t.errChoose;
    case 'email':
      return t.errEmailField;
    default:
      return t.errRequired;
  }
}

/**
 * Builds the API body from the form: empty optional fields are left out, dates are converted.
 * Returns the field errors found on the way (required fields, dates that are not dates).
 */
export function formToBody(
  t: Messages,
  spec: FormSpec,
  values: FormValues,
): { body: Record<string, unknown>; errors: FieldError[] } {
  const body: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  for (const [name, f] of Object.entries(spec)) {
    const raw = values[name]?.trim() ?? '';
    if (raw === '') {
      if (f.required) errors.push({ field: name, message: message(t, f) });
      continue;
    }
    let value: string = values[name] ?? '';
    if (f.kind === 'date') {
      const iso = parseDateInput(raw);
      if (!iso) {
        errors.push({ field: name, message: t.errDate });
        continue;
      }
      value = iso;
    }
    const keys = f.path.split('.');
    let target = body;
    for (const k of keys.slice(0, -1)) target = (target[k] ??= {}) as Record<string, unknown>;
    target[keys[keys.length - 1] as string] = value;
  }
  return { body, errors };
}

/** Where a refused value sits in the form's body (a path parameter is in no form field). */
export function bodyPathOf(l: FieldLocation): string | null {
  if (l.in !== undefined && l.in !== 'body') return null;
  return [l.list, l.index, l.field].filter((x) => x !== undefined && x !== '').join('.');
}

function fieldForPath(spec: FormSpec, p: string): [string, FormField] | undefined {
  return (
    Object.entries(spec).find(([, f]) => f.path === p) ??
    Object.entries(spec).find(([, f]) => p.startsWith(`${f.path}.`) || f.path.startsWith(`${p}.`))
  );
}

/** The API schema's verdict on the body, as field errors of the form (none: it is valid). */
export function schemaErrors<S extends z.ZodType>(
  t: Messages,
  spec: FormSpec,
  schema: S,
  body: unknown,
): { data?: z.output<S>; errors: FieldError[] } {
  const r = schema.safeParse(body);
  if (r.success) return { data: r.data, errors: [] };
  const errors: FieldError[] = [];
  for (const issue of r.error.issues) {
    const hit = fieldForPath(spec, issue.path.join('.'));
    const field = hit?.[0] ?? Object.keys(spec)[0] ?? 'form';
    if (!errors.some((e) => e.field === field))
      errors.push({
        field,
        message: hit ? (hit[1].invalid ?? message(t, hit[1], issue.code === 'too_big')) : t.errRequired,
      });
  }
  return { errors };
}

/**
 * A refusal from the application (the same one the API answers with) as form errors: a named
 * field goes beside that field; anything else goes to the summary under the form's first field.
 * A refusal by a document or date rule (`errors[].rule`) is said in the page's words by `explain`
 * (web/messages/documents.ts), beside its field, also when it is a 403 (a document the person may
 * not use); any other 403 is left to the caller.
 */
export function problemErrors(
  t: Messages,
  spec: FormSpec,
  err: unknown,
  explain?: (rule: string, params: Record<string, string>) => string | undefined,
): FieldError[] | null {
  if (!(err instanceof Refusal) || err.kind === 'unavailable' || err.kind === 'not-found') return null;
  const ruleOf = (e: (typeof err.errors)[number]) => (typeof e.extra?.rule === 'string' ? e.extra.rule : undefined);
  const hitOf = (e: (typeof err.errors)[number]) => {
    const path = bodyPathOf(e.location);
    return path === null ? undefined : fieldForPath(spec, path);
  };
  if (err.kind === 'forbidden' && !err.errors.some((e) => ruleOf(e) && hitOf(e))) return null;
  const errors: FieldError[] = [];
  for (const e of err.errors) {
    const hit = hitOf(e);
    const rule = ruleOf(e);
    const said =
      rule && explain ? explain(rule, (e.extra?.params as Record<string, string> | undefined) ?? {}) : undefined;
    if (hit && !errors.some((x) => x.field === hit[0]))
      errors.push({ field: hit[0], message: said ?? hit[1].refused ?? message(t, hit[1]) });
  }
  if (errors.length === 0) {
    const first = Object.keys(spec)[0] ?? 'form';
    errors.push({ field: first, message: err.code === 'STALE_STATUS' ? t.errStale : err.message });
  }
  return errors;
}
