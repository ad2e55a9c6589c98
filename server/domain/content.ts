export const CONTENT_FORMATS = ['html', 'text'] as const;
export type ContentFormat = (typeof CONTENT_FORMATS)[number];
