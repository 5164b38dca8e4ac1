import type { LangText } from '../i18n';

/** A text marked with the language it is in (i18n.ts catalogText: a Vietnamese title on an English page is read as Vietnamese). */
export function InLang(props: { text: LangText; block?: boolean; class?: string }) {
  const { text } = props;
  return props.block ? (
    <div lang={text.lang} class={props.class}>
      {text.text}
    </div>
  ) : (
    <span lang={text.lang} class={props.class}>
      {text.text}
    </span>
  );
}
