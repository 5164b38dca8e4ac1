import { Layout } from '../layout';
import { openDataMessages } from '../messages/open-data';
import type { PageContext } from '../page-context';
import { TableHead } from '../components/table-head';

/** What each column of the open data means, its type and values (vi/en by the page's language). */
export function OpenDataDictionaryPage(props: { ctx: PageContext }) {
  const { ctx } = props;
  const m = openDataMessages[ctx.lang];
  return (
    <Layout ctx={ctx} title={m.dictionaryTitle}>
      <h1>{m.dictionaryTitle}</h1>
      <p class="lead">{m.dictionaryLead}</p>
      <div class="table-wrap">
        <table id="dictionary">
          <caption class="visually-hidden">{m.dictionaryCaption}</caption>
          <TableHead columns={[m.column, m.meaning, m.type, m.values]} />
          <tbody>
            {m.columns.map((c) => (
              <tr key={c.column}>
                <td>
                  <code>{c.column}</code>
                </td>
                <td>{c.meaning}</td>
                <td>{c.type}</td>
                <td>{c.values}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p>{m.jsonNote}</p>
    </Layout>
  );
}
