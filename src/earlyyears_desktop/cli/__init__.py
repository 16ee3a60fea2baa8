"""The `earlyyears` command line: one module per verb, registered in `main`."""
