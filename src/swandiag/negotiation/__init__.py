"""negotiation stage."""
