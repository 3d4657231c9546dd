// Parses an iCalendar document from stdin with Mozilla's ical.js (Thunderbird's parser) and prints its events as JSON.
import ICAL from "ical.js";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const text = Buffer.concat(chunks).toString("utf8");
const component = new ICAL.Component(ICAL.parse(text));
for (const zone of component.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(zone);
}
const events = component.getAllSubcomponents("vevent").map((vevent) => {
  const event = new ICAL.Event(vevent);
  return {
    uid: event.uid,
    summary: event.summary,
    start: event.startDate.toJSDate().toISOString(),
    end: event.endDate.toJSDate().toISOString(),
    tzid: event.startDate.zone ? event.startDate.zone.tzid : null,
    status: vevent.getFirstPropertyValue("status"),
    sequence: event.sequence,
  };
});
process.stdout.write(JSON.stringify({ name: component.getFirstPropertyValue("x-wr-calname"), events }));
