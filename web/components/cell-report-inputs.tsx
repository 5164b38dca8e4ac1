import type { ComponentChildren } from 'preact';
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

/** A field control's attributes: its name (the form's key) and, with an error, what marks it invalid. */
type FieldAttrs = { id: string; name: string; 'aria-invalid'?: 'true'; 'aria-describedby'?: string };

/** One field of a row: its label (read by screen readers), its error, the control, marked invalid with its error. */
function CellField(props: {
  id: string;
  label: string;
  errors: FieldError[];
  control: (attrs: FieldAttrs) => ComponentChildren;
}) {
  const { id, errors } = props;
  const error = fieldError(errors, id);
  return (
    <div class={`field cell-field${error ? ' field-error' : ''}`}>
      <label for={id} class="visually-hidden">
        {props.label}
      </label>
      <ErrorText id={id} errors={errors} />
      {props.control({ id, name: id, ...(error ? { 'aria-invalid': 'true', 'aria-describedby': `${id}-error` } : {}) })}
    </div>
  );
}

/** A select of `options` ([value, words]) after a blank first choice, the chosen one selected. */
function choices(blank: string, options: [string, string][], chosen: string) {
  return (attrs: FieldAttrs) => (
    <select {...attrs}>
      <option value="">{blank}</option>
      {options.map(([value, words]) => (
        <option key={value} value={value} selected={chosen === value}>
          {words}
        </option>
      ))}
    </select>
  );
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
  return (
    <div class="cell-inputs">
      <CellField
        id={`state-${task}`}
        label={m.newStateFor(task)}
        errors={errors}
        control={choices(
          m.noChange,
          CELL_STATES.map((s) => [s, m.cellStates[s]]),
          v.state,
        )}
      />
      <CellField
        id={`category-${task}`}
        label={m.categoryFor(task)}
        errors={errors}
        control={choices(
          m.chooseCategory,
          OBSTACLE_CATEGORIES.map((c) => [c, categoryName(ctx.lang, c)]),
          v.category,
        )}
      />
      <CellField
        id={`text-${task}`}
        label={m.textFor(task)}
        errors={errors}
        control={(attrs) => (
          <textarea {...attrs} rows={2}>
            {v.text}
          </textarea>
        )}
      />
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
