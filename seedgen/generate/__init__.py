"""Generation: pure functions of (seed, model, field, row) over chunks of rows; the strategies make the columns."""
