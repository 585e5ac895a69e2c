"""bangfu (帮扶): employment assistance for county and city governments."""
