"""Calendar feeds: building icalendar objects from sessions; routes only serve them."""
