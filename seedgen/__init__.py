"""seedgen: seeded, realistic sample data for Django models, at any volume."""
