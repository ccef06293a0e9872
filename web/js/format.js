// How values read on screen. Intl does the work; the browser's locale decides the style.
const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const day = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export const price = (cents) => money.format(cents / 100);
export const dateTime = (iso) => when.format(new Date(iso));
export const date = (iso) => day.format(new Date(iso));

/** "Dec 1, 2026, 6:00 PM - 10:00 PM" (the end's date only when it differs). */
export function span(start, end) {
  const a = new Date(start);
  const b = new Date(end);
  const sameDay = a.toDateString() === b.toDateString();
  return `${when.format(a)} – ${sameDay ? new Intl.DateTimeFormat(undefined, { timeStyle: 'short' }).format(b) : when.format(b)}`;
}

export const STATUS = { for_sale: 'For sale', sold: 'Sold', withdrawn: 'Withdrawn' };

let labels = {};
export function rememberTrades(items) {
  labels = Object.fromEntries(items.map((t) => [t.name, t.label]));
}
export const tradeLabel = (name) => labels[name] || name;

/** A datetime-local value ("2026-12-01T18:00") as ISO 8601 with this browser's UTC offset, as the API wants. */
export function withOffset(local) {
  if (!local) return '';
  const minutes = -new Date(local).getTimezoneOffset();
  const sign = minutes >= 0 ? '+' : '-';
  const abs = Math.abs(minutes);
  const pad = (n) => String(n).padStart(2, '0');
  return `${local.length === 16 ? `${local}:00` : local}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** ISO 8601 as a datetime-local value ("2026-12-01T18:00") in this browser's zone: `withOffset`'s inverse. */
export function localInput(iso) {
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
