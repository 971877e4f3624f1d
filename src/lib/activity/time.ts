// When an entry happened, in the viewer's own time zone: date and time to the minute on screen
// (24-hour, as the Users table shows Created), the exact moment with the zone's name on hover.
const short = new Intl.DateTimeFormat('en', {
	year: 'numeric',
	month: 'short',
	day: 'numeric',
	hour: '2-digit',
	minute: '2-digit',
	hourCycle: 'h23'
});
const exact = new Intl.DateTimeFormat('en', { dateStyle: 'full', timeStyle: 'long' });

export const shortTime = (instant: string): string => short.format(new Date(instant));
export const exactTime = (instant: string): string => exact.format(new Date(instant));
