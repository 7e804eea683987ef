"""Pure rules of the clinic's world: no web framework, no database session, no clock.

Time always comes in as an argument (``now``, a patient's zone), so every rule here
can be tested with a table of values.
"""
