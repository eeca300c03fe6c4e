"""factory_boy factories for the demo blog: the example users copy into their projects."""
