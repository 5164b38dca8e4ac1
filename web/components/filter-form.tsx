import type { ComponentChildren } from 'preact';

/** One filter of a GET form: a labelled choice, "any" first. */
export function FilterSelect(props: {
  id: string;
  name: string;
  label: string;
  any: string;
  value: string | undefined;
  options: { value: string; label: string }[];
}) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <select id={props.id} name={props.name}>
        <option value="">{props.any}</option>
        {props.options.map((o) => (
          <option key={o.value} value={o.value} selected={props.value === o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * A search form of filters (GET, so it works without JavaScript and the result has its own address):
 * the filters, then the button and the link back to the unfiltered view.
 */
export function FilterForm(props: {
  action: string;
  label: string;
  submitLabel: string;
  clearHref: string;
  clearLabel: string;
  children: ComponentChildren;
}) {
  return (
    <form method="get" action={props.action} class="filters" role="search" aria-label={props.label}>
      {props.children}
      <div>
        <button type="submit" class="button">
          {props.submitLabel}
        </button>{' '}
        <a href={props.clearHref}>{props.clearLabel}</a>
      </div>
    </form>
  );
}
