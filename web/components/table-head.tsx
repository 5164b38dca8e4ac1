import type { ComponentChildren } from 'preact';

/** A column heading: its words, or its words with how it is drawn (numbers right-aligned; read out only). */
export type ColumnHeading = string | { label: ComponentChildren; num?: boolean; readOutOnly?: boolean };

/** A table's row of column headings, each `scope="col"` for screen readers. */
export function TableHead(props: { columns: readonly ColumnHeading[] }) {
  return (
    <thead>
      <tr>
        {props.columns.map((c, i) =>
          typeof c === 'string' ? (
            <th key={i} scope="col">
              {c}
            </th>
          ) : (
            <th key={i} scope="col" class={c.num ? 'num' : undefined}>
              {c.readOutOnly ? <span class="visually-hidden">{c.label}</span> : c.label}
            </th>
          ),
        )}
      </tr>
    </thead>
  );
}
