/** A LIKE pattern that finds `term` anywhere; its own % and _ are matched literally. */
export const containsPattern = (term: string) => `%${term.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
