import { CELL_STATES, OBSTACLE_CATEGORIES } from '../../domain/locality-cells';
import { fieldError, type FieldError } from '../layout';
import { categoryName, localityMessages } from '../messages/localities';
import type { PageContext } from '../page-context';

// The inputs of one cell's report (its new state, the obstacle's category and text), each with its
// error beside it: the same on a province's page and on a commune's, posted as `state-<task>`,
// `category-<task>` and `text-<task>` (web/cell-report-form.ts reads them back).

/** What the person sent for one task's row (kept when the report is refused). */
export interface CellInput {
  state: string;
  category: string;
  text: string;
}

export function ErrorText(props: { id: string; errors: FieldError[] }) {
  const e = fieldError(props.errors, props.id);
  return e ? (
    <p class="error-message" id={`${props.id}-error`}>
      {e}
    </p>
  ) : null;
}

/** One row's inputs: the new state, the obstacle's category and text, each with its error beside it. */
export function ReportInputs(props: {
  ctx: PageContext;
  task: string;
  value: CellInput | undefined;
  errors: FieldError[];
}) {
  const { ctx, task, errors } = props;
  const m = localityMessages[ctx.lang];
  const v = props.value ?? { state: '', category: '', text: '' };
  const ids = { state: `state-${task}`, category: `category-${task}`, text: `text-${task}` };
  const invalid = (id: string) =>
    fieldError(errors, id) ? { 'aria-invalid': 'true' as const, 'aria-describedby': `${id}-error` } : {};
  const cls = (id: string) => `field cell-field${fieldError(errors, id) ? ' field-error' : ''}`;
  return (
    <div class="cell-inputs">
      <div class={cls(ids.state)}>
        <label for={ids.state} class="visually-hidden">
          {m.newStateFor(task)}
        </label>
        <ErrorText id={ids.state} errors={errors} />
        <select id={ids.state} name={ids.state} {...invalid(ids.state)}>
          <option value="">{m.noChange}</option>
          {CELL_STATES.map((s) => (
            <option key={s} value={s} selected={v.state === s}>
              {m.cellStates[s]}
            </option>
          ))}
        </select>
      </div>
      <div class={cls(ids.category)}>
        <label for={ids.category} class="visually-hidden">
          {m.categoryFor(task)}
        </label>
        <ErrorText id={ids.category} errors={errors} />
        <select id={ids.category} name={ids.category} {...invalid(ids.category)}>
          <option value="">{m.chooseCategory}</option>
          {OBSTACLE_CATEGORIES.map((c) => (
            <option key={c} value={c} selected={v.category === c}>
              {categoryName(ctx.lang, c)}
            </option>
          ))}
        </select>
      </div>
      <div class={cls(ids.text)}>
        <label for={ids.text} class="visually-hidden">
          {m.textFor(task)}
        </label>
        <ErrorText id={ids.text} errors={errors} />
        <textarea id={ids.text} name={ids.text} rows={2} {...invalid(ids.text)}>
          {v.text}
        </textarea>
      </div>
    </div>
  );
}

/** The report's send button, with the error that concerns the report as a whole beside it. */
export function ReportSubmit(props: { ctx: PageContext; errors: FieldError[] }) {
  const reportError = fieldError(props.errors, 'report');
  return (
    <div class={`field${reportError ? ' field-error' : ''}`}>
      <ErrorText id="report" errors={props.errors} />
      <button type="submit" class="button" id="report" aria-describedby={reportError ? 'report-error' : 'report-hint'}>
        {localityMessages[props.ctx.lang].sendReport}
      </button>
    </div>
  );
}
