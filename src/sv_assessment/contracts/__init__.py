"""Data contracts: load the Great Expectations suites in ``data_contracts/``, validate each
canonical frame, split off rows set aside, and write the data-quality pages."""
