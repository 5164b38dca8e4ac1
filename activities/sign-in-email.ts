import { composeMail, type ComposedMail, type MailLanguage } from '../domain/mail';

/** The one-time sign-in link (to the address asked for; the link opens a page that asks for a click). */
export function signInLinkEmail(link: string, minutes: number, language: MailLanguage): ComposedMail {
  return composeMail(
    {
      tag: language === 'en' ? 'Sign-in' : 'Đăng nhập',
      subject: { vi: 'Đường dẫn đăng nhập', en: 'Your sign-in link' },
      parts: {
        vi: [
          { p: `Đường dẫn đăng nhập của bạn dùng được một lần, trong ${minutes} phút.` },
          { link, label: 'Đăng nhập' },
          { p: 'Nếu bạn không yêu cầu đăng nhập, hãy bỏ qua thư này.' },
        ],
        en: [
          { p: `Your sign-in link works once, for ${minutes} minutes.` },
          { link, label: 'Sign in' },
          { p: 'If you did not ask to sign in, ignore this message.' },
        ],
      },
    },
    language,
  );
}
