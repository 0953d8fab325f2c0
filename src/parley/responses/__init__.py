"""The Standard Response Library: a category tree of prepared replies, some bound to templates."""
