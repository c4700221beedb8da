//! The standard library of components, embedded in the binary.
