"""Progress reports (督办 itself): who speaks for a unit, reports per row and period, colours, bulletins."""
