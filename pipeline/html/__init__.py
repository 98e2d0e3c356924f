"""Reading an HTML page beyond its article: what its markup declares and what it shows around the headline."""
