// Small functions the console's live page modules share: element building and formatting.

export const $ = (id) => document.getElementById(id);

/** An element with properties (className, textContent, …), data-* attributes and children. */
export function el(tag, { dataset, ...properties } = {}, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, properties);
  if (dataset) Object.assign(node.dataset, dataset);
  node.append(...children);
  return node;
}

const moneyFormats = new Map();

/** An amount in minor units as the reader's locale writes it: "€2.60", "2,60 €", "¥260". */
export function money(minor, currency) {
  let format = moneyFormats.get(currency);
  if (!format) {
    format = new Intl.NumberFormat(undefined, { style: 'currency', currency });
    moneyFormats.set(currency, format);
  }
  return format.format(minor / 10 ** format.resolvedOptions().maximumFractionDigits);
}

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export const timeOf = (ms) => clock.format(new Date(ms));

/** A deny reason code as words: CODE_ALREADY_USED → "code already used". */
export const words = (code) => code.replaceAll('_', ' ').toLowerCase();

/** A duration as the console writes ages: "4 s", "3 min", "2 h". */
export function age(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}
