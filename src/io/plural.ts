// Counts in messages the user reads: `1 argument`, `3 more items`.

/** `count` followed by the noun in the number it needs: plural(2, 'item') is '2 items'. */
export function plural(count: number, singular: string, pluralForm = singular + 's'): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}
