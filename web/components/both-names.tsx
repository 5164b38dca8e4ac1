import type { Lang } from '../i18n';

/** A name in the page's language, and beside it (marked with its language) the name in the other one. */
export function BothNames(props: { main: string; other: string; lang: Lang }) {
  return (
    <>
      {props.main}
      {props.other && (
        <span class="other-name" lang={props.lang === 'vi' ? 'en' : 'vi'}>
          {props.other}
        </span>
      )}
    </>
  );
}
