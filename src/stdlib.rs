//! The standard library of components, embedded in the binary.
//!
//! Each `stdlib/NAME.kdl` defines the component `NAME` in the Windlass language itself; the build
//! script embeds every file, so adding a component is adding a file.

include!(concat!(env!("OUT_DIR"), "/stdlib_files.rs"));

/// Names of the standard-library components.
pub const NAMES: &[&str] = &{
    let mut names = [""; FILES.len()];
    let mut i = 0;
    while i < FILES.len() {
        names[i] = FILES[i].0;
        i += 1;
    }
    names
};

/// The text of the standard-library file that defines `name`.
pub fn source(name: &str) -> Option<&'static str> {
    FILES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}
