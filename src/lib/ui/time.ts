// Moments as the console shows them, in the viewer's own time zone. In lists and tables (the users'
// Created and Last sign-in, activity entries, sessions): date and time to the minute, 24-hour, so
// the longest ("May 15, 2026, 15:00") fits a table column; the exact moment with the zone's name
// on hover.
const short = new Intl.DateTimeFormat('en', {
	year: 'numeric',
	month: 'short',
	day: 'numeric',
	hour: '2-digit',
	minute: '2-digit',
	hourCycle: 'h23'
});
const exact = new Intl.DateTimeFormat('en', { dateStyle: 'full', timeStyle: 'long' });
// In running text (a user's settings header: "Last signed in Jan 16, 2026, 9:00 AM"): the
// locale's own medium date and short time, which for 'en' is the 12-hour clock.
const prose = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });

export const shortTime = (instant: string): string => short.format(new Date(instant));
export const exactTime = (instant: string): string => exact.format(new Date(instant));
export const proseTime = (instant: string): string => prose.format(new Date(instant));
