"""The individual level: one person's case file — intake and assessment, a plan agreed with them, confidential case
notes, closure with an outcome."""
