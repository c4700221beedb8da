//! YAML as Kubernetes reads it, both ways: the emitter every object is written with
//! ([`write`](mod@write)), and its exact inverse, a reader for precisely that layout ([`read`]), which
//! `diff --against` uses to read an earlier build about ten times faster than a general parser.
//! They sit together because each is defined by the other: the reader accepts a plain scalar as
//! a string only where the writer would have written that string plain. Any other YAML is read
//! by [`general`], with the API server's rules.

pub mod general;
pub mod read;
pub mod write;

pub use read::documents;
pub use write::{to_string, write_document};
