import type { z } from 'zod';
import { CsvSyntaxError, parseCsv, type CsvRecord } from '../catalog/csv';
import { XlsxTooLargeError, readXlsxRecords } from '../catalog/xlsx';
import type { Db } from '../db/client';
import {
  communeSeedStatus,
  communeTaskCodes,
  communesByCode,
  getCommune,
  provinceCommuneTaskCodes,
  taskLevels,
  writeCommuneCells,
  type CommuneCellWrite,
  type WriteOutcome,
} from '../db/communes';
import { localityExists } from '../db/reference-data';
import { checkCommuneEntries, reportChannel, type CommuneReporter } from '../domain/commune-cells';
import {
  CELL_STATES,
  CELL_TEXT_MAX,
  OBSTACLE_CATEGORIES,
  type CellReportEntry,
  type CellState,
  type ObstacleCategory,
} from '../domain/locality-cells';
import type { Principal } from '../domain/principal';
import { Refusal, conflict, forbidden, notFound, type FieldLocation, type FieldRefusal } from '../domain/refusal';
import { foldVietnamese } from '../domain/vietnamese-text';
import type { communeReportBody } from './commune-schemas';

/**
 * The writes of the commune level: a commune's report on all its cells (by the commune, or on its behalf
 * by its province or Home Affairs) and a province's upload of its communes' cells (CSV or xlsx). Both are
 * all or nothing: every bad cell is named (body path, or file row and column) and nothing is written.
 */

export function communeReporter(p: Principal): CommuneReporter {
  if (p.kind === 'commune') return { kind: 'commune', code: p.code };
  if (p.kind === 'locality') return { kind: 'locality', code: p.code };
  if (p.kind === 'home-affairs') return { kind: 'home-affairs' };
  return { kind: 'other' };
}

function refuseWrite(outcome: Extract<WriteOutcome, { ok: false }>): never {
  if (outcome.refusal === 'UNKNOWN_ROUND')
    throw notFound(outcome.message, { code: 'UNKNOWN_ROUND' }, [
      { location: { in: 'body', field: 'round' }, message: 'unknown round' },
    ]);
  throw conflict(outcome.message, { code: 'ROUND_CLOSED' }, [
    { location: { in: 'body', field: 'round' }, message: 'the round is closed' },
  ]);
}

function asWrite(commune: string, e: CellReportEntry): CommuneCellWrite {
  return {
    commune,
    task: e.task,
    state: e.state,
    category: e.state === 'OBSTACLE' ? (e.category ?? null) : null,
    text: e.text ?? '',
  };
}

export interface CommuneReportResult {
  commune: string;
  channel: 'COMMUNE' | 'ON_BEHALF' | 'UPLOAD';
  changed: number;
  unchanged: number;
  at: string;
}

/** The file's columns, in this order (a header row names them; commune_name is checked against the code). */
export const UPLOAD_COLUMNS = ['commune_code', 'commune_name', 'task', 'state', 'category', 'text'] as const;

export const UPLOAD_MAX_BYTES = 32 * 1024 * 1024;
export const UPLOAD_MAX_ROWS = 100_000;

/** "Phường Hoàn Kiếm", "phuong hoan kiem" and "Hoàn Kiếm" name the same unit; "Hoàn Kiếm 2" does not. */
function sameUnitName(given: string, official: string): boolean {
  const g = foldVietnamese(given.normalize('NFC')).replace(/\s+/g, ' ').trim();
  const o = foldVietnamese(official.normalize('NFC')).replace(/\s+/g, ' ').trim();
  return g === o || g === o.replace(/^(xa|phuong|dac khu)\s+/, '');
}

export function createCommuneActions(deps: { db: Db }) {
  const { db } = deps;

  return {
    /** A commune's report on its cells, all or nothing; the channel says who sent it for whom. */
    async report(
      p: Principal,
      code: string,
      body: z.output<typeof communeReportBody>,
      now = Date.now(),
    ): Promise<CommuneReportResult> {
      const commune = await getCommune(db, code);
      if (!commune)
        throw notFound(`There is no commune ${code}.`, { code: 'UNKNOWN_COMMUNE' }, [
          { location: { in: 'params', field: 'code' }, message: `unknown commune ${code}` },
        ]);
      const who = reportChannel(communeReporter(p), { code, locality: commune.locality });
      if (!who.ok)
        throw forbidden(who.message, { code: 'NOT_YOUR_COMMUNE' }, [
          { location: { in: 'params', field: 'code' }, message: who.message },
        ]);
      const mine = await communeTaskCodes(db, commune.locality, code);
      const unknown = body.cells.map((c) => c.task).filter((t) => !mine.has(t));
      const levels = await taskLevels(db, unknown);
      const errors = checkCommuneEntries(code, body.cells, mine, levels, (index, field) => ({
        location: { in: 'body', list: 'cells', index, field } satisfies FieldLocation,
      }));
      if (errors.length > 0)
        throw new Refusal(
          'invalid',
          `${errors.length} problem(s) in the report of commune ${code}; nothing was changed.`,
          { code: 'INVALID_CELLS' },
          errors.map((e): FieldRefusal => ({ location: e.location, message: e.message, extra: { cell: e.cell } })),
        );
      const outcome = await writeCommuneCells(db, {
        locality: commune.locality,
        cells: body.cells.map((e) => asWrite(code, e)),
        communes: [code],
        actor: p.name,
        channel: who.channel,
        round: body.round,
        now,
      });
      if (!outcome.ok) refuseWrite(outcome);
      return {
        commune: code,
        channel: who.channel,
        changed: outcome.changed,
        unchanged: outcome.unchanged,
        at: outcome.at,
      };
    },

    /**
     * A province's upload of its communes' cells (CSV text or an xlsx workbook), all or nothing: every bad
     * row is named with its row number and column; nothing is written unless every row is good.
     */
    async upload(
      p: Principal,
      locality: string,
      file: { kind: 'csv'; text: string } | { kind: 'xlsx'; bytes: Buffer },
      now = Date.now(),
    ) {
      if (!(await localityExists(db, locality))) throw notFound(`There is no province or city ${locality}.`);
      if (!(p.kind === 'home-affairs' || (p.kind === 'locality' && p.code === locality)))
        throw forbidden(
          p.kind === 'locality'
            ? `Province ${p.code} uploads only its own communes' cells, not those of ${locality}.`
            : 'Only the province itself (or Home Affairs) uploads its communes’ cells.',
          { code: 'NOT_YOUR_PROVINCE' },
          [{ location: { in: 'params', field: 'code' }, message: `not ${p.kind === 'locality' ? p.code : 'yours'}` }],
        );
      let records: CsvRecord[];
      try {
        records =
          file.kind === 'csv'
            ? parseCsv(file.text)
            : await readXlsxRecords(file.bytes, { maxBytes: UPLOAD_MAX_BYTES, maxRows: UPLOAD_MAX_ROWS + 1 });
      } catch (err) {
        if (err instanceof CsvSyntaxError)
          throw new Refusal('bad-request', `The file is not CSV: line ${err.line}: ${err.message}`, {}, [
            { location: { in: 'body', field: '' }, message: `line ${err.line}: not CSV`, extra: { row: err.line } },
          ]);
        if (err instanceof XlsxTooLargeError)
          throw new Refusal('bad-request', `The workbook is too large: ${err.message}`, {}, [
            { location: { in: 'body', field: '' }, message: err.message },
          ]);
        throw new Refusal('bad-request', 'The file is not a readable xlsx workbook.', {}, [
          { location: { in: 'body', field: '' }, message: 'not an xlsx workbook' },
        ]);
      }
      const header = records[0];
      const headerText = header?.fields.map((f) => f.trim().toLowerCase()) ?? [];
      if (!header || UPLOAD_COLUMNS.some((c, i) => headerText[i] !== c))
        // A well-formed file whose content is wrong: 422, as for a bad row (400 is for a body that cannot be read).
        throw new Refusal(
          'invalid',
          `The first row must name the columns ${UPLOAD_COLUMNS.join(',')}.`,
          { code: 'BAD_HEADER' },
          [{ location: { in: 'body', list: 'rows', index: header?.line ?? 1, field: '' }, message: 'bad header' }],
        );
      const rows = records.slice(1);
      if (rows.length === 0)
        throw new Refusal('invalid', 'The file has no rows after its header.', { code: 'EMPTY_FILE' }, [
          { location: { in: 'body', field: '' }, message: 'no rows' },
        ]);
      if (rows.length > UPLOAD_MAX_ROWS)
        throw new Refusal('bad-request', `At most ${UPLOAD_MAX_ROWS} rows per file.`, { code: 'TOO_MANY_ROWS' }, [
          { location: { in: 'body', field: '' }, message: 'too many rows' },
        ]);

      const errors: FieldRefusal[] = [];
      const err = (row: number, column: string, message: string, cell?: { commune: string; task: string }) =>
        errors.push({
          location: { in: 'body', list: 'rows', index: row, field: column },
          message: `row ${row}, column ${column}: ${message}`,
          extra: { row, column, ...(cell ? { cell } : {}) },
        });
      const codes = [...new Set(rows.map((r) => (r.fields[0] ?? '').trim()))];
      const [known, tasks] = await Promise.all([
        communesByCode(
          db,
          codes.filter((c) => /^[0-9]{5}$/.test(c)),
        ),
        provinceCommuneTaskCodes(db, locality),
      ]);
      const otherTasks = [...new Set(rows.map((r) => (r.fields[2] ?? '').trim()))].filter((t) => !tasks.has(t));
      const levels = await taskLevels(db, otherTasks);
      const writes: CommuneCellWrite[] = [];
      const seen = new Map<string, number>();
      for (const r of rows) {
        const [rawCode = '', name = '', rawTask = '', rawState = '', rawCategory = '', cellText = ''] = r.fields;
        const commune = rawCode.trim();
        const task = rawTask.trim();
        const cell = { commune, task };
        const unit = known.get(commune);
        if (!/^[0-9]{5}$/.test(commune) || !unit) {
          err(r.line, 'commune_code', `no commune has the code "${commune}"`, cell);
        } else if (unit.locality !== locality) {
          err(
            r.line,
            'commune_code',
            `commune ${commune} (${unit.name}) belongs to ${unit.locality}, not ${locality}`,
            cell,
          );
        } else if (name.trim() !== '' && !sameUnitName(name, unit.name)) {
          err(r.line, 'commune_name', `"${name.trim()}" is not the name of commune ${commune} (${unit.name})`, cell);
        }
        const entryErrors = checkCommuneEntries(commune, [{ task, state: 'NOT_STARTED' }], tasks, levels, () => ({
          field: 'task',
        }));
        for (const e of entryErrors) err(r.line, 'task', e.message, cell);
        const state = rawState.trim().toUpperCase();
        const category = rawCategory.trim().toUpperCase();
        if (!(CELL_STATES as readonly string[]).includes(state))
          err(r.line, 'state', `must be one of ${CELL_STATES.join(', ')}`, cell);
        else if (state === 'OBSTACLE') {
          if (!(OBSTACLE_CATEGORIES as readonly string[]).includes(category))
            err(r.line, 'category', `an OBSTACLE needs a category: ${OBSTACLE_CATEGORIES.join(', ')}`, cell);
          if (cellText.trim() === '') err(r.line, 'text', 'an OBSTACLE needs a text saying what blocks it', cell);
        } else if (category !== '')
          err(r.line, 'category', `a category belongs only to an OBSTACLE, not ${state}`, cell);
        if (cellText.length > CELL_TEXT_MAX) err(r.line, 'text', `at most ${CELL_TEXT_MAX} characters`, cell);
        const key = `${commune} ${task}`;
        const first = seen.get(key);
        if (first !== undefined) err(r.line, 'task', `commune ${commune}, task ${task} is also on row ${first}`, cell);
        else seen.set(key, r.line);
        writes.push({
          commune,
          task,
          state: state as CellState,
          category: state === 'OBSTACLE' ? (category as ObstacleCategory) : null,
          text: cellText,
        });
        if (errors.length >= 200) break;
      }
      if (errors.length > 0)
        throw new Refusal(
          'invalid',
          `${errors.length >= 200 ? 'At least 200' : errors.length} problem(s) in the file; nothing was changed. First: ${errors[0]?.message}`,
          { code: 'INVALID_ROWS' },
          errors,
        );
      const outcome = await writeCommuneCells(db, {
        locality,
        cells: writes,
        communes: [...new Set(writes.map((w) => w.commune))],
        actor: p.name,
        channel: 'UPLOAD',
        now,
      });
      if (!outcome.ok) refuseWrite(outcome);
      return {
        locality,
        communes: outcome.communes,
        rows: rows.length,
        changed: outcome.changed,
        unchanged: outcome.unchanged,
        at: outcome.at,
      };
    },

    /** Whether every province with communes has its cells (false while the first start's seed runs). */
    async seeded(): Promise<boolean> {
      const s = await communeSeedStatus(db);
      return s.provinces > 0 && s.seededProvinces >= s.provinces;
    },
  };
}

export type CommuneActions = ReturnType<typeof createCommuneActions>;
