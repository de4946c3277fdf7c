"""The benchmarks' pages: the library everyone reads at /benchmarks/ (``library``), and
each programme's editor at /programmes/<slug>/benchmarks/ (``editor``), whose addresses
sit among the programme's in schemes/urls.py."""
