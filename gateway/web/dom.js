// Small helpers the live page's modules share: element building and formatting.

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
