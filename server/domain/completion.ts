/**
 * How far a mailing is, in whole percent: sent out of the recipients it can still mail (the
 * skipped ones never will be). One definition for the list, the mailing page and live pushes.
 */
export const completion = (counters: { total: number; sent: number; skipped: number }): number => {
  const mailable = counters.total - counters.skipped;
  return mailable > 0 ? Math.floor((100 * counters.sent) / mailable) : 100;
};
