"""Developer tools kept out of the package the dashboard imports: the seed generator (`make seed`) and the
synthetic national-scale warehouse (benchmarks, `libstats build --scale national`). They read the
tables in data/ and write data; the dashboard never imports them."""
