"""The Textual UI. It presents the domain core (coach.session, coach.scoring, coach.store)
and never holds state of its own that the core does not know about."""
