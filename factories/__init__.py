"""factory_boy factories for the demo blog: the example users copy into their projects.

Factories make the one object a test is about, with the values the test names
(``PostFactory(status="draft", category=seed_data.objects["technology"])``);
profiles make the many rows a test reads (``@pytest.mark.seed_profile``,
``seedgen.testing.SeededTestCase``). See the README's "Seeding tests".
"""
