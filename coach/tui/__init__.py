"""The Textual UI. It presents the domain core (coach.practice.session, coach.scoring.engine, coach.practice.store)
and never holds state of its own that the core does not know about."""
