"""Pages of programmes and schemes, one module per part. Every view resolves its
programme or scheme through ``mentoring.access`` and declares its permission there."""
