"""Page bodies. Each module has render(); the files in pages/ only call it, so AppTest can run a page
together with the shared set-up."""
