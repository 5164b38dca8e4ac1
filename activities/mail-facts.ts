/**
 * What every e-mail needs beside its own facts, read from the one record of each: ministries' and
 * localities' names in both languages (reference data, loaded into PostgreSQL), the task's catalog
 * texts in both languages, and the recipients' language choice (/preferences), applied by the one
 * policy in domain/mail.ts.
 */
import type { Db } from '../db/client';
import { chosenLanguages } from '../db/digests';
import { placeNames } from '../db/reference-data';
import { taskTexts } from '../db/tasks';
import { commonMailLanguage } from '../domain/mail';
import type { TaskView } from '../domain/task';
import type { PlaceMailFacts } from './round-emails';
import type { TaskMailFacts } from './task-emails';

type PlaceFacts = PlaceMailFacts & Pick<TaskMailFacts, 'ministry' | 'language'>;

/**
 * The facts for many messages at once (a round's notices): names read once, each message's language
 * from its own recipients (their common choice; Vietnamese first when they differ or chose nothing).
 */
export async function mailFactsFor(db: Db, everyone: string[]): Promise<(recipients: string[]) => PlaceFacts> {
  const [names, chosen] = await Promise.all([placeNames(db), chosenLanguages(db, everyone)]);
  return (recipients) => ({
    locality: (code) => names.localities.get(code),
    ministry: (code) => names.ministries.get(code),
    language: commonMailLanguage(recipients.map((r) => chosen.get(r.toLowerCase()))),
  });
}

/** Names and the recipients' common language. */
export async function placeMailFacts(db: Db, recipients: string[]): Promise<PlaceFacts> {
  return (await mailFactsFor(db, recipients))(recipients);
}

/** The facts of an e-mail about `task` to `recipients`. */
export async function taskMailFacts(db: Db, task: TaskView, recipients: string[]): Promise<TaskMailFacts> {
  const [place, texts] = await Promise.all([placeMailFacts(db, recipients), taskTexts(db, task.code)]);
  return {
    ...place,
    // The workflow's title is the Vietnamese one; the catalog row adds the English.
    title: { vi: task.title, en: texts?.title.en ?? '' },
    sector: { vi: task.sector, en: texts?.sector.en ?? '' },
  };
}
