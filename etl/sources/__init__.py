"""One extractor per domain. Each turns an inbox file into normalised tables plus data-quality findings."""
