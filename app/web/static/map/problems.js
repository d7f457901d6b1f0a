// The API's validation problems (English, with a JSON pointer) in the map's language.
// Unknown wording passes through unchanged: the API's text is never hidden.

import { currentLang } from "./i18n.js";

// [pattern of the API's wording, German]: the most frequent problems of the partner form.
const GERMAN = [
  [/^is required$/, "ist ein Pflichtfeld"],
  [/^must not be blank$/, "darf nicht leer sein"],
  [/^must not be null$/, "darf nicht leer sein"],
  [/^must be a number$/, "muss eine Zahl sein"],
  [/^must be a finite number >= 0$/, "muss eine Zahl ≥ 0 sein"],
  [/^must be a date YYYY-MM-DD$/, "muss ein Datum (JJJJ-MM-TT) sein"],
  [/^is (\d+) characters; at most (\d+)$/, "hat $1 Zeichen; höchstens $2 sind erlaubt"],
  [/^lies outside the 17 Klima\.Werk municipalities$/, "liegt außerhalb der 17 Klima.Werk-Kommunen"],
  [/^has (\d+) vertices; at most (\d+) are accepted$/, "hat $1 Eckpunkte; höchstens $2 sind erlaubt"],
  [/^is invalid: (.*) \(not repaired\)$/, "ist ungültig: $1 (nicht repariert)"],
  [/^is empty$/, "ist leer"],
  [/^unknown type; see \/measure-types$/, "unbekannter Maßnahmentyp"],
  [/^must be one of (.*)$/, "muss einer der Werte $1 sein"],
];

/** The problem text in the current language (German where the wording is known). */
export function problemText(problem) {
  if (currentLang() !== "de" || typeof problem !== "string") return problem;
  for (const [pattern, german] of GERMAN) {
    if (pattern.test(problem)) return problem.replace(pattern, german);
  }
  return problem;
}
