//! The only place that writes to stdout and stderr.
